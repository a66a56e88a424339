import { BaseError, type Block, RpcError } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import type { ChainReader } from '../../rpc/reader.js';
import { defineCheck, MeasurementError } from '../define.js';
import { duration } from '../params.js';

interface Head {
  number: number;
  timestamp: number;
}

const head = (block: Block): Head => ({ number: Number(block.number), timestamp: Number(block.timestamp) });

async function tagged(reader: ChainReader, tag: 'safe' | 'finalized'): Promise<Head> {
  try {
    return head(await reader.taggedBlock(tag));
  } catch (error) {
    // A JSON-RPC error answer (not a network failure) means the endpoint does not know the tag.
    const rpcError = error instanceof BaseError ? error.walk((e) => e instanceof RpcError) : undefined;
    if (rpcError instanceof RpcError) {
      throw new MeasurementError(
        `the ${reader.label} endpoint rejected the "${tag}" block tag (${rpcError.shortMessage}); it cannot say how far behind its ${tag} head is`,
      );
    }
    throw error;
  }
}

export const safeLag = defineCheck({
  type: 'sequencer.safe-lag',
  concern: 'sequencer',
  requires: { evm: true },
  // Nitro's safe head is the last block whose batch is on L1 and L1-safe: the batch poster may wait up to
  // an hour (max-delay default) plus ~13 min of L1 justification; finalized adds L1 finality (~13–19 min).
  stackDefaults: { arbitrum: { maxSafeLag: '75m', maxFinalizedLag: '90m' } },
  summary: 'Distance from the latest L2 block to the safe and finalized heads',
  description:
    'Reads the `latest`, `safe` and `finalized` L2 blocks. On a rollup, `safe` means derived from data posted ' +
    "to L1 and `finalized` means that data is final on L1: a growing gap means the sequencer's blocks are not " +
    'reaching L1, so anything you see on the unsafe head can still be rewritten. Lags are judged in time (blocks ' +
    'are shown too). On OP Stack chains the safe head typically trails by a few minutes and the finalized head ' +
    'by 15–30 minutes. On Arbitrum (Nitro) `safe` is the last block whose batch is on L1 and in an L1-safe block: ' +
    "the batch poster waits up to an hour on a quiet chain (Nitro's max-delay default) and L1 justification adds " +
    '~13 min: hence its wider arbitrum defaults (tighten them for a busy chain such as Arbitrum One). An endpoint that does not support these tags makes the check `error`, never a pass.',
  params: () =>
    z.object({
      maxSafeLag: duration('Largest acceptable time between the latest and the safe head.', '10m'),
      maxFinalizedLag: duration('Largest acceptable time between the latest and the finalized head.', '45m'),
    }),
  example: { maxSafeLag: '10m', maxFinalizedLag: '45m' },
  async read(ctx) {
    const [latest, safe, finalized] = await Promise.all([
      ctx.l2.latestBlock().then(head),
      tagged(ctx.l2, 'safe'),
      tagged(ctx.l2, 'finalized'),
    ]);
    return { latest, safe, finalized };
  },
  evaluate(params, { latest, safe, finalized }) {
    const lag = (h: Head) => ({
      ms: Math.max(0, (latest.timestamp - h.timestamp) * 1000),
      blocks: latest.number - h.number,
    });
    const s = lag(safe);
    const f = lag(finalized);
    const describe = (name: string, l: { ms: number; blocks: number }) =>
      `${name} ${formatDuration(l.ms)} (${l.blocks} blocks)`;
    const problems = [
      s.ms > params.maxSafeLag
        ? `the safe head is ${formatDuration(s.ms)} behind, over ${formatDuration(params.maxSafeLag)}`
        : '',
      f.ms > params.maxFinalizedLag
        ? `the finalized head is ${formatDuration(f.ms)} behind, over ${formatDuration(params.maxFinalizedLag)}`
        : '',
    ].filter(Boolean);
    return {
      holds: problems.length === 0,
      observed: `${describe('safe', s)}, ${describe('finalized', f)}`,
      threshold: `safe <= ${formatDuration(params.maxSafeLag)}, finalized <= ${formatDuration(params.maxFinalizedLag)}`,
      message:
        problems.length > 0
          ? `${problems.join('; ')} (latest ${latest.number})`
          : `latest ${latest.number}, safe ${safe.number}, finalized ${finalized.number}`,
      // The safe lag is the headline; the finalized lag is judged too, so a fail may lie within this limit.
      value: { value: s.ms / 1000, unit: 'seconds', limit: { value: params.maxSafeLag / 1000, kind: 'max' } },
      evidence: { latest, safe, finalized, safeLagMs: s.ms, finalizedLagMs: f.ms },
    };
  },
});
