/**
 * Chainlink AggregatorV3Interface reads. viem ships no Chainlink ABI, so the interface is declared
 * here once, in human-readable form, for every check that reads a feed.
 */
import {
  type Address,
  BaseError,
  decodeAbiParameters,
  ExecutionRevertedError,
  formatUnits,
  type Hex,
  parseAbi,
  parseAbiParameters,
} from 'viem';
import type { ChainReader } from '../rpc/reader.js';

export const aggregatorV3Abi = parseAbi([
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
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

/** EVM opcodes the bounds probe is written in. */
const OP = {
  PUSH1: '60',
  PUSH2: '61',
  PUSH4: '63',
  PUSH20: '73',
  SHL: '1b',
  LT: '10',
  ISZERO: '15',
  MLOAD: '51',
  MSTORE: '52',
  JUMPI: '57',
  JUMPDEST: '5b',
  GAS: '5a',
  RETURNDATASIZE: '3d',
  DUP1: '80',
  RETURN: 'f3',
  REVERT: 'fd',
  STATICCALL: 'fa',
} as const;

const byte = (n: number) => n.toString(16).padStart(2, '0');

/**
 * `selector()` of the contract whose address is in memory word `word` (or the feed itself), answer
 * (32 bytes) into memory at `into`; reverts unless the call succeeded with at least 32 bytes.
 */
function staticCallStep(selector: Hex, into: number, to: { feed: Address } | { word: number }): string {
  const address =
    'feed' in to ? `${OP.PUSH20}${to.feed.slice(2).toLowerCase()}` : `${OP.PUSH1}${byte(to.word)}${OP.MLOAD}`;
  return [
    `${OP.PUSH4}${selector.slice(2)}${OP.PUSH1}e0${OP.SHL}${OP.PUSH1}${byte(into)}${OP.MSTORE}`,
    `${OP.PUSH1}20${OP.PUSH1}${byte(into)}${OP.PUSH1}04${OP.PUSH1}${byte(into)}${address}${OP.GAS}${OP.STATICCALL}`,
    `${OP.ISZERO}${OP.PUSH2}REVT${OP.JUMPI}`,
    `${OP.PUSH1}20${OP.RETURNDATASIZE}${OP.LT}${OP.PUSH2}REVT${OP.JUMPI}`,
  ].join('');
}

/**
 * Code that, run by eth_call, reads `aggregator()` from the feed and then that aggregator's
 * `minAnswer()` and `maxAnswer()`, and returns the three words: the chained reads in one round trip
 * (at the same block, as readContract pins them). Any call that reverts or answers less than a word
 * makes the whole probe revert, which is what an absent function did when the reads were separate.
 */
export function feedBoundsProbe(feed: Address): Hex {
  const body = [
    staticCallStep('0x245a7bfc', 0x00, { feed }), // aggregator()
    staticCallStep('0x22adbc78', 0x20, { word: 0x00 }), // minAnswer()
    staticCallStep('0x70da2f67', 0x40, { word: 0x00 }), // maxAnswer()
    `${OP.PUSH1}60${OP.PUSH1}00${OP.RETURN}`,
  ].join('');
  const revertAt = body.length / 2;
  return `0x${body.replaceAll('REVT', revertAt.toString(16).padStart(4, '0'))}${OP.JUMPDEST}${OP.PUSH1}00${OP.DUP1}${OP.REVERT}`;
}

/**
 * The bounds of the aggregator behind a Chainlink proxy (`aggregator()` → `minAnswer()`/`maxAnswer()`),
 * or undefined when the feed has none to show: not every Chainlink-compatible feed is a proxy, nor every
 * aggregator bounded. Only a revert counts as absence; an RPC failure still throws.
 */
export async function readFeedBounds(reader: ChainReader, feed: Address): Promise<FeedBounds | undefined> {
  try {
    const data = await reader.execute(feedBoundsProbe(feed));
    if (!data || data.length < 2 + 3 * 64) return undefined;
    const [aggregator, minAnswer, maxAnswer] = decodeAbiParameters(boundsWords, data);
    return { aggregator, minAnswer, maxAnswer };
  } catch (error) {
    if (error instanceof BaseError && error.walk((e) => e instanceof ExecutionRevertedError) !== null)
      return undefined;
    throw error;
  }
}

const boundsWords = parseAbiParameters('address aggregator, int192 minAnswer, int192 maxAnswer');
