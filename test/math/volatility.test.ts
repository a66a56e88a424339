import { describe, expect, it } from 'vitest';
import { realisedVolatility, worstMove } from '../../src/math/volatility.js';

const at = (points: [number, number][]) => points.map(([t, price]) => ({ at: t, price }));

describe('realisedVolatility (time-weighted log returns, annualised over 365 days)', () => {
  it.each([
    // √((ln(1.1)² + ln(0.9)²) / 7200 s × 31 536 000 s)
    [
      'two hourly moves of +10% and −10%',
      at([
        [0, 100],
        [3600, 110],
        [7200, 99],
      ]),
      9.402644554431973,
    ],
    // +1% after 60 s then −1% after 3540 s: the time between rounds, not their count, weighs them
    [
      'irregular spacing',
      at([
        [0, 100],
        [60, 101],
        [3600, 100],
      ]),
      1.3170570045420036,
    ],
    [
      'a flat price',
      at([
        [0, 100],
        [3600, 100],
        [7200, 100],
      ]),
      0,
    ],
    [
      'rounds out of order',
      at([
        [7200, 99],
        [0, 100],
        [3600, 110],
      ]),
      9.402644554431973,
    ],
  ])('%s', (_name, points, expected) => {
    expect(realisedVolatility(points)).toBeCloseTo(expected, 9);
  });

  it('needs two rounds at distinct times', () => {
    expect(() => realisedVolatility(at([[0, 100]]))).toThrow(/at least two rounds/);
    expect(() =>
      realisedVolatility(
        at([
          [5, 100],
          [5, 101],
        ]),
      ),
    ).toThrow(/at least two rounds/);
  });

  it('rejects a non-positive price', () => {
    expect(() =>
      realisedVolatility(
        at([
          [0, 100],
          [1, 0],
        ]),
      ),
    ).toThrow(/not positive/);
  });
});

describe('worstMove', () => {
  const history = at([
    [0, 100],
    [3600, 95],
    [7200, 104],
    [10800, 90],
    [14400, 99],
  ]);

  it.each([
    ['long, 1h windows', 3600, 'long', -0.1346153846153846, 104, 90], // 104 → 90
    ['long, 4h windows', 14400, 'long', -0.1346153846153846, 104, 90],
    ['short, 1h windows', 3600, 'short', 0.1, 90, 99], // 95 → 104 is +9.47%, 90 → 99 is +10%
    ['short, 4h windows', 14400, 'short', 0.1, 90, 99],
    ['long, windows shorter than any spacing', 60, 'long', 0, 100, 100],
  ] as const)('%s', (_name, window, side, move, from, to) => {
    const worst = worstMove(history, window, side);
    expect(worst.move).toBeCloseTo(move, 12);
    expect([worst.from.price, worst.to.price]).toEqual([from, to]);
  });

  it('is zero for a single round', () => {
    expect(worstMove(at([[0, 100]]), 3600, 'long').move).toBe(0);
  });
});
