import { describe, expect, it } from 'vitest';
import { liquidationPrice, touchProbability } from '../../src/math/liquidation.js';
import { normalCdf } from '../../src/math/normal.js';

// Reference values computed by hand with Python's math.erfc (Φ(x) = erfc(−x/√2)/2).
describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1.959963985, 0.025],
    [-3, 0.0013498980316300957],
    [-6, 9.865876450377012e-10],
  ])('Φ(%d) = %d', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected) / expected).toBeLessThan(2e-7);
  });
});

describe('liquidationPrice', () => {
  it.each([
    // entry, leverage, maintenance margin, side, price
    [3000, 10, 0.03, 'long', 2783.5051546391755], // 3000·0.9/0.97
    [3000, 10, 0.03, 'short', 3203.8834951456315], // 3000·1.1/1.03
    [3000, 5, 0.05, 'long', 2526.315789473684], // 3000·0.8/0.95
    [3000, 1, 0.03, 'long', 0], // fully collateralised long: only a price of zero liquidates it
    [3000, 1, 0.03, 'short', 5825.242718446601], // 3000·2/1.03
    [3000, 10, 0, 'long', 2700],
  ] as const)('%d at %dx with %d maintenance, %s → %d', (entry, leverage, margin, side, expected) => {
    expect(liquidationPrice(entry, leverage, margin, side)).toBeCloseTo(expected, 9);
  });

  it('refuses a position that would open already liquidated', () => {
    expect(() => liquidationPrice(3000, 20, 0.05, 'long')).toThrow(/below 1\/leverage/);
    expect(() => liquidationPrice(3000, 0.5, 0.01, 'long')).toThrow(/below 1/);
  });
});

describe('touchProbability (driftless GBM, reflection principle)', () => {
  it.each([
    // spot, barrier, annual volatility, years, probability
    [100, 90, 0.8, 1 / 365, 0.012504482282205066], // long, 10% away, one day at 80% vol
    [100, 110, 0.8, 1 / 365, 0.021772060808726817], // short, 10% away
    [100, 50, 0.8, 30 / 365, 0.00352925105449153], // far barrier, a month
    [3000, 2783.5051546391755, 0.6, 1 / 365, 0.017730141659982], // 10x long, 3% maintenance, 1 day
    [3000, 2783.5051546391755, 0.6, 7 / 365, 0.38121263727841226], // same, a week
    [3000, 3203.8834951456315, 0.6, 7 / 365, 0.4147306522270081], // 10x short, a week
    [3000, 2526.315789473684, 0.6, 7 / 365, 0.04205718875491271], // 5x long, 5% maintenance, a week
  ])('from %d to %d at σ=%d over %d years: %d', (spot, barrier, vol, years, expected) => {
    expect(touchProbability(spot, barrier, vol, years)).toBeCloseTo(expected, 6);
  });

  it('is zero with zero volatility, a zero horizon, or a barrier at zero (leverage 1 long)', () => {
    expect(touchProbability(100, 90, 0, 1)).toBe(0);
    expect(touchProbability(100, 90, 0.8, 0)).toBe(0);
    expect(touchProbability(100, 0, 5, 10)).toBe(0);
  });

  it('is one when the barrier is the spot price', () => {
    expect(touchProbability(100, 100, 0.5, 1 / 365)).toBe(1);
  });

  it('grows with the horizon and the volatility', () => {
    const short = touchProbability(100, 90, 0.5, 1 / 365);
    expect(touchProbability(100, 90, 0.5, 30 / 365)).toBeGreaterThan(short);
    expect(touchProbability(100, 90, 1.5, 1 / 365)).toBeGreaterThan(short);
  });
});
