import type { Address } from 'viem';
import * as z from 'zod';
import { StaleReadError } from '../../core/errors.js';
import { formatDuration } from '../../core/units.js';
import { readLatestRound, readRoundHistory } from '../../protocols/chainlink.js';
import { defineCheck, MeasurementError } from '../define.js';
import { address, duration, integer } from '../params.js';

/** Head ages kept across runs: a day of `--watch` every 30 s, with room to spare. */
const SAMPLE_LIMIT = 5_000;

/** One uptime-feed round: answer 0 is up, 1 is down, from `startedAt` (seconds) on. */
export interface StatusRound {
  roundId: string;
  answer: number;
  startedAt: number;
}

/** A run's measurement of the head: `age` seconds old at `at` (seconds since the epoch). */
export interface HeadSample {
  at: number;
  block: number;
  age: number;
}

export interface OutagesObservation {
  feed?: {
    address: Address;
    /** Oldest first. */
    rounds: StatusRound[];
    /** Why the walk stopped before a round older than the lookback, when it did. */
    truncated?: string;
  };
  /** The recorded head ages inside the lookback, this run's last; oldest first. */
  samples: HeadSample[];
  historyProblem?: string;
}

/** The head ages runs recorded (the chain id and genesis are kept beside them). */
export const outageRecord = z.object({
  version: z.literal(1, { error: 'not an l2preflight head-age history' }),
  samples: z.array(z.object({ at: z.number(), block: z.number().int(), age: z.number().min(0) })),
});

export interface FeedOutage {
  downAt: number;
  /** undefined while the outage goes on. */
  upAt?: number;
}

/** The outages a status timeline shows that end inside the window (or go on); rounds oldest first. */
export function feedOutages(rounds: readonly StatusRound[], windowStart: number): FeedOutage[] {
  const outages: FeedOutage[] = [];
  let open: FeedOutage | undefined;
  for (const round of rounds) {
    if (round.answer === 1 && !open) open = { downAt: round.startedAt };
    if (round.answer === 0 && open) {
      open.upAt = round.startedAt;
      if (open.upAt >= windowStart) outages.push(open);
      open = undefined;
    }
  }
  if (open) outages.push(open);
  return outages;
}

/** Since when (seconds) the feed's rounds say what the status was: the window start when they reach it. */
export function feedCoverage(rounds: readonly StatusRound[], windowStart: number): number {
  const oldest = rounds[0]?.startedAt ?? Number.POSITIVE_INFINITY;
  return Math.max(windowStart, oldest);
}

const at = (seconds: number) => new Date(seconds * 1000).toISOString();

