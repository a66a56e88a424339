import { BlockNotFoundError, type Hash } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import type { ChainReader } from '../../rpc/reader.js';
import { defineCheck, MeasurementError } from '../define.js';
import { duration, integer } from '../params.js';

/** How many recent block hashes a run keeps for the next one: bounds the file and the re-reads. */
const HISTORY_LIMIT = 256;

/**
 * A block the first read saw but a re-read cannot find is most often a node behind its load balancer,
 * not a reorg: re-read it this many times, this far apart (a block time or two in all), before giving up.
 */
const MISSING_RETRIES = 4;
const MISSING_RETRY_MS = 500;

interface BlockHash {
  number: number;
  hash: Hash;
}

const hash = z.custom<Hash>((value) => typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value), {
  error: (issue) => `${JSON.stringify(issue.input)} is not a block hash`,
});

/** The latest view of the chain, for the next run (the chain id and genesis are kept beside it). */
export const probeRecord = z.object({
  version: z.literal(1, { error: 'not an l2preflight reorg history' }),
  savedAt: z.string(),
  head: z.number().int(),
  blocks: z.array(z.object({ number: z.number().int(), hash })),
});

export interface ProbeObservation {
  head: number;
  before: BlockHash[];
  /** The same block numbers read again after the wait; null when the block disappeared. */
  after: (Hash | null)[];
  waitedMs: number;
  /** The previous run's blocks and what those numbers hold now. */
  previous?: { savedAt: string; head: number; blocks: BlockHash[]; now: (Hash | null)[] };
  /** Why the previous run's history could not be used, when it could not. */
  historyProblem?: string;
  /** Re-reads of blocks that were missing (0 when none was), and how long they took. */
  retries?: { count: number; ms: number };
}

async function hashNow(reader: ChainReader, number: number): Promise<Hash | null> {
  try {
    return (await reader.freshBlock(BigInt(number))).hash as Hash;
  } catch (error) {
    if (error instanceof BlockNotFoundError) return null;
    throw error;
  }
}

/**
 * Blocks whose hash differs from what was seen, and the depth of the deepest below `head`. Only a
 * different hash at a height both reads have is a reorg: a block the re-read cannot find is `missing`
 * (the endpoint is behind), which proves nothing either way.
 */
export function reorgDepth(head: number, seen: BlockHash[], now: (Hash | null)[]) {
  const changed = seen.filter((block, index) => now[index] !== null && now[index] !== block.hash);
  const missing = seen.filter((_block, index) => now[index] === null);
  const lowest = changed.length ? Math.min(...changed.map((b) => b.number)) : undefined;
  return { changed, missing, depth: lowest === undefined ? 0 : head - lowest + 1 };
}

/** Re-reads, a few times within the check's own time, the blocks that came back missing. */
async function retryMissing(
  reader: ChainReader,
  sleep: (ms: number) => Promise<void>,
  lists: { numbers: number[]; hashes: (Hash | null)[] }[],
): Promise<{ count: number; ms: number }> {
  const started = Date.now();
  let count = 0;
  const anyMissing = () => lists.some((list) => list.hashes.includes(null));
  while (anyMissing() && count < MISSING_RETRIES) {
    await sleep(MISSING_RETRY_MS);
    count += 1;
    for (const list of lists) {
      await Promise.all(
        list.hashes.map(async (hash, index) => {
          if (hash === null) list.hashes[index] = await hashNow(reader, list.numbers[index] as number);
        }),
      );
    }
  }
  return { count, ms: Date.now() - started };
}

