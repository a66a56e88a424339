import { BlockNotFoundError, type Hash } from 'viem';
import { z } from 'zod';
import { duration, integer } from '../../checklist/params.js';
import { formatDuration } from '../../checklist/units.js';
import { defineCheck } from '../define.js';

interface ProbeObservation {
  head: number;
  before: { number: number; hash: Hash }[];
  /** Hash of the same block numbers read again after the wait; null when the block disappeared. */
  after: (Hash | null)[];
  waitedMs: number;
}

export const probe = defineCheck({
  type: 'reorg.probe',
  summary: 'Recent block hashes read twice, `wait` apart: did the chain rewrite its recent history?',
  description:
    'Reads the hashes of the last `depth` L2 blocks, waits `wait`, and reads the same block numbers again. Any ' +
    'changed or vanished hash is a reorg: a position or a deposit you saw may no longer exist. The result names ' +
    "the depth of the deepest change. The wait is part of the measurement, so this check sets the run's minimum " +
    'wall time.',
  params: z.object({
    depth: integer('How many recent blocks to compare.', { min: 1, max: 256, default: 12 }),
    wait: duration('Time between the two reads.', '5s'),
  }),
  example: { depth: 12, wait: '5s' },
  async read(ctx, params): Promise<ProbeObservation> {
    const head = await ctx.l2.latestBlock();
    const last = Number(head.number);
    const numbers = Array.from({ length: Math.min(params.depth, last + 1) }, (_, i) => BigInt(last - i));
    const before = await Promise.all(numbers.map((n) => (n === head.number ? head : ctx.l2.block(n))));
    const started = Date.now();
    await ctx.sleep(params.wait);
    const after = await Promise.all(
      numbers.map((n) =>
        ctx.l2.freshBlock(n).then(
          (block) => block.hash,
          (error: unknown) => {
            if (error instanceof BlockNotFoundError) return null;
            throw error;
          },
        ),
      ),
    );
    return {
      head: last,
      before: before.map((b) => ({ number: Number(b.number), hash: b.hash as Hash })),
      after,
      waitedMs: Date.now() - started,
    };
  },
  evaluate(params, observation) {
    const changed = observation.before.filter((block, index) => observation.after[index] !== block.hash);
    const threshold = 'no changed block';
    const evidence = {
      head: observation.head,
      depth: observation.before.length,
      changed: changed.map((b, i) => ({
        number: b.number,
        before: b.hash,
        after: observation.after[observation.before.indexOf(b)] ?? null,
        index: i,
      })),
    };
    if (changed.length === 0) {
      return {
        holds: true,
        observed: 'no reorg',
        threshold,
        message: `blocks ${observation.head - observation.before.length + 1}–${observation.head} unchanged after ${formatDuration(observation.waitedMs)}`,
        evidence,
      };
    }
    const deepest = Math.min(...changed.map((b) => b.number));
    const reorgDepth = observation.head - deepest + 1;
    return {
      holds: false,
      observed: `reorg of depth ${reorgDepth}`,
      threshold,
      message: `${changed.length} of the last ${params.depth} blocks changed within ${formatDuration(observation.waitedMs)}; deepest change at block ${deepest} (depth ${reorgDepth})`,
      evidence: { ...evidence, reorgDepth },
    };
  },
});
