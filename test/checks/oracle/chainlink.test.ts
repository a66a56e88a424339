import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainlink } from '../../../src/checks/oracle/chainlink.js';
import { DevnetAggregatorArtifact } from '../../../src/devnet/artifacts.generated.js';
import { DEVNET_ADDRESSES } from '../../../src/devnet/constants.js';
import { admin, devnetPrice } from '../../../src/devnet/venue.js';
import { deploy } from '../../../src/devnet/venue-clients.js';
import type { FeedRound, HistoricRound } from '../../../src/protocols/chainlink.js';
import { CheckTester, contractAddress } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const CHECK = 'type: oracle.chainlink\nfeed: $ethUsdFeed\nmaxAge: 65m\nmin: 500\nmax: 20000';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const PARAMS = { feed: '$ethUsdFeed', maxAge: '65m', min: 500, max: 20000 };
const NOW = Date.UTC(2026, 0, 1);
const E8 = 10n ** 8n;
/** A round of the devnet's ETH / USD feed (8 decimals), `ageS` seconds old at NOW. */
function round(price: number, ageS = 60, overrides: Partial<FeedRound> = {}): FeedRound {
  const at = NOW / 1000 - ageS;
  return {
    feed: contractAddress('ethUsdFeed'),
    description: 'ETH / USD',
    decimals: 8,
    roundId: 42n,
    answer: BigInt(price) * E8,
    price,
    startedAt: at,
    updatedAt: at,
    ...overrides,
  };
}
const bounds = { aggregator: contractAddress('aggregator'), minAnswer: 1_000n * E8, maxAnswer: 10_000n * E8 };
/** Hourly rounds over the last `hours` hours, newest first, without the hours in `missing`. */
function hourly(hours: number, missing: number[] = []): HistoricRound[] {
  return Array.from({ length: hours + 1 }, (_, hoursAgo) => hoursAgo)
    .filter((h) => !missing.includes(h))
    .map((hoursAgo) => ({
      roundId: BigInt(1000 - hoursAgo),
      answer: 3000n * E8,
      price: 3000,
      startedAt: NOW / 1000 - hoursAgo * 3_600,
      updatedAt: NOW / 1000 - hoursAgo * 3_600,
    }));
}
const CADENCE = { feed: '$ethUsdFeed', maxAge: '65m', heartbeat: '61m', lookback: '24h' };

