import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DevnetAggregatorArtifact } from '../../../src/devnet/artifacts.generated.js';
import { DEVNET_ADDRESSES } from '../../../src/devnet/constants.js';
import { admin, devnetPrice, type RunningVenue } from '../../../src/devnet/venue.js';
import { deploy } from '../../../src/devnet/venue-clients.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

const CHECK = 'type: oracle.chainlink\nfeed: $ethUsdFeed\nmaxAge: 65m\nmin: 500\nmax: 20000';
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('oracle.chainlink on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
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

  it('fails when the price is outside the plausible bounds', async () => {
    const result = await runOne(
      venue.node.url,
      'type: oracle.chainlink\nfeed: $ethUsdFeed\nmaxAge: 65m\nmax: 100',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('above 100');
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

  it("fails a price at or beyond the aggregator's maxAnswer", async () => {
    await admin.setLatestAnswer(venue.clients, DEVNET_ADDRESSES.ethUsdFeed, 10_500n * 10n ** 8n);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain("is at its aggregator's maxAnswer (10000)");
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
