import * as z from 'zod';
import { formatDecimal, formatDuration, formatPercent } from '../../core/units.js';
import { liquidationPrice, touchProbability } from '../../math/liquidation.js';
import { realisedVolatility, SECONDS_PER_YEAR, worstMove } from '../../math/volatility.js';
import {
  type FeedRound,
  type RoundHistory,
  readLatestRound,
  readRoundHistory,
} from '../../protocols/chainlink.js';
import { defineCheck, MeasurementError } from '../define.js';
import { address, duration, enumeration, integer, number, ratio } from '../params.js';

export interface SimulationObservation {
  round: FeedRound;
  history: RoundHistory;
}

const price = (value: number) => formatDecimal(value, { maximumFractionDigits: 2 });
/** A probability too small to print as a percentage says so, rather than print a flat 0.00%. */
const probabilityText = (p: number) => (p > 0 && p < 0.0001 ? '< 0.01%' : formatPercent(p));
const signedPercent = (move: number) => `${move >= 0 ? '+' : '−'}${formatPercent(Math.abs(move))}`;

export const simulate = defineCheck({
  type: 'liquidation.simulate',
  concern: 'liquidation',
  requires: { evm: true, contracts: { feed: 'l2' } },
  readsClock: true,
  summary:
    "Probability that a position's liquidation price is touched within a horizon, from the oracle's volatility",
  description:
    "Realises volatility from the feed's own round history over `lookback` (log returns weighted by the time " +
    'between rounds, annualised over 365 days), puts the liquidation price of a position at `leverage` with ' +
    '`maintenanceMargin` on `side` (margin required on the notional at the current price: long ' +
    'entry·(1 − 1/leverage)/(1 − m), short entry·(1 + 1/leverage)/(1 + m)), and computes the probability that a ' +
    'driftless geometric Brownian motion from the latest price touches it within `horizon` (reflection principle, ' +
    'closed form). Fails above `maxProbability`. As a second, model-free figure it finds the worst move of the ' +
    'history within any window of `horizon`: if that move would have liquidated the position, the check warns ' +
    'even when the model says the probability is small (fat tails). GBM with continuous monitoring ignores jumps ' +
    "and funding; treat the figure as a floor on risk, not a forecast. A feed older than `maxPriceAge` can't " +
    'measure volatility, so the check fails rather than pass on a frozen price; a history whose rounds all read ' +
    'the same price (zero realised volatility) is `error`: it cannot measure, and is never a pass.',
  params: () =>
    z.object({
      feed: address('Address (or $name) of the Chainlink-compatible feed the venue marks positions with.'),
      side: enumeration(['long', 'short'] as const, 'Direction of the position.'),
      // Below 1 the liquidation price is at or past zero (never touched): 0 would divide by zero and pass.
      leverage: number('Notional / collateral at entry (1 = fully collateralised).', undefined, {
        min: 1,
        max: 1_000,
      }),
      maintenanceMargin: ratio(
        "The venue's maintenance margin fraction for this market, e.g. 3%.",
        undefined,
        {
          below100: true,
        },
      ),
      horizon: duration('How long the position stays open without being topped up.', '24h'),
      lookback: duration('How much round history realises the volatility.', '7d'),
      maxProbability: ratio('Highest acceptable probability of liquidation within the horizon.', '1%', {
        below100: true,
      }),
      maxPriceAge: duration('Oldest acceptable latest round: a frozen feed shows no volatility.', '25h'),
      maxRounds: integer('Most rounds read back (feeds that update on deviation write many).', {
        min: 2,
        max: 20_000,
        default: 2_000,
      }),
    }),
  example: {
    feed: '$ethUsdFeed',
    side: 'long',
    leverage: 5,
    maintenanceMargin: '3%',
    horizon: '24h',
    maxProbability: '1%',
  },
  validate(params) {
    if (params.leverage < 1) return `leverage ${params.leverage} is below 1`;
    if (params.maintenanceMargin >= 1 / params.leverage) {
      return `maintenanceMargin ${formatPercent(params.maintenanceMargin)} is not below 1/leverage (${formatPercent(1 / params.leverage)}): the position would open already liquidated`;
    }
    return undefined;
  },
  async read(ctx, params): Promise<SimulationObservation> {
    const round = await readLatestRound(ctx.l2, params.feed);
    const since = Math.floor((ctx.now() - params.lookback) / 1000);
    return { round, history: await readRoundHistory(ctx.l2, round, since, params.maxRounds) };
  },
  evaluate(params, { round, history }: SimulationObservation, now) {
    const label = round.description || round.feed;
    const threshold = `P(liquidation within ${formatDuration(params.horizon)}) <= ${formatPercent(params.maxProbability)}`;
    if (round.answer <= 0n)
      throw new MeasurementError(`${label}: latest answer ${round.answer} is not a positive price`);
    const ageMs = now - round.updatedAt * 1000;
    if (ageMs > params.maxPriceAge) {
      return {
        holds: false,
        observed: `price ${formatDuration(ageMs)} old`,
        threshold,
        message: `${label}: the latest round is ${formatDuration(ageMs)} old (over ${formatDuration(params.maxPriceAge)}); a frozen feed shows no volatility, so the risk cannot be measured`,
      };
    }
    const points = history.rounds
      .filter((r) => r.answer > 0n)
      .map((r) => ({ at: r.updatedAt, price: r.price }));
    if (new Set(points.map((p) => p.at)).size < 2) {
      throw new MeasurementError(
        `${label} has ${points.length} usable round(s) in the last ${formatDuration(params.lookback)}: volatility needs two`,
      );
    }
    const volatility = realisedVolatility(points);
    // Every round at one price is a feed that stopped moving (or an aggregator stuck on a bound), not a
    // calm market: a probability of 0 from it would be a pass that measured nothing.
    if (volatility === 0) {
      throw new MeasurementError(
        `${label}: zero realised volatility — all ${points.length} rounds in the last ${formatDuration(params.lookback)} read ${price(points[0]?.price ?? 0)}; a frozen feed cannot measure the risk`,
        { feed: round.feed, rounds: points.length, annualVolatility: 0 },
      );
    }
    const spot = round.price;
    const liquidation = liquidationPrice(spot, params.leverage, params.maintenanceMargin, params.side);
    const probability = touchProbability(
      spot,
      liquidation,
      volatility,
      params.horizon / 1000 / SECONDS_PER_YEAR,
    );
    const distance = liquidation / spot - 1;
    const worst = worstMove(points, params.horizon / 1000, params.side);
    const wouldHaveLiquidated = params.side === 'long' ? worst.move <= distance : worst.move >= distance;
    const span = Math.max(...points.map((p) => p.at)) - Math.min(...points.map((p) => p.at));
    const position = `${params.leverage}x ${params.side} at ${price(spot)} with ${formatPercent(params.maintenanceMargin)} maintenance`;
    const liquidationText =
      liquidation === 0
        ? 'cannot be liquidated above 0'
        : `liquidates at ${price(liquidation)} (${signedPercent(distance)})`;
    const model = `σ ${formatPercent(volatility)}/y over ${points.length} rounds in ${formatDuration(span * 1000)}`;
    const worstText = `worst ${formatDuration(params.horizon)} move in the history ${signedPercent(worst.move)} (${new Date(worst.from.at * 1000).toISOString()})`;
    const holds = probability <= params.maxProbability;
    return {
      holds,
      concern:
        holds && wouldHaveLiquidated
          ? `the worst ${formatDuration(params.horizon)} move in the history (${signedPercent(worst.move)}) would have liquidated it`
          : undefined,
      observed: `P ${probabilityText(probability)} (${model})`,
      threshold,
      message: `${position} ${liquidationText}; P(touch within ${formatDuration(params.horizon)}) = ${probabilityText(probability)} at ${model}; ${worstText}${history.truncated ? `; history shorter than ${formatDuration(params.lookback)}: ${history.truncated}` : ''}`,
      value: { value: probability, unit: 'ratio', limit: { value: params.maxProbability, kind: 'max' } },
      evidence: {
        feed: round.feed,
        spot,
        liquidationPrice: liquidation,
        annualVolatility: volatility,
        probability,
        rounds: points.length,
        worstMove: { move: worst.move, from: worst.from, to: worst.to },
        truncated: history.truncated,
      },
    };
  },
});
