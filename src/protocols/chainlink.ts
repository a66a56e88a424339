/**
 * Chainlink AggregatorV3Interface reads. viem ships no Chainlink ABI, so the interface is declared
 * here once, in human-readable form, for every check that reads a feed.
 */
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  formatUnits,
  parseAbi,
} from 'viem';
import type { ChainReader } from '../rpc/reader.js';

export const aggregatorV3Abi = parseAbi([
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
]);

/** A proxy's current aggregator and the OffchainAggregator's bounds (not part of AggregatorV3Interface). */
export const boundedAggregatorAbi = parseAbi([
  'function aggregator() view returns (address)',
  'function minAnswer() view returns (int192)',
  'function maxAnswer() view returns (int192)',
]);

/**
 * How far ahead of this machine's clock a round may be dated before it is judged wrong. Rounds are
 * stamped by the oracle network's clocks, not ours, and a run may accept a clock lag of a minute or two
 * (--clock-tolerance): 5 minutes leaves room for both and still fails a round 50 minutes ahead.
 */
export const MAX_FUTURE_MS = 5 * 60_000;

export interface FeedRound {
  feed: Address;
  description: string;
  decimals: number;
  roundId: bigint;
  /** Raw answer in feed units. */
  answer: bigint;
  /** answer / 10^decimals, for display and USD arithmetic. */
  price: number;
  /** Seconds since the epoch, as the feed reports them (0 means the round is not valid). */
  startedAt: number;
  updatedAt: number;
}

/** The latest round of a feed, with its decimals and description (all reads de-duplicated per run). */
export async function readLatestRound(reader: ChainReader, feed: Address): Promise<FeedRound> {
  const [round, decimals, description] = await Promise.all([
    reader.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'latestRoundData' }),
    reader.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'decimals' }),
    reader.readContract({ address: feed, abi: aggregatorV3Abi, functionName: 'description' }),
  ]);
  const [roundId, answer, startedAt, updatedAt] = round;
  return {
    feed,
    description,
    decimals,
    roundId,
    answer,
    price: Number(formatUnits(answer, decimals)),
    startedAt: Number(startedAt),
    updatedAt: Number(updatedAt),
  };
}

/** JSON-friendly evidence for a round. */
export function roundEvidence(round: FeedRound): Record<string, unknown> {
  return {
    feed: round.feed,
    description: round.description,
    roundId: round.roundId.toString(),
    answer: round.answer.toString(),
    decimals: round.decimals,
    startedAt: round.startedAt,
    updatedAt: round.updatedAt,
  };
}

export interface HistoricRound {
  roundId: bigint;
  answer: bigint;
  price: number;
  /** Seconds since the epoch; for an uptime feed, when the status it reports began. */
  startedAt: number;
  /** Seconds since the epoch. */
  updatedAt: number;
}

export interface RoundHistory {
  /** Newest first, starting with the latest round. */
  rounds: HistoricRound[];
  /** Why the walk stopped before reaching a round older than `since`, when it did. */
  truncated?: string;
}

/** Rounds read per step back: one Multicall3 batch each. */
const HISTORY_CHUNK = 100;
const PHASE_MASK = (1n << 64n) - 1n;

/**
 * Walks a feed's rounds back from the latest (roundId − 1, − 2, …) until one is older than `since`
 * (seconds) so the history covers the whole lookback. A Chainlink proxy's round id carries the
 * aggregator phase in its top bits: the walk cannot cross into an earlier phase (those ids are not
 * consecutive), so it stops at the phase's first round and says so, as it does at `maxRounds`.
 */
export async function readRoundHistory(
  reader: ChainReader,
  latest: FeedRound,
  since: number,
  maxRounds: number,
): Promise<RoundHistory> {
  const rounds: HistoricRound[] = [
    {
      roundId: latest.roundId,
      answer: latest.answer,
      price: latest.price,
      startedAt: latest.startedAt,
      updatedAt: latest.updatedAt,
    },
  ];
  let next = latest.roundId - 1n;
  while (rounds.length < maxRounds) {
    if ((rounds.at(-1)?.updatedAt ?? 0) < since) return { rounds };
    const ids: bigint[] = [];
    for (let id = next; ids.length < Math.min(HISTORY_CHUNK, maxRounds - rounds.length); id -= 1n) {
      if ((id & PHASE_MASK) === 0n) break;
      ids.push(id);
    }
    if (ids.length === 0)
      return { rounds, truncated: 'reached the first round of the feed (or of its current phase)' };
    const answers = await Promise.allSettled(
      ids.map((roundId) =>
        reader.readContract({
          address: latest.feed,
          abi: aggregatorV3Abi,
          functionName: 'getRoundData',
          args: [roundId],
        }),
      ),
    );
    for (const [index, answer] of answers.entries()) {
      const roundId = ids[index] as bigint;
      // A proxy answers "No data present" (a revert) or zeros for rounds it does not have.
      if (answer.status === 'rejected' || answer.value[3] === 0n) {
        return {
          rounds,
          truncated: `round ${roundId} is not available (the feed's history starts after it)`,
        };
      }
      const [, value, startedAt, updatedAt] = answer.value;
      rounds.push({
        roundId,
        answer: value,
        price: Number(formatUnits(value, latest.decimals)),
        startedAt: Number(startedAt),
        updatedAt: Number(updatedAt),
      });
      if (Number(updatedAt) < since) return { rounds };
    }
    next = (ids.at(-1) as bigint) - 1n;
  }
  return (rounds.at(-1)?.updatedAt ?? 0) < since
    ? { rounds }
    : { rounds, truncated: `stopped after maxRounds (${maxRounds}) rounds` };
}

export interface FeedBounds {
  aggregator: Address;
  /** In feed units, like `answer`. */
  minAnswer: bigint;
  maxAnswer: bigint;
}

/** The contract answered, with a revert or with nothing: the function is not there. Not an RPC failure. */
function isAbsentFunction(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    error.walk(
      (e) => e instanceof ContractFunctionRevertedError || e instanceof ContractFunctionZeroDataError,
    ) !== null
  );
}

/**
 * The bounds of the aggregator behind a Chainlink proxy (`aggregator()` → `minAnswer()`/`maxAnswer()`),
 * or undefined when the feed has none to show: not every Chainlink-compatible feed is a proxy, nor every
 * aggregator bounded. Only a revert counts as absence; an RPC failure still throws.
 */
export async function readFeedBounds(reader: ChainReader, feed: Address): Promise<FeedBounds | undefined> {
  try {
    const aggregator = await reader.readContract({
      address: feed,
      abi: boundedAggregatorAbi,
      functionName: 'aggregator',
    });
    const [minAnswer, maxAnswer] = await Promise.all([
      reader.readContract({ address: aggregator, abi: boundedAggregatorAbi, functionName: 'minAnswer' }),
      reader.readContract({ address: aggregator, abi: boundedAggregatorAbi, functionName: 'maxAnswer' }),
    ]);
    return { aggregator, minAnswer, maxAnswer };
  } catch (error) {
    if (isAbsentFunction(error)) return undefined;
    throw error;
  }
}