new CheckTester(chainlink, { limit: 'headline' }).run({
  valid: [
    {
      name: 'a fresh, positive round inside the checklist bounds and the aggregator bounds',
      params: PARAMS,
      observation: { round: round(3000), bounds },
      now: NOW,
      observed: 'price 3000, 1m old',
      threshold: "age <= 1h 5m, price >= 500 and <= 20000, strictly inside the aggregator's bounds",
      message: 'ETH / USD: 3000, updated 1m ago (round 42)',
      limit: { value: 3900, kind: 'max' },
    },
    {
      name: 'a feed whose aggregator has no bounds',
      params: { feed: '$ethUsdFeed', maxAge: '65m' },
      observation: { round: round(3000) },
      now: NOW,
      evidence: { bounds: null },
    },
    {
      name: 'a round 4 minutes in the future (within the 5-minute clock allowance)',
      params: PARAMS,
      observation: { round: round(3000, -240) },
      now: NOW,
      observed: 'price 3000, 0ms old',
    },
    {
      name: 'every round in the lookback came within the heartbeat',
      params: CADENCE,
      observation: { round: round(3000), history: { rounds: hourly(24) } },
      now: NOW,
      message: /largest gap 1h over 25 rounds$/,
      threshold: 'gaps <= 1h 1m',
    },
    {
      name: 'a history shorter than the lookback is said, not hidden',
      params: CADENCE,
      observation: { round: round(3000), history: { rounds: hourly(2), truncated: 'the feed is new' } },
      now: NOW,
      message: 'history covers less than 1d: the feed is new',
    },
  ],
  invalid: [
    {
      name: 'the latest round is older than maxAge',
      params: PARAMS,
      observation: { round: round(3000, 66 * 60), bounds },
      now: NOW,
      status: 'fail',
      message: 'ETH / USD: last update 1h 6m ago, older than 1h 5m',
    },
    {
      name: 'a zero answer',
      params: PARAMS,
      observation: { round: round(0), bounds },
      now: NOW,
      status: 'fail',
      message: 'answer 0 is not a positive price',
    },
    {
      name: 'a negative answer',
      params: PARAMS,
      observation: { round: { ...round(3000), answer: -1n, price: -0.00000001 } },
      now: NOW,
      status: 'fail',
      message: 'answer -1 is not a positive price',
    },
    {
      name: 'an incomplete round (startedAt 0)',
      params: PARAMS,
      observation: { round: round(3000, 60, { startedAt: 0 }) },
      now: NOW,
      status: 'fail',
      message: /round 42 is incomplete \(startedAt 0, updatedAt \d+\)/,
    },
    {
      name: 'a round never updated',
      params: PARAMS,
      observation: { round: round(3000, 60, { updatedAt: 0 }) },
      now: NOW,
      status: 'fail',
      observed: 'price 3000, never updated',
      message: 'incomplete',
    },
    {
      name: "a price above the checklist's max",
      params: { feed: '$ethUsdFeed', maxAge: '65m', max: 100 },
      observation: { round: round(3000) },
      now: NOW,
      status: 'fail',
      message: 'ETH / USD: price 3000 above 100',
    },
    {
      name: "a price below the checklist's min",
      params: PARAMS,
      observation: { round: round(400) },
      now: NOW,
      status: 'fail',
      message: 'ETH / USD: price 400 below 500',
    },
    {
      name: "a fresh price at the aggregator's minAnswer, inside the checklist's own bounds",
      params: PARAMS,
      observation: { round: round(1000), bounds },
      now: NOW,
      status: 'fail',
      message: "price 1000 is at its aggregator's minAnswer (1000): the feed stops reporting at its bounds",
      evidence: { bounds: { minAnswer: (1_000n * E8).toString(), maxAnswer: (10_000n * E8).toString() } },
    },
    {
      name: "a price beyond the aggregator's maxAnswer",
      params: PARAMS,
      observation: { round: round(10_500), bounds },
      now: NOW,
      status: 'fail',
      message: "is at its aggregator's maxAnswer (10000)",
    },
    {
      name: 'a round dated 50 minutes in the future, not 0 ms old',
      params: PARAMS,
      observation: { round: round(3000, -50 * 60) },
      now: NOW,
      status: 'fail',
      observed: 'price 3000, dated 50m in the future',
      message: 'in the future (more than 5m): a round from the future is not a fresh one',
    },
    {
      name: 'a fresh feed that skipped its heartbeat yesterday warns',
      params: CADENCE,
      observation: { round: round(3000), history: { rounds: hourly(24, [17, 16, 15]) } },
      now: NOW,
      status: 'warn',
      message: /ETH \/ USD skipped its heartbeat: 4h between round 982 \(.*\) and round 986, heartbeat 1h 1m/,
      observed: 'largest gap 4h',
    },
    {
      name: 'a stale round on a warning-level check',
      params: PARAMS,
      observation: { round: round(3000, 2 * 3_600) },
      now: NOW,
      severity: 'warning',
      status: 'warn',
      message: 'older than 1h 5m',
    },
  ],
  refused: [
    {
      name: 'a feed that is not an address',
      params: { feed: '0x1234', maxAge: '65m' },
      error: 'is not a 20-byte hex address',
    },
    { name: 'no maxAge', params: { feed: '$ethUsdFeed' }, error: 'maxAge' },
  ],
});

