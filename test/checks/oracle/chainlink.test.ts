import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEVNET_ADDRESSES } from '../../../src/devnet/constants.js';
import { admin, type RunningVenue } from '../../../src/devnet/venue.js';
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

  it('errors (never passes) when the feed address has no contract', async () => {
    const result = await runOne(
      venue.node.url,
      'type: oracle.chainlink\nfeed: "0x000000000000000000000000000000000000dEaD"\nmaxAge: 65m',
    );
    expect(result.status).toBe('error');
  });
});
