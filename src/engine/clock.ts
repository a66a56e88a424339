/**
 * Every age a check judges is `now − a chain timestamp`, so this machine's clock is an input: a clock
 * 60 s slow makes every age 60 s fresher. Before the checks run, the run compares its clock with the
 * chains' heads; past a tolerance, the checks that read the clock cannot measure (`error`, the skew named).
 *
 * Only a slow clock can be proven. A chain head's timestamp is at most the true time (an L1 block is
 * stamped at the start of its slot), so a head dated ahead of this clock bounds the clock from below.
 * A fast clock would show only as heads that look old — exactly what a halted L2, a stuck endpoint or
 * the devnet's idle L1 look like — so it is not inferred from head age: a halted L2 keeps failing
 * `sequencer.head-age` instead of becoming a clock error.
 *
 * The other side of the same comparison is staleness.ts: a head older than the chain's bound makes
 * state reads `error`. Both compare the run's `now` with the same head (the reader's, taken from the
 * freshest endpoint), so a clock check and a staleness check never judge two different heads.
 */
import { formatDuration } from '../core/units.js';
import type { ChainReader } from '../rpc/reader.js';

export const DEFAULT_CLOCK_TOLERANCE_MS = 30_000;

export interface ClockReference {
  chain: 'l1' | 'l2';
  block: number;
  /** Seconds since the epoch, as the chain reports it. */
  timestamp: number;
}

export interface ClockReading {
  /** The head the clock was compared with: L1 when the checklist declares one, else the L2. */
  reference: ClockReference;
  /** How far the reference head is ahead of this machine's clock (negative: the head is older). */
  aheadMs: number;
}

/**
 * Reads the reference head. The L1 is preferred: an L2 sequencer may stamp blocks ahead of true time
 * (op-node allows drift up to its sequencer window; Arbitrum up to maxTimeVariation), so an L2 ahead of
 * us proves our clock slow only when there is no L1 to ask. A head that cannot be read gives no reading:
 * the checks that need that chain report the RPC failure themselves.
 */
export async function readClock(
  readers: { l1?: ChainReader; l2?: ChainReader },
  now: () => number,
): Promise<ClockReading | undefined> {
  for (const [chain, reader] of [
    ['l1', readers.l1],
    ['l2', readers.l2],
  ] as const) {
    if (!reader) continue;
    try {
      const head = await reader.latestBlock();
      const timestamp = Number(head.timestamp);
      return {
        reference: { chain, block: Number(head.number), timestamp },
        aheadMs: timestamp * 1000 - now(),
      };
    } catch {}
  }
  return undefined;
}

/** Why ages cannot be trusted this run, or undefined when the clock agrees with the chain (pure). */
export function clockProblem(reading: ClockReading | undefined, toleranceMs: number): string | undefined {
  if (!reading || reading.aheadMs <= toleranceMs) return undefined;
  const { chain, block, timestamp } = reading.reference;
  const skew = formatDuration(reading.aheadMs);
  return (
    `this machine's clock is ${skew} behind the ${chain.toUpperCase()} head (block ${block} at ` +
    `${new Date(timestamp * 1000).toISOString()}), more than the ${formatDuration(toleranceMs)} tolerance: ` +
    `every age would read ${skew} fresher than it is (sync the clock, e.g. with NTP)`
  );
}
