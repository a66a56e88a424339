import { formatUnits } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import {
  type FeedBounds,
  type FeedRound,
  type HistoricRound,
  MAX_FUTURE_MS,
  type RoundHistory,
  readFeedBounds,
  readLatestRound,
  readRoundHistory,
  roundEvidence,
} from '../../protocols/chainlink.js';
import { defineCheck } from '../define.js';
import { address, duration, integer, number } from '../params.js';

export interface ChainlinkObservation {
  round: FeedRound;
  /** The aggregator's minAnswer/maxAnswer, when the feed exposes them. */
  bounds?: FeedBounds;
  /** Read only when `heartbeat` is set. */
  history?: RoundHistory;
}

interface Gap {
  seconds: number;
  from: HistoricRound;
  to: HistoricRound;
}

/** The longest time between consecutive rounds (in round order; a round older than its predecessor adds none). */
export function largestGap(rounds: readonly HistoricRound[]): Gap | undefined {
  let largest: Gap | undefined;
  const ascending = [...rounds].sort((a, b) => (a.roundId < b.roundId ? -1 : 1));
  for (let i = 1; i < ascending.length; i += 1) {
    const from = ascending[i - 1] as HistoricRound;
    const to = ascending[i] as HistoricRound;
    const seconds = to.updatedAt - from.updatedAt;
    if (seconds > (largest?.seconds ?? 0)) largest = { seconds, from, to };
  }
  return largest;
}

function cadenceNote(params: { heartbeat?: number; lookback: number }, history: RoundHistory) {
  const heartbeat = params.heartbeat as number;
  const gap = largestGap(history.rounds);
  const partial = history.truncated
    ? `; history covers less than ${formatDuration(params.lookback)}: ${history.truncated}`
    : '';
  const summary = gap
    ? `largest gap ${formatDuration(gap.seconds * 1000)} over ${history.rounds.length} rounds${partial}`
    : `one round in the last ${formatDuration(params.lookback)}${partial}`;
  const skipped =
    gap && gap.seconds * 1000 > heartbeat
      ? `skipped its heartbeat: ${formatDuration(gap.seconds * 1000)} between round ${gap.from.roundId} (${new Date(gap.from.updatedAt * 1000).toISOString()}) and round ${gap.to.roundId}, heartbeat ${formatDuration(heartbeat)}`
      : undefined;
  return { summary, skipped, gap };
}

