import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, type RunningVenue } from '../../../src/devnet/venue.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

const CHECK = `type: insurance.fund
holder: $insuranceFund
assets:
  - token: $usdc
    price: 1 USD
  - native: true
    price: $ethUsdFeed
min: 1_000_000 USD`;

describe('insurance.fund on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(async () => {
    await admin.fillFund(venue.clients);
    await admin.freshPrice(venue.clients);
  });

  it('passes when the fund holds more than min (USDC at 1 USD + ether at the feed price)', async () => {
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('pass');
    const total = result.status === 'pass' ? (result.evidence as { totalUsd: number }).totalUsd : 0;
    // 5,000,000 USDC + 1,000 ETH at ~3,000 USD
    expect(total).toBeGreaterThan(7_900_000);
    expect(total).toBeLessThan(8_100_000);
  });

  it('fails when the fund is drained', async () => {
    await applyScenario(venue, 'drained-fund');
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.status === 'fail' && result.observed).toMatch(/^0(\.00)? USD$/);
  });

  it('fails rather than trust a stale feed price', async () => {
    await applyScenario(venue, 'stale-oracle');
    const result = await runOne(venue.node.url, `${CHECK}\nmaxPriceAge: 1h`);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('cannot trust the valuation');
  });
});