export const outages = defineCheck({
  type: 'sequencer.outages',
  concern: 'sequencer',
  // Reads genesis and the uptime feed on an EVM L2.
  requires: { evm: true, contracts: { feed: 'l2' } },
  readsClock: true,
  summary:
    'Sequencer outages that happened within the lookback: uptime-feed rounds and head ages across runs',
  description:
    "Reports outages that did happen, which a live head age cannot see once they end and an OP Stack chain's " +
    'block intervals never show (missed slots are back-filled on the timestamp grid). From the Chainlink L2 ' +
    "sequencer uptime feed's own round history (`feed`): each down→up flip is a round with its `startedAt`, " +
    'walked back over `lookback`; an outage longer than `maxOutage` fails, and one still going on fails. From ' +
    "the head's age, which every run records in the state directory: a recorded age above `maxOutage` inside " +
    'the lookback fails (runs only see outages they overlap, so the feed is the better witness). Warns when ' +
    'neither the feed nor the run history reaches back over the whole lookback; an unusable history file is ' +
    'set aside and reported, never trusted.',
  params: () =>
    z.object({
      feed: address(
        'Address (or $name) of the L2 sequencer uptime feed; without it only the recorded head ages count.',
      ).optional(),
      lookback: duration('How far back an outage counts.', '24h'),
      maxOutage: duration('Longest acceptable outage (and recorded head age) inside the lookback.', '1m'),
      maxRounds: integer('Most uptime-feed rounds read back.', { min: 1, max: 10_000, default: 1000 }),
    }),
  example: { feed: '$sequencerUptimeFeed', lookback: '24h', maxOutage: '1m' },
  async read(ctx, params): Promise<OutagesObservation> {
    const now = ctx.now() / 1000;
    const windowStart = now - params.lookback / 1000;
    // Neither the head nor genesis (read for the history's chain scope) is refused when the head is past
    // the run's bound (rpc/staleness.ts): a run during an outage must record the head's age. The feed's
    // rounds below are state, and are refused then.
    const head = await ctx.venue.latestHead();
    const current: HeadSample = {
      at: now,
      block: Number(head.height),
      age: Math.max(0, now - head.timestamp),
    };
    const history = ctx.history(outageRecord, { name: 'the head-age history' });
    const { value: stored, problem: historyProblem } = await history.read();
    const earlier = (stored?.samples ?? []).filter((s) => s.at >= windowStart && s.at <= now);
    const samples = [...earlier, current];
    // Added to the samples as they are now, under the lock: a run that saved since this one read keeps
    // its sample (a plain write would put back what was read, without it).
    await history.update((latest) => ({
      version: 1,
      samples: [...(latest?.samples ?? []).filter((s) => s.at >= windowStart), current]
        .sort((a, b) => a.at - b.at)
        .slice(-SAMPLE_LIMIT),
    }));
    const observation: OutagesObservation = { samples, historyProblem };
    if (params.feed) {
      const latest = await readLatestRound(ctx.l2, params.feed).catch((error: unknown) => {
        // A head past the bound cannot be read as state, but this run's own sample already shows an
        // outage longer than maxOutage: fail on it rather than error. Otherwise the stale error stands.
        if (error instanceof StaleReadError && current.age * 1000 > params.maxOutage) return undefined;
        throw error;
      });
      if (!latest) return observation;
      const history = await readRoundHistory(ctx.l2, latest, windowStart, params.maxRounds);
      const rounds = history.rounds
        .map((r) => ({ roundId: r.roundId.toString(), answer: Number(r.answer), startedAt: r.startedAt }))
        .reverse();
      const invalid = rounds.find((r) => r.startedAt === 0 || (r.answer !== 0 && r.answer !== 1));
      if (invalid) {
        throw new MeasurementError(
          `uptime feed round ${invalid.roundId} is invalid (answer ${invalid.answer}, startedAt ${invalid.startedAt}): the status history cannot be read`,
          { feed: params.feed, roundId: invalid.roundId },
        );
      }
      observation.feed = { address: params.feed, rounds, truncated: history.truncated };
    }
    return observation;
  },
  evaluate(params, observation, nowMs) {
    const now = nowMs / 1000;
    const windowStart = now - params.lookback / 1000;
    const max = params.maxOutage / 1000;
    const seconds = (s: number) => formatDuration(Math.round(s) * 1000);
    const found = observation.feed ? feedOutages(observation.feed.rounds, windowStart) : [];
    const lasting = (o: FeedOutage) => (o.upAt ?? now) - o.downAt;
    const ongoing = found.filter((o) => o.upAt === undefined);
    const long = found.filter((o) => o.upAt !== undefined && lasting(o) > max);
    const slow = observation.samples.filter((s) => s.age > max);
    const largestAge = Math.max(...observation.samples.map((s) => s.age));
    const longest = Math.max(0, ...found.map(lasting), largestAge);
    const problems = [
      ...ongoing.map(
        (o) => `the uptime feed says the sequencer is DOWN since ${at(o.downAt)} (${seconds(lasting(o))})`,
      ),
      ...long.map(
        (o) =>
          `the uptime feed recorded a ${seconds(lasting(o))} outage from ${at(o.downAt)} to ${at(o.upAt ?? now)}`,
      ),
      ...(slow.length
        ? [
            `${slow.length} run(s) found the head ${seconds(Math.max(...slow.map((s) => s.age)))} old (the stalest at ${at(slow.reduce((a, b) => (b.age > a.age ? b : a)).at)})`,
          ]
        : []),
    ];
    const lookback = formatDuration(params.lookback);
    const sources = [
      observation.feed
        ? `${observation.feed.rounds.length} uptime-feed round(s): ${found.length} outage(s)`
        : 'no uptime feed',
      `${observation.samples.length} recorded head age(s), largest ${seconds(largestAge)}`,
    ].join('; ');
    const feedFrom = observation.feed ? feedCoverage(observation.feed.rounds, windowStart) : now;
    const runsFrom = observation.samples[0]?.at ?? now;
    const blind = Math.min(feedFrom, runsFrom) > windowStart + 1;
    const coverage = observation.feed
      ? `the uptime feed's history reaches back ${seconds(now - feedFrom)}${observation.feed.truncated ? ` (${observation.feed.truncated})` : ''}`
      : 'no uptime feed';
    const concerns = [
      blind
        ? `outages before ${at(Math.min(feedFrom, runsFrom))} are not visible: ${coverage} and the run history ${seconds(now - runsFrom)} of the ${lookback} lookback`
        : '',
      observation.historyProblem ? `${observation.historyProblem}; earlier head ages were not checked` : '',
    ].filter(Boolean);
    return {
      holds: problems.length === 0,
      concern: concerns.length ? concerns.join('; ') : undefined,
      observed: problems.length ? `longest outage ${seconds(longest)}` : `no outage over ${seconds(max)}`,
      threshold: `no outage over ${formatDuration(params.maxOutage)} in the last ${lookback}, none ongoing`,
      message: problems.length
        ? `over the last ${lookback}: ${problems.join('; ')}`
        : `over the last ${lookback}: ${sources}`,
      // An ongoing outage fails whatever its length, so a fail may lie within this limit.
      value: { value: longest, unit: 'seconds', limit: { value: max, kind: 'max' } },
      evidence: {
        feed: observation.feed?.address,
        outages: found.map((o) => ({
          downAt: o.downAt,
          upAt: o.upAt ?? null,
          seconds: Math.round(lasting(o)),
        })),
        samples: observation.samples.length,
        largestHeadAgeSeconds: Math.round(largestAge * 10) / 10,
        slowRuns: slow.map((s) => ({ at: at(s.at), block: s.block, ageSeconds: Math.round(s.age) })),
      },
    };
  },
});
