import { z } from 'zod';
import { address, duration, number } from '../../checklist/params.js';
import { formatDuration } from '../../checklist/units.js';
import { type FeedRound, readLatestRound, roundEvidence } from '../../venues/chainlink.js';
import { defineCheck } from '../define.js';

export const chainlink = defineCheck({
  type: 'oracle.chainlink',
  summary: 'Chainlink price feed: fresh round, positive answer, within bounds',
  description:
    'Reads latestRoundData of a Chainlink-compatible feed. Fails when the latest update is older than `maxAge`, ' +
    'when the answer is zero or negative, when the round is incomplete (startedAt or updatedAt = 0), or when the ' +
    "price is outside [`min`, `max`] (in the feed's own units, e.g. USD for ETH/USD). `maxAge` has no default on " +
    "purpose: feeds on one chain have different heartbeats (1 h, 24 h); set it to the feed's heartbeat plus a " +
    'margin, since heartbeat rounds can land ~40 s late.',
  params: z.object({
    feed: address('Address (or $name) of the feed (the proxy, not the aggregator).'),
    maxAge: duration("Oldest acceptable update: the feed's heartbeat plus a margin."),
    min: number("Lowest plausible price, in the feed's units.").optional(),
    max: number("Highest plausible price, in the feed's units.").optional(),
  }),
  example: { feed: '$ethUsdFeed', maxAge: '65m', min: 100, max: 100000 },
  async read(ctx, params) {
    return readLatestRound(ctx.l2, params.feed);
  },
  evaluate(params, round: FeedRound, now) {
    const evidence = roundEvidence(round);
    const ageMs = Math.max(0, now - round.updatedAt * 1000);
    const bounds = [
      params.min !== undefined ? `>= ${params.min}` : '',
      params.max !== undefined ? `<= ${params.max}` : '',
    ].filter(Boolean);
    const threshold = [
      `age <= ${formatDuration(params.maxAge)}`,
      ...(bounds.length ? [`price ${bounds.join(' and ')}`] : []),
    ].join(', ');
    const label = round.description || round.feed;
    const observed =
      round.updatedAt === 0
        ? `price ${round.price}, never updated`
        : `price ${round.price}, ${formatDuration(ageMs)} old`;
    const value = { value: ageMs / 1000, unit: 'seconds' as const };
    const fail = (message: string) => ({ holds: false, observed, threshold, message, value, evidence });
    if (round.startedAt === 0 || round.updatedAt === 0) {
      return fail(
        `${label}: round ${round.roundId} is incomplete (startedAt ${round.startedAt}, updatedAt ${round.updatedAt})`,
      );
    }
    if (round.answer <= 0n) return fail(`${label}: answer ${round.answer} is not a positive price`);
    if (ageMs > params.maxAge) {
      return fail(
        `${label}: last update ${formatDuration(ageMs)} ago, older than ${formatDuration(params.maxAge)}`,
      );
    }
    if (params.min !== undefined && round.price < params.min)
      return fail(`${label}: price ${round.price} below ${params.min}`);
    if (params.max !== undefined && round.price > params.max)
      return fail(`${label}: price ${round.price} above ${params.max}`);
    return {
      holds: true,
      observed,
      threshold,
      message: `${label}: ${round.price}, updated ${formatDuration(ageMs)} ago (round ${round.roundId})`,
      value,
      evidence,
    };
  },
});
