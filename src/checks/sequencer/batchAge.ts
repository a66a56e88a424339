import { type Address, formatEther } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { type BatchSearch, findBatchByLogs, findBatchByNonce } from '../../protocols/batches.js';
import { defineCheck } from '../define.js';
import { address, duration, integer } from '../params.js';

export interface BatchObservation {
  method: 'batcher-nonce' | 'inbox-logs';
  search: BatchSearch;
  l1Head: number;
  /** Balance of the batch poster and what the latest batch cost, when a batch was found. */
  poster?: { address: Address; balanceWei: bigint; lastBatchCostWei: bigint };
}

/** How long the poster's balance lasts at the recent posting rate and the last batch's cost. */
export function runwayMs(observation: BatchObservation): number | undefined {
  const { search, poster } = observation;
  if (!poster || search.batchesInRange === 0 || search.rangeSeconds <= 0 || poster.lastBatchCostWei === 0n)
    return undefined;
  const costPerSecond = (Number(poster.lastBatchCostWei) * search.batchesInRange) / search.rangeSeconds;
  return (Number(poster.balanceWei) / costPerSecond) * 1000;
}

export const batchAge = defineCheck({
  type: 'sequencer.batch-age',
  concern: 'sequencer',
  requires: { l1: true, contracts: { sequencerInbox: 'l1' } },
  readsClock: true,
  summary: "Time since the venue last posted an L2 batch to L1, and the batch poster's runway",
  description:
    'Finds the latest L2 batch on L1 within `lookback` L1 blocks, newest first. OP Stack: give `batcher` and ' +
    "`inbox` — the batcher's last transaction is found by a binary search on its nonce (about log2(lookback) " +
    'calls; blocks older than ~128 need an archive endpoint). Arbitrum: give `sequencerInbox` — ' +
    'SequencerBatchDelivered logs are read in chunks of `logRange` blocks (public endpoints cap eth_getLogs ' +
    "ranges; 10 000 is common). Only deliveries by a batch poster count (`batchPoster`, else the inbox's " +
    'isBatchPoster of the sender): a force inclusion emits the same event with no data (NoData) from anyone, exactly ' +
    "when the sequencer is down, so it is reported and ignored. Fails when no batch is newer than `max`: the sequencer's blocks are not reaching " +
    "L1, so they can still be rewritten and withdrawals cannot be proven. Warns when the poster's L1 balance " +
    "lasts less than `minRunway` at the recent posting rate and the last batch's cost. The result says how far " +
    'back it looked and how many requests it took.',
  params: () =>
    z.object({
      batcher: address("OP Stack: the batcher's address (SystemConfig batcherHash).").optional(),
      inbox: address('OP Stack: the batch inbox address.').optional(),
      sequencerInbox: address('Arbitrum: the SequencerInbox contract.').optional(),
      batchPoster: address(
        "Arbitrum: the batch poster. Without it, the inbox's isBatchPoster(sender) decides which deliveries are batches.",
      ).optional(),
      max: duration('Oldest acceptable latest batch.', '1h'),
      lookback: integer('How many L1 blocks back to search.', { min: 1, max: 1_000_000, default: 1_200 }),
      logRange: integer('Largest eth_getLogs block range per request.', { min: 1, default: 5_000 }),
      minRunway: duration("Shortest acceptable time until the poster's L1 balance runs out.", '3d'),
    }),
  example: { batcher: '$batcher', inbox: '$batchInbox', max: '1h', lookback: 1200, minRunway: '3d' },
  validate(params) {
    const op = params.batcher !== undefined || params.inbox !== undefined;
    if (op && params.sequencerInbox !== undefined)
      return 'give either batcher + inbox (OP Stack) or sequencerInbox (Arbitrum), not both';
    if (op && (params.batcher === undefined || params.inbox === undefined))
      return 'the OP Stack method needs both batcher and inbox';
    if (!op && params.sequencerInbox === undefined)
      return 'give batcher + inbox (OP Stack) or sequencerInbox (Arbitrum)';
    if (params.batchPoster !== undefined && params.sequencerInbox === undefined)
      return 'batchPoster belongs to the Arbitrum method: give it with sequencerInbox';
    return undefined;
  },
  async read(ctx, params): Promise<BatchObservation> {
    const [client, head] = await Promise.all([ctx.l1.client(), ctx.l1.latestBlock()]);
    const common = {
      head: head.number ?? 0n,
      headTimestamp: Number(head.timestamp),
      lookback: params.lookback,
    };
    const method = params.sequencerInbox ? 'inbox-logs' : 'batcher-nonce';
    const search = params.sequencerInbox
      ? await findBatchByLogs(client, {
          ...common,
          sequencerInbox: params.sequencerInbox,
          batchPoster: params.batchPoster,
          logRange: params.logRange,
        })
      : await findBatchByNonce(client, {
          ...common,
          batcher: params.batcher as Address,
          inbox: params.inbox as Address,
        });
    if (!search.batch) return { method, search, l1Head: Number(common.head) };
    const [receipt, balanceWei] = await Promise.all([
      client.getTransactionReceipt({ hash: search.batch.tx }),
      ctx.l1.balance(search.batch.poster),
    ]);
    const blobCost = (receipt.blobGasUsed ?? 0n) * (receipt.blobGasPrice ?? 0n);
    return {
      method,
      search: { ...search, requests: search.requests + 2 },
      l1Head: Number(common.head),
      poster: {
        address: search.batch.poster,
        balanceWei,
        lastBatchCostWei: receipt.gasUsed * receipt.effectiveGasPrice + blobCost,
      },
    };
  },
  evaluate(params, observation, now) {
    const { search } = observation;
    const ignored = search.ignored;
    const notBatches = [
      ignored?.forceInclusions ? `${ignored.forceInclusions} force inclusion(s) (NoData)` : '',
      ignored?.notFromPoster ? `${ignored.notFromPoster} delivery(ies) not sent by a batch poster` : '',
    ].filter(Boolean);
    const looked =
      `looked back ${search.lookedBackBlocks} L1 blocks in ${search.requests} requests (${observation.method})` +
      (notBatches.length ? `; not counted as batches: ${notBatches.join(', ')}` : '');
    const threshold = `<= ${formatDuration(params.max)}`;
    const evidence = {
      method: observation.method,
      l1Head: observation.l1Head,
      lookedBackBlocks: search.lookedBackBlocks,
      requests: search.requests,
      batch: search.batch,
      batchesInRange: search.batchesInRange,
      ignored,
      poster: observation.poster && {
        address: observation.poster.address,
        balance: formatEther(observation.poster.balanceWei),
        lastBatchCost: formatEther(observation.poster.lastBatchCostWei),
      },
    };
    if (!search.batch) {
      return {
        holds: false,
        observed: 'no batch found',
        threshold,
        message: `no batch in the last ${search.lookedBackBlocks} L1 blocks; ${looked}`,
        evidence,
      };
    }
    const ageMs = Math.max(0, now - search.batch.timestamp * 1000);
    const runway = runwayMs(observation);
    const concern =
      runway !== undefined && runway < params.minRunway
        ? `the batch poster's L1 balance lasts about ${formatDuration(runway)} at the recent rate (minimum ${formatDuration(params.minRunway)})`
        : undefined;
    return {
      holds: ageMs <= params.max,
      concern,
      observed: formatDuration(ageMs),
      threshold,
      message: `last batch in L1 block ${search.batch.block}, ${formatDuration(ageMs)} ago; ${looked}`,
      value: { value: ageMs / 1000, unit: 'seconds', limit: { value: params.max / 1000, kind: 'max' } },
      evidence: { ...evidence, ageMs, runwayMs: runway },
    };
  },
});
