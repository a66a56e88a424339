/**
 * Chainlink AggregatorV3Interface reads. viem ships no Chainlink ABI, so the interface is declared
 * here once, in human-readable form, for every check that reads a feed.
 */
import { type Address, formatUnits, parseAbi } from 'viem';
import type { ChainReader } from '../engine/reader.js';

export const aggregatorV3Abi = parseAbi([
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
]);

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