export const chainlink = defineCheck({
  type: 'oracle.chainlink',
  concern: 'oracles',
  requires: { evm: true, contracts: { feed: 'l2' } },
  readsClock: true,
  summary:
    "Chainlink price feed: fresh round, positive answer, within bounds, not pinned at the aggregator's",
  description:
    'Reads latestRoundData of a Chainlink-compatible feed. Fails when the latest update is older than `maxAge`, ' +
    'when the answer is zero or negative, when the round is incomplete (startedAt or updatedAt = 0), or when the ' +
    "price is outside [`min`, `max`] (in the feed's own units, e.g. USD for ETH/USD). A round dated more than a " +
    "minute in the future fails: it is not fresh, someone's clock is wrong. Where the proxy's `aggregator()` " +
    'exposes `minAnswer`/`maxAnswer` (OffchainAggregator), a price at or beyond a bound fails: the feed stops ' +
    'following the market at its bounds, so a depeg can look fresh for a day. `maxAge` has no default on ' +
    "purpose: feeds on one chain have different heartbeats (1 h, 24 h); set it to the feed's heartbeat plus a " +
    'margin, since heartbeat rounds can land ~40 s late. With `heartbeat`, it also walks the round history over ' +
    '`lookback` and warns when two consecutive rounds are further apart than `heartbeat`: a feed that is fresh ' +
    'now but skipped its heartbeat yesterday can skip it again.',
  params: () =>
    z.object({
      feed: address('Address (or $name) of the feed (the proxy, not the aggregator).'),
      maxAge: duration("Oldest acceptable update: the feed's heartbeat plus a margin."),
      min: number("Lowest plausible price, in the feed's units.").optional(),
      max: number("Highest plausible price, in the feed's units.").optional(),
      heartbeat: duration(
        "Longest acceptable time between two rounds in the feed's history (its heartbeat plus a margin); enables the cadence review.",
      ).optional(),
      lookback: duration('How far back the cadence review reads rounds.', '24h'),
      maxRounds: integer('Most rounds the cadence review reads (fast-moving feeds update on deviation).', {
        min: 2,
        max: 10_000,
        default: 1_000,
      }),
    }),
  example: { feed: '$ethUsdFeed', maxAge: '65m', min: 100, max: 100000, heartbeat: '61m', lookback: '24h' },
  async read(ctx, params): Promise<ChainlinkObservation> {
    const [round, bounds] = await Promise.all([
      readLatestRound(ctx.l2, params.feed),
      readFeedBounds(ctx.l2, params.feed),
    ]);
    if (params.heartbeat === undefined) return { round, bounds };
    const since = Math.floor((ctx.now() - params.lookback) / 1000);
    return { round, bounds, history: await readRoundHistory(ctx.l2, round, since, params.maxRounds) };
  },
  evaluate(params, { round, bounds, history }: ChainlinkObservation, now) {
    const cadence = history ? cadenceNote(params, history) : undefined;
    const evidence = {
      ...roundEvidence(round),
      bounds: bounds
        ? {
            aggregator: bounds.aggregator,
            minAnswer: bounds.minAnswer.toString(),
            maxAnswer: bounds.maxAnswer.toString(),
          }
        : null,
      ...(cadence && history
        ? {
            cadence: {
              rounds: history.rounds.length,
              largestGapSeconds: cadence.gap?.seconds ?? null,
              gapFromRound: cadence.gap?.from.roundId.toString(),
              gapToRound: cadence.gap?.to.roundId.toString(),
              truncated: history.truncated,
            },
          }
        : {}),
    };
    const aheadMs = round.updatedAt * 1000 - now;
    const ageMs = Math.max(0, now - round.updatedAt * 1000);
    const plausible = [
      params.min !== undefined ? `>= ${params.min}` : '',
      params.max !== undefined ? `<= ${params.max}` : '',
    ].filter(Boolean);
    const threshold = [
      `age <= ${formatDuration(params.maxAge)}`,
      ...(plausible.length ? [`price ${plausible.join(' and ')}`] : []),
      ...(bounds ? ["strictly inside the aggregator's bounds"] : []),
      ...(params.heartbeat !== undefined ? [`gaps <= ${formatDuration(params.heartbeat)}`] : []),
    ].join(', ');
    const label = round.description || round.feed;
    const observed =
      round.updatedAt === 0
        ? `price ${round.price}, never updated`
        : aheadMs > MAX_FUTURE_MS
          ? `price ${round.price}, dated ${formatDuration(aheadMs)} in the future`
          : `price ${round.price}, ${formatDuration(ageMs)} old`;
    const boundPrice = (answer: bigint) => formatUnits(answer, round.decimals);
    // The age is the headline; the round's soundness and price bounds are judged too, so a fail may lie
    // within this limit.
    const value = {
      value: ageMs / 1000,
      unit: 'seconds' as const,
      limit: { value: params.maxAge / 1000, kind: 'max' as const },
    };
    const fail = (message: string) => ({ holds: false, observed, threshold, message, value, evidence });
    if (round.startedAt === 0 || round.updatedAt === 0) {
      return fail(
        `${label}: round ${round.roundId} is incomplete (startedAt ${round.startedAt}, updatedAt ${round.updatedAt})`,
      );
    }
    if (round.answer <= 0n) return fail(`${label}: answer ${round.answer} is not a positive price`);
    if (aheadMs > MAX_FUTURE_MS) {
      return fail(
        `${label}: round ${round.roundId} is dated ${new Date(round.updatedAt * 1000).toISOString()}, ${formatDuration(aheadMs)} in the future (more than ${formatDuration(MAX_FUTURE_MS)}): a round from the future is not a fresh one — the feed's or this machine's clock is wrong`,
      );
    }
    if (ageMs > params.maxAge) {
      return fail(
        `${label}: last update ${formatDuration(ageMs)} ago, older than ${formatDuration(params.maxAge)}`,
      );
    }
    if (params.min !== undefined && round.price < params.min)
      return fail(`${label}: price ${round.price} below ${params.min}`);
    if (params.max !== undefined && round.price > params.max)
      return fail(`${label}: price ${round.price} above ${params.max}`);
    if (bounds && round.answer <= bounds.minAnswer) {
      return fail(
        `${label}: price ${round.price} is at its aggregator's minAnswer (${boundPrice(bounds.minAnswer)}): the feed stops reporting at its bounds, so the market may be lower and this round is not its price`,
      );
    }
    if (bounds && round.answer >= bounds.maxAnswer) {
      return fail(
        `${label}: price ${round.price} is at its aggregator's maxAnswer (${boundPrice(bounds.maxAnswer)}): the feed stops reporting at its bounds, so the market may be higher and this round is not its price`,
      );
    }
    const fresh = `${label}: ${round.price}, updated ${formatDuration(ageMs)} ago (round ${round.roundId})`;
    return {
      holds: true,
      concern: cadence?.skipped ? `${label} ${cadence.skipped}` : undefined,
      observed: cadence?.gap
        ? `${observed}; largest gap ${formatDuration(cadence.gap.seconds * 1000)}`
        : observed,
      threshold,
      message: cadence ? `${fresh}; ${cadence.summary}` : fresh,
      value,
      evidence,
    };
  },
});
