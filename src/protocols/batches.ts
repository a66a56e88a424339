/**
 * Finding a rollup's latest batch on L1, newest first, within a bounded lookback.
 *
 * OP Stack batches are plain transactions from the batcher to the batch inbox — no logs to search.
 * The batcher's nonce only moves when it sends, so a binary search on `eth_getTransactionCount` at
 * past blocks finds the block of its last transaction in about log2(lookback) calls. (State at old
 * blocks needs an archive endpoint beyond ~128 blocks on most full nodes.)
 *
 * Arbitrum batches emit `SequencerBatchDelivered` from the SequencerInbox: `eth_getLogs` in chunks of
 * `logRange` blocks (public endpoints cap the range), newest chunk first. Only a batch poster's
 * deliveries count: a force inclusion emits the same event, with no data, from anyone.
 */
import { type Address, type Hash, type PublicClient, parseAbi, parseAbiItem } from 'viem';
import { MeasurementError } from '../core/errors.js';
import { isAbsentAnswer } from '../rpc/probe.js';

export const sequencerBatchDelivered = parseAbiItem(
  'event SequencerBatchDelivered(uint256 indexed batchSequenceNumber, bytes32 indexed beforeAcc, bytes32 indexed afterAcc, bytes32 delayedAcc, uint256 afterDelayedMessagesRead, (uint64 minTimestamp, uint64 maxTimestamp, uint64 minBlockNumber, uint64 maxBlockNumber) timeBounds, uint8 dataLocation)',
);

export interface BatchSearch {
  /** The latest batch found, if any. */
  batch?: { block: number; timestamp: number; tx: Hash; poster: Address };
  /** Batches seen in the searched range (for the posting rate), and the range's time span. */
  batchesInRange: number;
  rangeSeconds: number;
  lookedBackBlocks: number;
  requests: number;
  /** Arbitrum: SequencerBatchDelivered events not counted as batches, and why. */
  ignored?: { forceInclusions: number; notFromPoster: number };
}

/** How many times the search may step back past batcher transactions that were not batches. */
const MAX_NON_BATCH_HOPS = 3;

export async function findBatchByNonce(
  client: PublicClient,
  options: { batcher: Address; inbox: Address; head: bigint; headTimestamp: number; lookback: number },
): Promise<BatchSearch> {
  let requests = 0;
  const nonceAt = async (block: bigint) => {
    requests += 1;
    return client.getTransactionCount({ address: options.batcher, blockNumber: block });
  };
  const floor = options.head - BigInt(options.lookback) < 0n ? 0n : options.head - BigInt(options.lookback);
  const [nonceHead, nonceFloor, floorBlock] = await Promise.all([
    nonceAt(options.head),
    nonceAt(floor),
    client.getBlock({ blockNumber: floor }),
  ]);
  requests += 1;
  const base = {
    batchesInRange: nonceHead - nonceFloor,
    rangeSeconds: options.headTimestamp - Number(floorBlock.timestamp),
    lookedBackBlocks: Number(options.head - floor),
  };

  let target = nonceHead;
  let hi = options.head;
  for (let hop = 0; hop <= MAX_NON_BATCH_HOPS && target > nonceFloor; hop += 1) {
    // Smallest block in (floor, hi] whose nonce has reached `target`: it holds transaction target-1.
    let lo = floor;
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if ((await nonceAt(mid)) >= target) hi = mid;
      else lo = mid;
    }
    requests += 1;
    const block = await client.getBlock({ blockNumber: hi, includeTransactions: true });
    const sent = block.transactions.find(
      (tx) => tx.from.toLowerCase() === options.batcher.toLowerCase() && tx.nonce === target - 1,
    );
    if (sent && sent.to?.toLowerCase() === options.inbox.toLowerCase()) {
      return {
        ...base,
        batch: {
          block: Number(hi),
          timestamp: Number(block.timestamp),
          tx: sent.hash,
          poster: options.batcher,
        },
        requests,
      };
    }
    target -= 1;
  }
  return { ...base, requests };
}

/**
 * nitro-contracts `IBridge.BatchDataLocation` (TxInput 0, SeparateBatchEvent 1, NoData 2, Blob 3):
 * `SequencerInbox.forceInclusion` emits SequencerBatchDelivered with `BatchDataLocation.NoData`
 * (OffchainLabs/nitro-contracts src/bridge/SequencerInbox.sol, forceInclusion; the enum in
 * src/bridge/IBridge.sol). Anyone may call it once delayed messages have waited past the delay — it
 * lands exactly when the sequencer is down, so it is never a sign of a live batch poster.
 */