describe('oracle.chainlink on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(() => admin.freshPrice(venue.clients));

  it('passes on a fresh, positive, plausible round', async () => {
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('pass');
    expect(result.message).toContain('ETH / USD');
  });

  it('fails when the latest round is older than maxAge', async () => {
    await applyScenario(venue, 'stale-oracle');
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('older than 1h 5m');
  });

  it('fails on a zero answer', async () => {
    await admin.setLatestAnswer(venue.clients, DEVNET_ADDRESSES.ethUsdFeed, 0n);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('not a positive price');
  });

  it('fails on an incomplete round', async () => {
    await admin.setLatestTimestamps(venue.clients, DEVNET_ADDRESSES.ethUsdFeed, nowSeconds(), 0);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('incomplete');
  });

  it('fails a round dated 50 minutes in the future instead of calling it 0 ms old', async () => {
    await applyScenario(venue, 'oracle-future');
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.status === 'fail' && result.observed).toMatch(
      /dated (49|50)m \d+s in the future|dated 50m in the future/,
    );
    expect(result.message).toMatch(
      /in the future \(more than 5m\): a round from the future is not a fresh one/,
    );
  });

  it("fails a fresh price pinned at the aggregator's minAnswer, inside the checklist's own bounds", async () => {
    await applyScenario(venue, 'oracle-at-bound');
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain(
      "ETH / USD: price 1000 is at its aggregator's minAnswer (1000): the feed stops reporting at its bounds",
    );
    expect(result.status === 'fail' && result.evidence?.bounds).toEqual({
      aggregator: DEVNET_ADDRESSES.ethUsdFeed,
      minAnswer: (1_000n * 10n ** 8n).toString(),
      maxAnswer: (10_000n * 10n ** 8n).toString(),
    });
  });

  it('passes, reading no bounds, on a feed whose aggregator has none', async () => {
    const feed = await deploy(venue.clients, DevnetAggregatorArtifact, [8, 'PLAIN / USD', 0n, 0n]);
    const now = nowSeconds();
    await admin.pushRound(venue.clients, feed, devnetPrice(0), now, now);
    const result = await runOne(venue.node.url, `type: oracle.chainlink\nfeed: "${feed}"\nmaxAge: 65m`);
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.evidence?.bounds).toBeNull();
  });

  it('errors (never passes) when the feed address has no contract', async () => {
    const result = await runOne(
      venue.node.url,
      'type: oracle.chainlink\nfeed: "0x000000000000000000000000000000000000dEaD"\nmaxAge: 65m',
    );
    expect(result.status).toBe('error');
  });

  describe('cadence over the round history (heartbeat)', () => {
    const cadence = (feed: string) =>
      `type: oracle.chainlink\nfeed: "${feed}"\nmaxAge: 65m\nheartbeat: 61m\nlookback: 24h`;

    /** A feed with hourly rounds over the last day, optionally missing some hours yesterday. */
    async function feedWithHistory(missingHours: number[]): Promise<string> {
      const feed = await deploy(venue.clients, DevnetAggregatorArtifact, [8, 'GAP / USD', 0n, 0n]);
      const now = nowSeconds();
      const hours = Array.from({ length: 27 }, (_, i) => 26 - i).filter((h) => !missingHours.includes(h));
      await admin.pushRounds(
        venue.clients,
        feed,
        hours.map((hoursAgo) => ({ answer: devnetPrice(hoursAgo), at: now - hoursAgo * 3_600 })),
      );
      return feed;
    }

    it('passes when every round in the lookback came within the heartbeat', async () => {
      const result = await runOne(venue.node.url, cadence(await feedWithHistory([])));
      expect(result.status).toBe('pass');
      expect(result.message).toMatch(/largest gap 1h over 2[45] rounds/);
    });

    it('warns when the feed is fresh now but skipped its heartbeat yesterday', async () => {
      const result = await runOne(venue.node.url, cadence(await feedWithHistory([18, 17, 16])));
      expect(result.status).toBe('warn');
      expect(result.message).toContain('skipped its heartbeat: 4h between round');
      expect(result.status === 'warn' && result.threshold).toContain('gaps <= 1h 1m');
    });

    it('passes again after stale-oracle then healthy: healthy restores a calm day of rounds', async () => {
      await applyScenario(venue, 'stale-oracle');
      const stale = await runOne(venue.node.url, cadence(DEVNET_ADDRESSES.ethUsdFeed));
      expect(stale.status).toBe('fail');
      await applyScenario(venue, 'healthy');
      const result = await runOne(venue.node.url, cadence(DEVNET_ADDRESSES.ethUsdFeed));
      expect(result.status).toBe('pass');
      expect(result.message).toMatch(/largest gap 1h over 2\d rounds/);
    });

    it('says when the history is shorter than the lookback', async () => {
      const feed = await deploy(venue.clients, DevnetAggregatorArtifact, [8, 'NEW / USD', 0n, 0n]);
      const now = nowSeconds();
      await admin.pushRound(venue.clients, feed, devnetPrice(0), now - 600, now - 600);
      await admin.pushRound(venue.clients, feed, devnetPrice(1), now, now);
      const result = await runOne(venue.node.url, cadence(feed));
      expect(result.status).toBe('pass');
      expect(result.message).toContain('history covers less than 1d');
    });
  });
});
