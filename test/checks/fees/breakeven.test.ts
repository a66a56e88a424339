import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { breakeven, type CostObservation } from '../../../src/checks/fees/breakeven.js';
import type { CheckResult } from '../../../src/core/result.js';
import { CALM_L1_FEES, setL1Fees } from '../../../src/devnet/l1Fees.js';
import { admin, anvilRpc } from '../../../src/devnet/venue.js';
import { CheckTester } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const MARKET_MAKING = `type: fees.breakeven
strategy: market-making
notional: 10_000 USD
nativePrice: $ethUsdFeed
makerFeeBps: 1
takerFeeBps: 5
tradesPerDay: 200
rebalancesPerDay: 4
expectedEdgeBps: 5`;

const MM_PARAMS = {
  strategy: 'market-making',
  notional: '10_000 USD',
  nativePrice: '$ethUsdFeed',
  makerFeeBps: 1,
  takerFeeBps: 5,
  tradesPerDay: 200,
  rebalancesPerDay: 4,
  expectedEdgeBps: 5,
} as const;
const FUNDING_PARAMS = {
  strategy: 'funding-capture',
  notional: '100_000 USD',
  nativePrice: '3000 USD',
  takerFeeBps: 5,
  rebalancesPerDay: 1,
  rebalanceNotional: '10_000 USD',
  holdingPeriod: '7d',
} as const;

// 0.05 USD per transaction at 3000 USD: 300 000 gas × 55 555 556 wei, and no L1 fee.
const CALM_GAS_WEI = 55_555_556n;
function cost(
  options: { gasPriceWei?: bigint; makerBps?: number; priceAgeMs?: number } = {},
): CostObservation {
  const gasPriceWei = options.gasPriceWei ?? CALM_GAS_WEI;
  return {
    tx: { totalWei: 300_000n * gasPriceWei, gasPriceWei, l1Wei: 0n, source: 'none' },
    nativeUsd: 3000,
    ...(options.priceAgeMs === undefined ? {} : { priceAgeMs: options.priceAgeMs }),
    fees: { makerBps: options.makerBps ?? 1, takerBps: 5, source: 'the checklist' },
  };
}
// 2·(50 + 0.05) + 7·(5 + 0.05) = 135.45 USD over 100 000 USD and 21 intervals of 8 h.
const FUNDING_BREAKEVEN = 'breakeven 0.0065% per 8h (7.06%/y)';

new CheckTester(breakeven, { limit: 'decides' }).run({
  valid: [
    {
      name: 'market making at normal gas: the breakeven edge is below the expected edge',
      params: MM_PARAMS,
      observation: cost(),
      message:
        /^margin \d+\.\d+ bps: 200 fills of 10,000 USD and 4 rebalances a day cost .* \(1 tx = 300,000 gas × 0\.05556 gwei = 0\.05 USD\)$/,
      threshold: '<= expected edge 5.00 bps',
      limit: { value: 0.0005, kind: 'max' },
    },
    {
      name: 'market making with a maker rebate breaks even below zero',
      // per fill −0.5 + 0.05 = −0.45 USD over 10 000 USD → −0.45 bps
      params: { ...MM_PARAMS, makerFeeBps: -0.5, rebalancesPerDay: 0, expectedEdgeBps: 0 },
      observation: cost({ makerBps: -0.5 }),
      observed: 'breakeven -0.45 bps',
    },
    {
      name: 'funding capture: 0.01% per 8h covers the 0.00645% breakeven',
      params: { ...FUNDING_PARAMS, expectedFundingRate: '0.01%' },
      observation: cost(),
      observed: FUNDING_BREAKEVEN,
      threshold: '<= expected 0.0100% per 8h',
    },
    {
      name: "funding capture on the venue's own next funding rate (dYdX v4)",
      params: { ...FUNDING_PARAMS, fundingMarket: 'ETH-USD' },
      stack: 'dydx-v4',
      observation: { ...cost(), funding: { per8h: 0.0001, source: 'ETH-USD next funding, short perp' } },
      threshold: '(ETH-USD next funding, short perp)',
    },
  ],
  invalid: [
    {
      name: 'market making when gas spikes (900 USD a transaction)',
      params: MM_PARAMS,
      observation: cost({ gasPriceWei: 1_000_000_000_000n }),
      status: 'fail',
      message: /^short by [\d,.]+ bps/,
    },
    {
      name: 'market making when the expected edge is below breakeven',
      params: { ...MM_PARAMS, expectedEdgeBps: 1 },
      observation: cost(),
      status: 'fail',
      message: /^short by 0\.\d+ bps/,
    },
    {
      name: 'funding capture: 0.005% per 8h does not cover breakeven',
      params: { ...FUNDING_PARAMS, expectedFundingRate: '0.005%' },
      observation: cost(),
      status: 'fail',
      observed: FUNDING_BREAKEVEN,
      message: /^short by 0\.0015% per 8h/,
    },
    {
      name: 'funding capture: negative funding (the position pays) never breaks even',
      params: { ...FUNDING_PARAMS, expectedFundingRate: '-0.005%' },
      observation: cost(),
      status: 'fail',
      observed: FUNDING_BREAKEVEN,
      message: /^short by 0\.0\d+% per 8h: holding 100,000 USD for 7d costs/,
    },
    {
      name: 'a native price older than maxPriceAge cannot price gas',
      params: MM_PARAMS,
      observation: cost({ priceAgeMs: 26 * 3_600_000 }),
      status: 'fail',
      observed: 'price 1d 2h old',
      message: 'cannot price gas: the native price feed is 1d 2h old',
    },
  ],
  refused: [
    {
      name: "market making without the strategy's own parameters",
      params: { ...MM_PARAMS, tradesPerDay: undefined },
      error: /market-making needs tradesPerDay/,
    },
    {
      name: 'funding capture without a funding rate',
      params: FUNDING_PARAMS,
      error: /funding-capture needs exactly one of expectedFundingRate \(per 8 hours\) or fundingMarket/,
    },
    {
      name: 'a fee tier on a venue that cannot read one',
      params: { ...MM_PARAMS, feeTier: '1' },
      error: 'feeTier, it runs on dydx-v4 only',
    },
  ],
});