export const BATCH_DATA_LOCATION_NO_DATA = 2;

const batchPosterAbi = parseAbi(['function isBatchPoster(address) view returns (bool)']);

/** How many newest deliveries the search may step past whose sender is not a batch poster. */
const MAX_NON_POSTER_HOPS = 3;

/**
 * Tells whether `sender` is a batch poster: the configured poster when given, else the inbox's own
 * `isBatchPoster(address)`. An inbox without that view and no configured poster cannot tell a batch
 * poster from anyone, which is a measurement error, never a pass.
 */
function batchPosterTest(
  client: PublicClient,
  sequencerInbox: Address,
  configured: Address | undefined,
  onRequest: () => void,
) {
  const known = new Map<string, boolean>();
  return async (sender: Address): Promise<boolean> => {
    if (configured) return sender.toLowerCase() === configured.toLowerCase();
    const cached = known.get(sender.toLowerCase());
    if (cached !== undefined) return cached;
    onRequest();
    const answer = await client
      .readContract({
        address: sequencerInbox,
        abi: batchPosterAbi,
        functionName: 'isBatchPoster',
        args: [sender],
      })
      .catch((error: unknown) => {
        if (isAbsentAnswer(error)) {
          throw new MeasurementError(
            `SequencerInbox ${sequencerInbox} does not answer isBatchPoster(address), so a batch poster cannot be told from anyone: give batchPoster`,
          );
        }
        throw error;
      });
    known.set(sender.toLowerCase(), answer);
    return answer;
  };
}

export async function findBatchByLogs(
  client: PublicClient,
  options: {
    sequencerInbox: Address;
    /** The batch poster; without it, the inbox's isBatchPoster(sender) decides. */
    batchPoster?: Address;
    head: bigint;
    headTimestamp: number;
    lookback: number;
    logRange: number;
  },
): Promise<BatchSearch> {
  let requests = 0;
  const isPoster = batchPosterTest(client, options.sequencerInbox, options.batchPoster, () => {
    requests += 1;
  });
  const floor =
    options.head - BigInt(options.lookback) + 1n < 0n ? 0n : options.head - BigInt(options.lookback) + 1n;
  let batchesInRange = 0;
  let forceInclusions = 0;
  let skippedSenders = 0;
  let searchedFrom = options.head + 1n;
  search: for (let to = options.head; to >= floor; to -= BigInt(options.logRange)) {
    const from = to - BigInt(options.logRange) + 1n < floor ? floor : to - BigInt(options.logRange) + 1n;
    requests += 1;
    const logs = await client.getLogs({
      address: options.sequencerInbox,
      event: sequencerBatchDelivered,
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    searchedFrom = from;
    // Only a batch poster's deliveries carry data; a force inclusion (NoData) is the opposite signal.
    const delivered = logs.filter((log) => log.args.dataLocation !== BATCH_DATA_LOCATION_NO_DATA);
    forceInclusions += logs.length - delivered.length;
    batchesInRange += delivered.length;
    // Newest first: the first delivery sent by a batch poster is the latest batch.
    for (const log of delivered.reverse()) {
      if (log.blockNumber == null || !log.transactionHash) continue;
      if (skippedSenders > MAX_NON_POSTER_HOPS) break search;
      requests += 1;
      const tx = await client.getTransaction({ hash: log.transactionHash });
      if (!(await isPoster(tx.from))) {
        skippedSenders += 1;
        batchesInRange -= 1;
        continue;
      }
      requests += 2;
      const [block, fromBlock] = await Promise.all([
        client.getBlock({ blockNumber: log.blockNumber }),
        // The rate is measured over the chunks searched so far, which end at the head.
        client.getBlock({ blockNumber: from }),
      ]);
      return {
        batch: {
          block: Number(log.blockNumber),
          timestamp: Number(block.timestamp),
          tx: log.transactionHash,
          poster: tx.from,
        },
        batchesInRange,
        rangeSeconds: options.headTimestamp - Number(fromBlock.timestamp),
        lookedBackBlocks: Number(options.head - from + 1n),
        requests,
        ignored: { forceInclusions, notFromPoster: skippedSenders },
      };
    }
  }
  return {
    batchesInRange: 0,
    rangeSeconds: 0,
    lookedBackBlocks: Number(options.head - searchedFrom + 1n),
    requests,
    ignored: { forceInclusions, notFromPoster: skippedSenders },
  };
}
