/**
 * Which block a run reads state at, and whether that block is too old to be judged as "now".
 *
 * An endpoint that lags (a replica behind its load balancer, a node that stopped syncing) answers
 * every read from its own head: an oracle updated 8 minutes before that head looks 8 minutes old,
 * whatever the feed says today. So each reader asks every endpoint for its head, reads state pinned at
 * the freshest head (an endpoint that is behind cannot answer for a block it does not have), and a
 * head older than the chain's bound makes every state read an error that names the endpoint and the
 * block's age, instead of a value judged against the wall clock as if it were fresh.
 *
 * The bound's default comes from the block time: max(60 s, 30 blocks). Thirty blocks leaves room for
 * missed slots and a slow endpoint; the 60 s floor keeps fast chains (Arbitrum's 250 ms) from
 * erroring on a few seconds of lag that no check's threshold is sensitive to.
 */

import { StaleReadError } from '../core/errors.js';
import type { Stack } from '../core/result.js';

/** Which chain a reader serves (same as ChainReader's label). */
export type HeadChain = 'l1' | 'l2' | 'reference';

/** Typical block time per L2 stack, for the default bound (dYdX v4 has no EVM chain to read). */
export const L2_BLOCK_TIME_MS: Readonly<Record<Stack, number | undefined>> = {
  'op-stack': 2_000,
  arbitrum: 250,
  evm: 12_000,
  'dydx-v4': undefined,
};

/** Ethereum's slot time: the venue's L1, and a reference chain a check names (assumed L1-like). */
export const L1_BLOCK_TIME_MS = 12_000;

const MIN_BOUND_MS = 60_000;
const BOUND_BLOCKS = 30;

/** The default bound for a chain with this block time: max(60 s, 30 × block time). */
export function defaultMaxBlockAgeMs(blockTimeMs: number): number {
  return Math.max(MIN_BOUND_MS, BOUND_BLOCKS * blockTimeMs);
}

/** The bound for each chain of a run: the checklist's or flag's value for every chain, else the default. */
export function maxBlockAgeFor(chain: HeadChain, stack: Stack, configuredMs: number | undefined): number {
  if (configuredMs !== undefined) return configuredMs;
  const blockTime = chain === 'l2' ? (L2_BLOCK_TIME_MS[stack] ?? L1_BLOCK_TIME_MS) : L1_BLOCK_TIME_MS;
  return defaultMaxBlockAgeMs(blockTime);
}

/** What one endpoint said its head was when the run asked (the probe before the first read). */
export interface EndpointHead {
  /** Position in the checklist's list of URLs (0-based). */
  index: number;
  /** Redacted and numbered, as in error messages: "#2 http://host/…". */
  endpoint: string;
  block: bigint;
  /** Seconds since the epoch. */
  timestamp: number;
  /** The head's age when the endpoint was asked. */
  ageMs: number;
}

/**
 * The order reads try endpoints in, and the head they are pinned at: the freshest endpoint first.
 * Endpoints whose head is older than the bound are left out while a fresh one exists (they could only
 * answer with old state, or not at all); when every endpoint is stale they all stay, so the head can
 * still be measured, and state reads fail with StaleReadError.
 */
export function orderByHead(
  heads: readonly EndpointHead[],
  nowMs: number,
  boundMs: number | undefined,
): { head: EndpointHead; order: EndpointHead[] } {
  const sorted = [...heads].sort((a, b) =>
    a.block === b.block ? a.index - b.index : a.block > b.block ? -1 : 1,
  );
  const head = sorted[0];
  if (!head) throw new Error('orderByHead needs at least one endpoint head');
  const fresh = boundMs === undefined ? sorted : sorted.filter((h) => ageMs(h, nowMs) <= boundMs);
  return { head, order: fresh.length > 0 ? fresh : sorted };
}

export function ageMs(head: { timestamp: number }, nowMs: number): number {
  return nowMs - head.timestamp * 1000;
}

/** The heads every endpoint reported, with their ages at `nowMs`, for a result's evidence. */
export function headsEvidence(heads: readonly EndpointHead[], nowMs: number) {
  return heads.map((h) => ({
    endpoint: h.endpoint,
    block: Number(h.block),
    ageMs: Math.round(ageMs(h, nowMs)),
  }));
}

/** Throws StaleReadError when the head is older than the bound (no bound: never). */
export function assertFresh(
  chain: HeadChain,
  head: EndpointHead,
  heads: readonly EndpointHead[],
  nowMs: number,
  boundMs: number | undefined,
): void {
  if (boundMs === undefined) return;
  const age = ageMs(head, nowMs);
  if (age > boundMs) throw new StaleReadError(chain, head, age, boundMs, headsEvidence(heads, nowMs));
}
