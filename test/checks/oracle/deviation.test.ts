import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SourcePrice, spreadOf } from '../../../src/checks/oracle/deviation.js';
import { PYTH_ETH_USD_ID } from '../../../src/devnet/constants.js';
import { admin } from '../../../src/devnet/venue.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const CHECK = `type: oracle.deviation
sources:
  - $ethUsdFeed
  - { pyth: $pyth, priceId: "${PYTH_ETH_USD_ID}" }
max: 1%`;

describe('spreadOf', () => {
  const p = (label: string, price: number): SourcePrice => ({ label, price });
  it.each([
    // (max − min) / min; outlier = farthest from the median of the others (three or more sources)
    ['two sources', [p('a', 100), p('b', 102)], 0.02, undefined],
    ['three, one high', [p('a', 100), p('b', 100.2), p('c', 105)], 0.05, 'c'],
    ['three, one low', [p('a', 2000), p('b', 1900), p('c', 2001)], 2001 / 1900 - 1, 'b'],
    ['all equal', [p('a', 1), p('b', 1), p('c', 1)], 0, 'a'],
  ])('%s', (_name, prices, spread, outlier) => {
    const result = spreadOf(prices);
    expect(result.spread).toBeCloseTo(spread, 12);
    expect(result.outlier?.source.label).toBe(outlier);
  });
});

describe('oracle.deviation on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(() => admin.freshPrice(venue.clients));

  it('passes when Chainlink and Pyth agree', async () => {
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/^sources agree within 0\.00%: ETH \/ USD 30\d\d/);
  });

  it('fails when one source is off, and with a third source names the outlier', async () => {
    await applyScenario(venue, 'oracle-split');
    const two = await runOne(venue.node.url, CHECK);
    expect(two.status).toBe('fail');
    expect(two.message).toContain('with two sources the outlier cannot be told');
    const three = await runOne(venue.node.url, CHECK.replace('max: 1%', '  - 3040 USD\nmax: 1%'));
    expect(three.status).toBe('fail');
    expect(three.message).toMatch(/outlier Pyth 0xff61491a… is \d\.\d\d% from the others' median/);
    expect(three.status === 'fail' && three.observed).toMatch(/^spread 5\.\d\d%$/);
  });

  it('fails rather than compare against a frozen source', async () => {
    await applyScenario(venue, 'stale-oracle');
    const result = await runOne(venue.node.url, `${CHECK}\nmaxAge: 1h`);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^cannot compare: ETH \/ USD is 3h( \d+s)? old/);
  });

  it('needs two sources', async () => {
    await expect(runOne(venue.node.url, 'type: oracle.deviation\nsources: [$ethUsdFeed]')).rejects.toThrow(
      /at least two sources/,
    );
  });
});
