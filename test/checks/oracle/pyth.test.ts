import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PYTH_ETH_USD_ID } from '../../../src/devnet/constants.js';
import { admin, devnetPrice } from '../../../src/devnet/venue.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { runOne } from '../../helpers/venue.js';

const check = (priceId: string, extra = '') =>
  `type: oracle.pyth\ncontract: $pyth\npriceId: "${priceId}"\nmaxAge: 2m\nmaxConfidence: 0.5%\nmin: 500\nmax: 20000${extra}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A price id of the test's own, so each bad state is written on a fresh feed. */
const id = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;

describe('oracle.pyth on the devnet (Pyth’s MockPyth)', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(() => admin.freshPrice(venue.clients));

  it('passes on a fresh ETH/USD price with a narrow confidence interval', async () => {
    const result = await runOne(venue.node.url, check(PYTH_ETH_USD_ID));
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/^0xff61491a… 30\d\d(\.\d+)? ± 0\.05%, published \d+/);
  });

  it('fails when the last publish is older than maxAge', async () => {
    await admin.publishPyth(venue.clients, id(1), devnetPrice(0), { publishTime: nowSeconds() - 3_600 });
    const result = await runOne(venue.node.url, check(id(1)));
    expect(result.status).toBe('fail');
    expect(result.message).toContain('older than 2m');
  });

  it('fails when the confidence interval is wide (publishers disagree)', async () => {
    await admin.publishPyth(venue.clients, id(2), devnetPrice(0), { confidence: devnetPrice(0) / 50n });
    const result = await runOne(venue.node.url, check(id(2)));
    expect(result.status).toBe('fail');
    expect(result.message).toContain('confidence ±2.00% of the price is wider than 0.50%');
  });

  it('errors (never passes) for a price id the contract does not have', async () => {
    const result = await runOne(venue.node.url, check(id(3)));
    expect(result.status).toBe('error');
  });

  it('refuses a price id that is not 32 bytes', async () => {
    await expect(runOne(venue.node.url, check('0x1234'))).rejects.toThrow(/expected 32 bytes of hex/);
  });
});
