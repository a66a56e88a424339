import type { Address } from 'viem';
import type { z } from 'zod';
import type { AnyCheckDefinition } from '../checks/define.js';
import type { Severity, Stack } from '../core/result.js';
import type { ChecklistProblem } from '../errors.js';
import type { DydxEndpoints } from '../venues/dydx.js';

export interface ChainConfig {
  chainId: number;
  /** Interpolated URLs — secrets: only ever shown through a Redactor. */
  rpc: string[];
}

/** Who answers for a check when it fails: its own values, else the checklist's defaults, field by field. */
export interface EscalationPath {
  owner?: string;
  /** An http(s) URL (validated by the loader). */
  runbook?: string;
  escalation?: string;
}

export interface CheckInstance extends EscalationPath {
  id: string;
  type: string;
  definition: AnyCheckDefinition;
  /** Parsed with the definition's schema: units converted, defaults applied. */
  params: z.output<AnyCheckDefinition['params']>;
  severity: Severity;
  tags: string[];
  description?: string;
  remediation?: string;
  timeoutMs?: number;
  skip?: string;
}

export interface Checklist {
  /** The path as the user gave it, for messages and reports. */
  file: string;
  version: 1;
  name: string;
  venue: {
    name: string;
    stack: Stack;
    /** Every EVM stack has one; dYdX v4 has none (it has `dydx`). */
    l2?: ChainConfig;
    l1?: ChainConfig;
    dydx?: DydxEndpoints;
    contracts: Record<string, Address>;
  };
  defaults: {
    timeoutMs: number;
    severity: Severity;
    clockToleranceMs?: number;
    rpcTimeoutMs?: number;
    /** Oldest chain head a state read accepts; unset: per chain, from its block time. */
    maxBlockAgeMs?: number;
  };
  drill?: DrillConfig;
  checks: CheckInstance[];
  /** What `advise` of the checks said: printed by `validate`, never fatal. */
  warnings?: ChecklistProblem[];
}

export interface DrillConfig {
  amountWei: bigint;
  maxAmountWei: bigint;
  portal: Address;
  recipient?: Address;
  sla: { proveMs?: number; finalizeMs?: number };
}
