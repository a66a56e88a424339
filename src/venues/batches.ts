/**
 * Finding a rollup's latest batch on L1, newest first, within a bounded lookback.
 *
 * OP Stack batches are plain transactions from the batcher to the batch inbox — no logs to search.
 * The batcher's nonce only moves when it sends, so a binary search on `eth_getTransactionCount` at
 * past blocks finds the block of its last transaction in about log2(lookback) calls. (State at old
 * blocks needs an archive endpoint beyond ~128 blocks on most full nodes.)
 *
 * Arbitrum batches emit `SequencerBatchDelivered` from the SequencerInbox: `eth_getLogs` in chunks of
 * `logRange` blocks (public endpoints cap the range), newest chunk first.
 */
import { type Address, type Hash, type PublicClient, parseAbiItem } from 'viem';

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

export async function findBatchByLogs(
  client: PublicClient,
  options: {
    sequencerInbox: Address;
    head: bigint;
    headTimestamp: number;
    lookback: number;
    logRange: number;
  },
): Promise<BatchSearch> {
  let requests = 0;
  const floor =
    options.head - BigInt(options.lookback) + 1n < 0n ? 0n : options.head - BigInt(options.lookback) + 1n;
  let batchesInRange = 0;
  for (let to = options.head; to >= floor; to -= BigInt(options.logRange)) {
    const from = to - BigInt(options.logRange) + 1n < floor ? floor : to - BigInt(options.logRange) + 1n;
    requests += 1;
    const logs = await client.getLogs({
      address: options.sequencerInbox,
      event: sequencerBatchDelivered,
      fromBlock: from,
      toBlock: to,
    });
    batchesInRange += logs.length;
    const last = logs.at(-1);
    if (last?.blockNumber != null && last.transactionHash) {
      requests += 2;
      const [block, tx] = await Promise.all([
        client.getBlock({ blockNumber: last.blockNumber }),
        client.getTransaction({ hash: last.transactionHash }),
      ]);
      // The rate is measured over the chunks searched so far, which end at the head.
      const fromBlock = await client.getBlock({ blockNumber: from });
      requests += 1;
      return {
        batch: {
          block: Number(last.blockNumber),
          timestamp: Number(block.timestamp),
          tx: last.transactionHash,
          poster: tx.from,
        },
        batchesInRange,
        rangeSeconds: options.headTimestamp - Number(fromBlock.timestamp),
        lookedBackBlocks: Number(options.head - from + 1n),
        requests,
      };
    }
  }
  return {
    batchesInRange: 0,
    rangeSeconds: 0,
    lookedBackBlocks: Number(options.head - floor + 1n),
    requests,
  };
}
