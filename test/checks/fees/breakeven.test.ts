import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
import { breakeven, type CostObservation } from '../../../src/checks/fees/breakeven.js';
import type { CheckResult } from '../../../src/core/result.js';
import { CALM_L1_FEES, setL1Fees } from '../../../src/devnet/l1Fees.js';
import { admin, anvilRpc, type RunningVenue } from '../../../src/devnet/venue.js';
import { applyScenario, checklistYaml, runOne, startTestVenue } from '../../helpers/venue.js';

const MARKET_MAKING = `type: fees.breakeven
strategy: market-making
notional: 10_000 USD
nativePrice: $ethUsdFeed
makerFeeBps: 1
takerFeeBps: 5
tradesPerDay: 200
rebalancesPerDay: 4
expectedEdgeBps: 5`;

const FUNDING = `type: fees.breakeven
strategy: funding-capture
notional: 100_000 USD
nativePrice: 3000 USD
takerFeeBps: 5
rebalancesPerDay: 1
rebalanceNotional: 10_000 USD
holdingPeriod: 7d`;

/** Parses one check's parameters like the loader does. */
function params(yaml: string) {
  const checklist = parseChecklist(
    checklistYaml('http://127.0.0.1:1', `  - id: x\n${yaml.replace(/^/gm, '    ')}\n`),
    'test.yaml',
    { env: {} },
  );
  return checklist.checks[0]?.params as never;
}

describe('fees.breakeven evaluation (pure)', () => {
  // 0.05 USD per transaction: 1 gwei would be 300 000 gas × 1e9 = 3e14 wei; at 3000 USD that is 0.9 USD,
  // so use 0.05/0.9 gwei and no L1 fee
  const gasPriceWei = 55_555_556n;
  const observe = (makerBps?: number, takerBps = 5): CostObservation => ({
    tx: { totalWei: 300_000n * gasPriceWei, gasPriceWei, l1Wei: 0n, source: 'none' },
    nativeUsd: 3000,
    fees: { makerBps, takerBps, source: 'the checklist' },
  });

  it.each([
    ['0.01% per 8h covers the 0.00645% breakeven', '0.01%', 'pass'],
    ['0.005% per 8h does not', '0.005%', 'fail'],
    ['negative funding (the position pays) never breaks even', '-0.01%', 'fail'],
  ])('funding capture: %s', (_name, expected, status) => {
    const judgement = breakeven.evaluate(
      params(`${FUNDING}\nexpectedFundingRate: "${expected}"`),
      observe(),
      0,
    );
    expect(judgement.holds ? 'pass' : 'fail').toBe(status);
    // 2·(50 + 0.05) + 7·(5 + 0.05) = 135.45 over 100 000 and 21 intervals
    expect(judgement.observed).toBe('breakeven 0.0065% per 8h (7.06%/y)');
  });

  it('market making with a maker rebate breaks even below zero', () => {
    const judgement = breakeven.evaluate(
      params(
        MARKET_MAKING.replace('makerFeeBps: 1', 'makerFeeBps: -0.5')
          .replace('rebalancesPerDay: 4', 'rebalancesPerDay: 0')
          .replace('expectedEdgeBps: 5', 'expectedEdgeBps: 0'),
      ),
      observe(-0.5),
      0,
    );
    // per fill −0.5 + 0.05 = −0.45 USD over 10 000 → −0.45 bps
    expect(judgement.holds).toBe(true);
    expect(judgement.observed).toBe('breakeven -0.45 bps');
  });

  it('needs the strategy’s own parameters', () => {
    expect(() => params(MARKET_MAKING.replace('tradesPerDay: 200\n', ''))).toThrow(
      /market-making needs tradesPerDay/,
    );
    expect(() => params(FUNDING)).toThrow(
      /funding-capture needs exactly one of expectedFundingRate \(per 8 hours\) or fundingMarket/,
    );
  });
});

describe('fees.breakeven on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
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

  it('funding capture fails when the expected funding is negative', async () => {
    const result = await runOne(venue.node.url, `${FUNDING}\nexpectedFundingRate: "-0.005%"`);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^short by 0\.0\d+% per 8h: holding 100,000 USD for 7d costs/);
  });
});
