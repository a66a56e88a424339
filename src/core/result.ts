/**
 * The run result model: one object that every report format renders.
 * Its JSON form is a public interface (DESIGN.md "Results"): add fields, never rename.
 */
import type { ErrorKind, FailOn, Severity, Stack, Status, Verdict } from './vocabulary.js';

export type { ErrorKind, FailOn, Severity, Stack, Status, Verdict } from './vocabulary.js';
export { ERROR_KINDS, STATUSES, VERDICTS } from './vocabulary.js';

interface ResultBase {
  id: string;
  /** This check's status in the previous run of the checklist, when run history has it. */
  previousStatus?: Status;
  type: string;
  severity: Severity;
  description?: string;
  remediation?: string;
  /** Who owns this check's concern (a team or a person), from the check or the checklist's defaults. */
  owner?: string;
  /** A URL to the runbook for this check's failure. */
  runbook?: string;
  /** Who to call, free text ("#perps-oncall, then +1 555 0100"). */
  escalation?: string;
  tags: string[];
  durationMs: number;
  message: string;
}

/** The check measured something and judged it against its threshold. */
export interface JudgedResult extends ResultBase {
  status: 'pass' | 'warn' | 'fail';
  observed: string;
  threshold: string;
  /** The headline number behind `observed`, when there is one (seconds, blocks, usd, ratio). */
  value?: number;
  unit?: 'seconds' | 'blocks' | 'usd' | 'ratio';
  /** `threshold` as a number in `unit`, when the check has one: `max` holds while value <= limit. */
  limit?: { value: number; kind: 'max' | 'min' };
  evidence?: Record<string, unknown>;
}

/** The check could not measure (RPC failure, timeout, revert, malformed answer): never a pass. */
export interface ErrorResult extends ResultBase {
  status: 'error';
  /** Why it could not measure, for scripts to switch on (vocabulary.ts ERROR_KINDS). */
  errorKind: ErrorKind;
  threshold?: string;
  evidence?: Record<string, unknown>;
}

/** The check was not run: `skip:` in the checklist, `--only`/`--skip`, or not applicable to the stack. */
export interface SkipResult extends ResultBase {
  status: 'skip';
  /** `not-applicable` when the check found it does not apply here; absent when asked to skip. */
  errorKind?: 'not-applicable';
}

export type CheckResult = JudgedResult | ErrorResult | SkipResult;

export interface VenueSummary {
  name: string;
  stack: Stack;
  /** Absent for dYdX v4, which has no EVM chain (it has `network`). */
  l2ChainId?: number;
  /** dYdX v4's chain id, e.g. dydx-mainnet-1. */
  network?: string;
  l1ChainId?: number;
}

/** Which endpoints answered during the run; URLs are redacted. */
export interface EndpointReport {
  chain: 'l1' | 'l2' | 'reference';
  url: string;
  requests: number;
  failures: number;
  /** The head this endpoint reported when the run asked, and its age then (absent: it did not answer). */
  head?: { block: number; ageMs: number };
}

export interface RunResult {
  schemaVersion: 1;
  tool: { name: 'l2preflight'; version: string };
  checklist: string;
  venue: VenueSummary;
  startedAt: string;
  durationMs: number;
  failOn: FailOn;
  verdict: Verdict;
  summary: Record<Status, number>;
  results: CheckResult[];
  endpoints: EndpointReport[];
  /** Why the verdict is what it is, in one sentence (for NO VERDICT: what could not be measured). */
  verdictReason: string;
  /** Checks that ran (pass, warn, fail or error): a checklist that shrank shows here. */
  checksRun: number;
  /** Checks the checklist declares, before --only and --skip. */
  checksInChecklist: number;
  /** The run's deadline, when one was set (what was left of --deadline when the run started). */
  deadlineMs?: number;
  /** Ids of the checks that the run deadline ended before they measured (they are `error`). */
  cutByDeadline: string[];
}