describe('fees.breakeven on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(async () => {
    await admin.calmGas(venue.clients);
    await admin.freshPrice(venue.clients);
  });

  it('passes at normal gas: the breakeven edge is below the expected edge', async () => {
    const result = await runOne(venue.node.url, MARKET_MAKING);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /^margin \d+\.\d+ bps: 200 fills of 10,000 USD and 4 rebalances a day cost/,
    );
    expect(result.status === 'pass' && result.threshold).toBe('<= expected edge 5.00 bps');
  });

  it('fails when gas spikes', async () => {
    await applyScenario(venue, 'gas-spike');
    await anvilRpc(venue.clients, 'evm_mine', []);
    const result = await runOne(venue.node.url, MARKET_MAKING);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^short by [\d,.]+ bps/);
    expect((result as { evidence?: { txCostUsd: number } }).evidence?.txCostUsd).toBeGreaterThan(10);
  });

  it('on an OP Stack L2, adds the GasPriceOracle L1 data fee, and fails when L1 fees spike', async () => {
    const l1FeeWei = (result: CheckResult) =>
      BigInt((result as { evidence?: { l1DataFeeWei: string } }).evidence?.l1DataFeeWei ?? -1);
    const opStack = (yaml: string) => runOne(venue.node.url, yaml, undefined, { stack: 'op-stack' });
    const calm = await opStack(MARKET_MAKING);
    expect(calm.status).toBe('pass');
    const calmL1 = l1FeeWei(calm);
    expect(calmL1).toBeGreaterThan(0n);
    // the same state read as a plain EVM chain carries no L1 fee: the figure comes from the stack
    const plain = await runOne(venue.node.url, MARKET_MAKING);
    expect(l1FeeWei(plain)).toBe(0n);

    await applyScenario(venue, 'l1-fee-spike');
    try {
      const spiked = await opStack(MARKET_MAKING);
      expect(spiked.status).toBe('fail');
      expect(spiked.message).toMatch(/^short by [\d,.]+ bps/);
      expect(spiked.message).toMatch(/× [\d.]+ gwei \+ L1 data fee [\d.]+ USD = [\d.]+ USD\)/);
      const spikedL1 = l1FeeWei(spiked);
      // Fjord prices blob space linearly: 10 000× the blob base fee (and 20× the base fee) is ~7 400× the fee
      expect(spikedL1 / calmL1).toBeGreaterThan(1_000n);
    } finally {
      await setL1Fees(venue.clients, CALM_L1_FEES);
    }
  });
});
