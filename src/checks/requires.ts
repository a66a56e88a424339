/**
 * What a check needs from its venue, declared as data on the check's definition. The loader turns an
 * unmet need into a checklist error at the check's position — a check that cannot run on the venue
 * could only ever `skip`, and a critical check that skips measures nothing — and `explain` prints the
 * same declaration. The engine's venue session offers the same capabilities (`capabilitiesOf`), so a
 * check that declares its needs never meets a venue that lacks them.
 *
 * Per-stack defaults live here too: a threshold that suits OP Stack can false-alarm on Arbitrum.
 */
import type { Stack } from '../core/result.js';

export type ChainSide = 'l1' | 'l2';

/** What a venue offers, as its checklist declares it. */
export interface VenueCapabilities {
  stack: Stack;
  /** An EVM L2 with blocks, block tags and contract state: every stack but dYdX v4. */
  evm: boolean;
  /** `venue.l1` is declared (or its preset supplies one). */
  l1: boolean;
}

export interface Needs {
  /** The only stacks the check can run on, when not every stack. */
  stacks?: readonly Stack[];
  /** Reads the L2 as an EVM chain: blocks, block tags, contract state. */
  evm?: true;
  /** Reads the L1 chain. */
  l1?: true;
}

type ParamName<P> = Extract<keyof P, string>;

/** The chain a contract parameter's address is read on: fixed, or the one another parameter names. */
export type ContractLocation<P> = ChainSide | { chainFrom: ParamName<P> };

export interface Requirements<P = Record<string, unknown>> extends Needs {
  /** Address parameters that name contracts, and where each is read; a given L1 contract needs an L1. */
  contracts?: { readonly [K in ParamName<P>]?: ContractLocation<P> };
  /** Needs that a parameter brings only when it is given (e.g. a fee tier read from dYdX v4). */
  withParams?: { readonly [K in ParamName<P>]?: Needs };
}

/** Parameter values (as a checklist writes them) used when a check on that stack leaves them out. */
export type StackDefaults<Input> = { readonly [S in Stack]?: Partial<Input> };

export interface UnmetRequirement {
  /** The parameter that brings the need, when one does: the error points at it. */
  param?: string;
  missing: string;
  expected: string;
}

export function capabilitiesOf(venue: { stack: Stack; l1?: unknown }): VenueCapabilities {
  return { stack: venue.stack, evm: venue.stack !== 'dydx-v4', l1: venue.l1 !== undefined };
}

const list = (stacks: readonly Stack[]) => stacks.join(' or ');

function unmetNeeds(needs: Needs, venue: VenueCapabilities, because?: string): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = [];
  const by = because ? `with ${because}, it ` : 'it ';
  if (needs.stacks && !needs.stacks.includes(venue.stack)) {
    unmet.push({
      param: because,
      missing: `${by}runs on ${list(needs.stacks)} only, and this venue is ${venue.stack}`,
      expected: because
        ? `venue.stack ${list(needs.stacks)}, or leave out ${because}`
        : `venue.stack ${list(needs.stacks)} (or its preset), or another check type for ${venue.stack}`,
    });
  }
  if (needs.evm && !venue.evm) {
    unmet.push({
      param: because,
      missing: `${by}reads EVM state (blocks, contracts), and ${venue.stack} is not an EVM chain`,
      expected: 'an op-stack, arbitrum or evm venue, or a check type that reads the venue (see `explain`)',
    });
  }
  if (needs.l1 && !venue.l1) {
    unmet.push({
      param: because,
      missing: `${by}reads L1, and the checklist declares no venue.l1`,
      expected: 'venue.l1: { chainId, rpc }, or a venue.preset that supplies it',
    });
  }
  return unmet;
}

const isGiven = (value: unknown) => value !== undefined;

/** Everything the venue lacks that the check needs with these parameters; empty when it can run. */
export function unmetRequirements<P>(
  requires: Requirements<P>,
  params: P,
  venue: VenueCapabilities,
): UnmetRequirement[] {
  const values = params as Record<string, unknown>;
  const unmet = unmetNeeds(requires, venue);
  for (const [param, location] of Object.entries(requires.contracts ?? {}) as [
    string,
    ContractLocation<P>,
  ][]) {
    if (!isGiven(values[param])) continue;
    const chain = typeof location === 'string' ? location : values[location.chainFrom];
    const needs: Needs = chain === 'l1' ? { l1: true } : { evm: true };
    unmet.push(...unmetNeeds(needs, venue, param));
  }
  for (const [param, needs] of Object.entries(requires.withParams ?? {}) as [string, Needs][]) {
    if (isGiven(values[param])) unmet.push(...unmetNeeds(needs, venue, param));
  }
  // One message per need: an EVM check with an L2 contract must not say "not an EVM chain" twice.
  const seen = new Set<string>();
  return unmet.filter((u) => {
    const key = u.missing.replace(/^with [^,]+, /, '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeNeeds(needs: Needs): string[] {
  return [
    ...(needs.stacks ? [`stack ${list(needs.stacks)}`] : []),
    ...(needs.evm ? ['an EVM L2 (not dydx-v4)'] : []),
    ...(needs.l1 ? ['venue.l1'] : []),
  ];
}

/** The declaration in words, one line per need, for `explain`. */
export function describeRequirements<P>(requires: Requirements<P>): string[] {
  const lines = describeNeeds(requires);
  for (const [param, location] of Object.entries(requires.contracts ?? {}) as [
    string,
    ContractLocation<P>,
  ][]) {
    const where =
      location === 'l1'
        ? 'L1 (needs venue.l1)'
        : location === 'l2'
          ? 'the L2 (an EVM chain)'
          : `the chain \`${location.chainFrom}\` names (l1 needs venue.l1)`;
    lines.push(`\`${param}\`: a contract on ${where}`);
  }
  for (const [param, needs] of Object.entries(requires.withParams ?? {}) as [string, Needs][]) {
    lines.push(`with \`${param}\`: ${describeNeeds(needs).join(', ')}`);
  }
  return lines.length > 0 ? lines : ['nothing beyond the venue: runs on every stack'];
}
