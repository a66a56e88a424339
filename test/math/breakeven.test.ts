import { describe, expect, it } from 'vitest';
import { fundingCaptureBreakeven, marketMakingBreakeven } from '../../src/math/breakeven.js';

const bps = (n: number) => n / 10_000;

describe('marketMakingBreakeven', () => {
  it.each([
    {
      name: '200 fills of 10k at 1 bps maker, 4 rebalances of 10k at 5 bps taker, 0.02 USD per tx',
      // fill: 10 000·0.0001 + 0.02 = 1.02; rebalance: 10 000·0.0005 + 0.02 = 5.02
      // day: 200·1.02 + 4·5.02 = 224.08 over 2 000 000 filled → 1.1204 bps
      input: {
        notionalUsd: 10_000,
        tradesPerDay: 200,
        rebalancesPerDay: 4,
        rebalanceNotionalUsd: 10_000,
        makerFee: bps(1),
        takerFee: bps(5),
        txCostUsd: 0.02,
      },
      expected: { perTradeUsd: 1.02, perRebalanceUsd: 5.02, dailyCostUsd: 224.08, breakevenBps: 1.1204 },
    },
    {
      name: 'a maker rebate of 0.5 bps pays for gas: breakeven below zero',
      // fill: −0.5 + 0.01 = −0.49; no rebalances → −0.49 / 10 000 = −0.49 bps
      input: {
        notionalUsd: 10_000,
        tradesPerDay: 100,
        rebalancesPerDay: 0,
        rebalanceNotionalUsd: 10_000,
        makerFee: bps(-0.5),
        takerFee: bps(5),
        txCostUsd: 0.01,
      },
      expected: { perTradeUsd: -0.49, perRebalanceUsd: 5.01, dailyCostUsd: -49, breakevenBps: -0.49 },
    },
    {
      name: 'expensive gas dominates small fills',
      // fill: 1 000·0.0002 + 2 = 2.2; rebalance 1 000·0.0005 + 2 = 2.5; day 50·2.2 + 10·2.5 = 135 over 50 000 → 27 bps
      input: {
        notionalUsd: 1_000,
        tradesPerDay: 50,
        rebalancesPerDay: 10,
        rebalanceNotionalUsd: 1_000,
        makerFee: bps(2),
        takerFee: bps(5),
        txCostUsd: 2,
      },
      expected: { perTradeUsd: 2.2, perRebalanceUsd: 2.5, dailyCostUsd: 135, breakevenBps: 27 },
    },
  ])('$name', ({ input, expected }) => {
    const result = marketMakingBreakeven(input);
    for (const [key, value] of Object.entries(expected)) {
      expect(result[key as keyof typeof result]).toBeCloseTo(value, 9);
    }
  });

  it('refuses zero trades', () => {
    expect(() =>
      marketMakingBreakeven({
        notionalUsd: 1,
        tradesPerDay: 0,
        rebalancesPerDay: 0,
        rebalanceNotionalUsd: 0,
        makerFee: 0,
        takerFee: 0,
        txCostUsd: 0,
      }),
    ).toThrow(/trades per day/);
  });
});

describe('fundingCaptureBreakeven', () => {
  it.each([
    {
      name: '100k held 7 days, 5 bps taker, one 10k rebalance a day, 0.05 USD per tx',
      // entry+exit 2·(50 + 0.05) = 100.1; rebalances 7·(5 + 0.05) = 35.35; total 135.45
      // over period 0.0013545; 21 eight-hour intervals → 0.0000645 per 8 h; ×1095 → 0.0706275
      input: {
        notionalUsd: 100_000,
        holdingHours: 168,
        rebalancesPerDay: 1,
        rebalanceNotionalUsd: 10_000,
        takerFee: bps(5),
        hedgeFee: 0,
        txCostUsd: 0.05,
      },
      expected: { totalCostUsd: 135.45, overPeriod: 0.0013545, per8h: 0.0000645, annualised: 0.0706275 },
    },
    {
      name: 'a hedge leg at 10 bps held one day without rebalancing',
      // 2·(10 000·0.0015 + 0) = 30 → 0.003 over 3 intervals → 0.001 per 8 h → 1.095 a year
      input: {
        notionalUsd: 10_000,
        holdingHours: 24,
        rebalancesPerDay: 0,
        rebalanceNotionalUsd: 0,
        takerFee: bps(5),
        hedgeFee: bps(10),
        txCostUsd: 0,
      },
      expected: { totalCostUsd: 30, overPeriod: 0.003, per8h: 0.001, annualised: 1.095 },
    },
  ])('$name', ({ input, expected }) => {
    const result = fundingCaptureBreakeven(input);
    for (const [key, value] of Object.entries(expected)) {
      expect(result[key as keyof typeof result]).toBeCloseTo(value, 12);
    }
  });

  it('refuses a zero holding period', () => {
    expect(() =>
      fundingCaptureBreakeven({
        notionalUsd: 1,
        holdingHours: 0,
        rebalancesPerDay: 0,
        rebalanceNotionalUsd: 0,
        takerFee: 0,
        hedgeFee: 0,
        txCostUsd: 0,
      }),
    ).toThrow(/holding period/);
  });
});
