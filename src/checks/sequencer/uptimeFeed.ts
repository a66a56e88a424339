import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { type FeedRound, readLatestRound, roundEvidence } from '../../protocols/chainlink.js';
import { defineCheck } from '../define.js';
import { address, duration } from '../params.js';

export const uptimeFeed = defineCheck({
  type: 'sequencer.uptime-feed',
  concern: 'sequencer',
  requires: { evm: true, contracts: { feed: 'l2' } },
  readsClock: true,
  summary: 'Chainlink L2 sequencer uptime feed: up, and up for longer than the grace period',
  description:
    'Reads the Chainlink L2 sequencer uptime feed. answer 0 means up, 1 means down; startedAt is when the status ' +
    'last changed, and startedAt = 0 is an invalid round. Protocols reject prices while the sequencer is down and ' +
    "for a grace period after it returns (Chainlink's reference consumer uses 3600 s), so liquidations can behave " +
    'oddly in that window: this check fails while down, while inside the grace period, and on an invalid round.',
  params: () =>
    z.object({
      feed: address('Address (or $name) of the L2 sequencer uptime feed.'),
      gracePeriod: duration('How long the sequencer must have been up.', '1h'),
    }),
  example: { feed: '$sequencerUptimeFeed', gracePeriod: '1h' },
  async read(ctx, params) {
    return readLatestRound(ctx.l2, params.feed);
  },
  evaluate(params, round: FeedRound, now) {
    const evidence = roundEvidence(round);
    const threshold = `up for >= ${formatDuration(params.gracePeriod)}`;
    if (round.startedAt === 0) {
      return {
        holds: false,
        observed: 'invalid round',
        threshold,
        message: "the uptime feed's latest round has startedAt = 0 (invalid round): status unknown",
        evidence,
      };
    }
    const sinceMs = Math.max(0, now - round.startedAt * 1000);
    if (round.answer === 1n) {
      return {
        holds: false,
        observed: `down for ${formatDuration(sinceMs)}`,
        threshold,
        message: `the sequencer is DOWN (since ${formatDuration(sinceMs)} ago)`,
        evidence,
      };
    }
    if (round.answer !== 0n) {
      return {
        holds: false,
        observed: `answer ${round.answer}`,
        threshold,
        message: `the uptime feed answered ${round.answer}; expected 0 (up) or 1 (down)`,
        evidence,
      };
    }
    const holds = sinceMs >= params.gracePeriod;
    return {
      holds,
      value: {
        value: sinceMs / 1000,
        unit: 'seconds',
        limit: { value: params.gracePeriod / 1000, kind: 'min' },
      },
      observed: `up for ${formatDuration(sinceMs)}`,
      threshold,
      message: holds
        ? `the sequencer has been up for ${formatDuration(sinceMs)}`
        : `the sequencer came back up ${formatDuration(sinceMs)} ago, inside the ${formatDuration(params.gracePeriod)} grace period`,
      evidence,
    };
  },
});