export const probe = defineCheck({
  type: 'reorg.probe',
  concern: 'reorgs',
  requires: { evm: true },
  summary: 'Recent block hashes read twice, `wait` apart, and against the last run: was history rewritten?',
  description:
    'Reads the hashes of the last `depth` L2 blocks, waits `wait`, and reads the same block numbers again; it ' +
    'also re-reads the blocks the previous run saw (kept in the state directory) to catch reorgs that happened ' +
    'between runs. A changed hash at a height both reads have is a reorg: a fill or a deposit you saw may no ' +
    'longer exist. A block that vanished (a node behind its load balancer) is re-read a few times; still missing, ' +
    'the result is `error` (inconclusive), never a reorg and never a pass. A ' +
    'reorg up to `maxDepth` blocks warns, deeper fails (the default 0 fails on any reorg). The wait is part of ' +
    "the measurement, so this check sets the run's minimum wall time. An unusable history file is set aside " +
    'and reported (a warning: between-run reorgs could not be checked), never trusted.',
  params: () =>
    z.object({
      depth: integer('How many recent blocks to compare.', { min: 1, max: HISTORY_LIMIT, default: 12 }),
      wait: duration('Time between the two reads.', '5s', { timer: true }),
      maxDepth: integer('Deepest reorg that only warns; deeper fails.', { min: 0, default: 0 }),
    }),
  example: { depth: 12, wait: '5s', maxDepth: 0 },
  async read(ctx, params): Promise<ProbeObservation> {
    const head = await ctx.l2.latestBlock();
    const last = Number(head.number);
    const numbers = Array.from({ length: Math.min(params.depth, last + 1) }, (_, i) => BigInt(last - i));
    const before = await Promise.all(numbers.map((n) => (n === head.number ? head : ctx.l2.block(n))));
    const history = ctx.history(probeRecord, { name: 'the run history' });
    const { value: stored, problem: historyProblem } = await history.read();
    const started = Date.now();
    await ctx.sleep(params.wait);
    const after = await Promise.all(before.map((b) => hashNow(ctx.l2, Number(b.number))));
    const previous = stored
      ? {
          savedAt: stored.savedAt,
          head: stored.head,
          blocks: stored.blocks,
          now: await Promise.all(stored.blocks.map((b) => hashNow(ctx.l2, b.number))),
        }
      : undefined;
    const retries = await retryMissing(ctx.l2, ctx.sleep, [
      { numbers: before.map((b) => Number(b.number)), hashes: after },
      ...(previous ? [{ numbers: previous.blocks.map((b) => b.number), hashes: previous.now }] : []),
    ]);
    const observation: ProbeObservation = {
      head: last,
      before: before.map((b) => ({ number: Number(b.number), hash: b.hash as Hash })),
      after,
      waitedMs: Date.now() - started,
      previous,
      retries,
      historyProblem,
    };
    const latestView = observation.before
      .map((b, i) => ({ number: b.number, hash: after[i] }))
      .filter((b): b is BlockHash => b.hash !== null && b.hash !== undefined)
      .slice(0, HISTORY_LIMIT);
    await history.write({
      version: 1,
      savedAt: new Date(ctx.now()).toISOString(),
      head: last,
      blocks: latestView,
    });
    return observation;
  },
  evaluate(params, observation) {
    const within = reorgDepth(observation.head, observation.before, observation.after);
    const between = observation.previous
      ? reorgDepth(observation.previous.head, observation.previous.blocks, observation.previous.now)
      : { changed: [], missing: [], depth: 0 };
    const deepest = Math.max(within.depth, between.depth);
    const missing = [...within.missing, ...between.missing].map((b) => b.number);
    const missingText = missing.length
      ? `block(s) ${[...new Set(missing)].sort((a, b) => a - b).join(', ')} seen before are missing on re-read${observation.retries?.count ? ` ${observation.retries.count + 1} times over ${formatDuration(observation.retries.ms)}` : ''} (the endpoint is behind: a node behind its load balancer?)`
      : '';
    // Missing blocks and no changed hash: a lagging node, not evidence of a reorg — and not of its
    // absence either. `error`, not `warn`: nothing was measured at those heights, so it must never
    // count as a measured verdict (a warn on a critical check would still route).
    if (deepest === 0 && missing.length) {
      throw new MeasurementError(
        `inconclusive: ${missingText}; a reorg can be neither confirmed nor ruled out (only a changed hash at a height both reads have is a reorg)`,
        { head: observation.head, missing, retries: observation.retries },
      );
    }
    const threshold = params.maxDepth === 0 ? 'no reorg' : `reorg depth <= ${params.maxDepth}`;
    const evidence = {
      head: observation.head,
      depth: observation.before.length,
      reorgDepth: deepest,
      changedWithinRun: within.changed.map((b) => b.number),
      changedSinceLastRun: between.changed.map((b) => b.number),
      missingOnReread: missing,
      lastRunAt: observation.previous?.savedAt,
    };
    const parts = [
      within.depth > 0
        ? `${within.changed.length} of the last ${observation.before.length} blocks changed within ${formatDuration(observation.waitedMs)} (depth ${within.depth}, deepest at block ${Math.min(...within.changed.map((b) => b.number))})`
        : '',
      between.depth > 0
        ? `${between.changed.length} block(s) seen by the run of ${observation.previous?.savedAt} changed since (depth ${between.depth})`
        : '',
      missingText,
    ].filter(Boolean);
    const since = observation.previous ? ` and since the run of ${observation.previous.savedAt}` : '';
    const concern = observation.historyProblem
      ? `${observation.historyProblem}; reorgs between runs were not checked`
      : undefined;
    if (deepest === 0) {
      return {
        holds: true,
        concern,
        observed: 'no reorg',
        value: { value: 0, unit: 'blocks', limit: { value: params.maxDepth, kind: 'max' } },
        threshold,
        message: `blocks ${observation.head - observation.before.length + 1}–${observation.head} unchanged after ${formatDuration(observation.waitedMs)}${since}`,
        evidence,
      };
    }
    const withinLimit = deepest <= params.maxDepth;
    return {
      holds: withinLimit,
      concern: withinLimit ? `reorg of depth ${deepest} (at most ${params.maxDepth} tolerated)` : concern,
      observed: `reorg of depth ${deepest}`,
      value: { value: deepest, unit: 'blocks', limit: { value: params.maxDepth, kind: 'max' } },
      threshold,
      message: parts.join('; '),
      evidence,
    };
  },
});
