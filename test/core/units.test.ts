import { describe, expect, it } from 'vitest';
import {
  assertTimerDuration,
  formatDecimal,
  formatDuration,
  formatUsd,
  parseDuration,
  parseNativeAmount,
  parseRatio,
  parseSignedRatio,
  parseUsd,
  UnitError,
} from '../../src/core/units.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['7d12h', 648_000_000],
    ['1.5s', 1_500],
    ['1w', 604_800_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 's', '30 s', '10x', '-5s', '5s garbage'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(UnitError);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [95_000, '1m 35s'],
    [30_000, '30s'],
    [7_200_000, '2h'],
    [648_000_000, '7d 12h'],
    [-5_000, '-5s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('parseUsd', () => {
  it.each([
    ['5_000_000 USD', 5_000_000],
    ['1,000 USD', 1_000],
    ['0.5 USD', 0.5],
    ['250000', 250_000],
    [42, 42],
  ])('parses %j', (input, value) => {
    expect(parseUsd(input)).toBe(value);
  });
  it.each(['5 EUR', 'lots', '', '1.2.3 USD'])('rejects %j', (input) => {
    expect(() => parseUsd(input)).toThrow(UnitError);
  });
});

describe('parseNativeAmount', () => {
  it.each([
    ['0.001 ether', 1_000_000_000_000_000n],
    ['35 gwei', 35_000_000_000n],
    ['1000 wei', 1000n],
    ['1_000 gwei', 1_000_000_000_000n],
  ])('parses %s', (input, wei) => {
    expect(parseNativeAmount(input)).toBe(wei);
  });
  it.each(['0.001', '1 banana', '0.5 wei', 'ether'])('rejects %j', (input) => {
    expect(() => parseNativeAmount(input)).toThrow(UnitError);
  });
});

describe('parseRatio', () => {
  it.each([
    ['0.5%', 0.005],
    ['50bps', 0.005],
    ['100%', 1],
    ['1 bps', 0.0001],
  ])('parses %s', (input, ratio) => {
    expect(parseRatio(input)).toBeCloseTo(ratio, 12);
  });
  it.each(['0.5', 0.5, '5 percent', '-1%'])('rejects %j', (input) => {
    expect(() => parseRatio(input)).toThrow(UnitError);
  });
});

describe('parseSignedRatio', () => {
  it.each([
    ['0.01%', 0.0001],
    ['-0.01%', -0.0001],
    ['+1bps', 0.0001],
    ['−2bps', -0.0002],
  ])('parses %s', (input, ratio) => {
    expect(parseSignedRatio(input)).toBeCloseTo(ratio, 12);
  });
  it.each(['-0.5', '--1%', '-'])('rejects %j', (input) => {
    expect(() => parseSignedRatio(input)).toThrow(UnitError);
  });
});

describe('formatUsd', () => {
  it.each([
    [0, '0.00 USD'],
    [0.0022, '0.0022 USD'],
    [-0.004567, '-0.0046 USD'],
    [0.98, '0.98 USD'],
    [16.214, '16.21 USD'],
    [3526.4, '3,526 USD'],
    [5_000_000, '5,000,000 USD'],
  ])('%d → %s', (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });
});

describe('formatDecimal', () => {
  // It stands in for toLocaleString('en-US') (which loads ICU on first use): the same text, always.
  const cases: [number, { minimumFractionDigits?: number; maximumFractionDigits?: number }][] = [];
  const options = [
    { minimumFractionDigits: 2, maximumFractionDigits: 2 },
    { minimumFractionDigits: 0, maximumFractionDigits: 0 },
    { maximumFractionDigits: 2 },
    {},
  ];
  const edges = [
    0, -0, 0.5, 1.5, 2.5, -2.5, 1.005, 1.015, 1.025, 0.125, 999.995, 999_999.5, 1e-7, -1e-7, 0.0049,
  ];
  const more = [1e21, 123_456_789.987_654, Number.MAX_SAFE_INTEGER, 2 ** 60, NaN, Infinity, -Infinity];
  for (const value of [...edges, ...more]) for (const option of options) cases.push([value, option]);
  // Deterministic spread of magnitudes and of halves at the rounding digit.
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 4_000; i++) {
    const magnitude = 10 ** Math.floor(next() * 12 - 4);
    const value = (next() - 0.3) * magnitude;
    const half = Math.round(value * 1000) / 1000 + 0.0005;
    cases.push([value, options[i % options.length] ?? {}], [half, options[i % options.length] ?? {}]);
  }

  it('writes what toLocaleString("en-US") writes, for every value and option tried', () => {
    const differing = cases
      .map(([value, option]) => [
        value,
        option,
        formatDecimal(value, option),
        value.toLocaleString('en-US', option),
      ])
      .filter(([, , ours, intl]) => ours !== intl);
    expect(differing).toEqual([]);
  });
});

describe('values that would quietly disable a check (issue #13 item 9)', () => {
  it.each([
    // European grouping: a million there, 1 here.
    '1.000,000 USD',
    '1,00 USD',
    '1,0000 USD',
    '1,000.000,5 USD',
    '1__000 USD',
    '_1000 USD',
    '1000_ USD',
    '1,000_000 USD',
    `${'9'.repeat(400)} USD`,
  ])('parseUsd rejects the ambiguous or unrepresentable %j', (input) => {
    expect(() => parseUsd(input)).toThrow(UnitError);
  });

  it.each([
    ['1,000,000 USD', 1_000_000],
    ['1,000,000.50 USD', 1_000_000.5],
    ['1_000_000 USD', 1_000_000],
    ['1000.000_5 USD', 1000.0005],
    ['999 USD', 999],
  ])('parseUsd still reads %j', (input, value) => {
    expect(parseUsd(input)).toBe(value);
  });

  it.each(['1.000,5 ether', '1,00 gwei'])('parseNativeAmount rejects %j', (input) => {
    expect(() => parseNativeAmount(input)).toThrow(UnitError);
  });

  it.each([`${'9'.repeat(400)}s`, `${'9'.repeat(20)}d`])(
    'parseDuration rejects the unrepresentable %s',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/too long a duration/);
    },
  );

  it(`parseRatio rejects a ratio that reads as Infinity`, () => {
    expect(() => parseRatio(`${'9'.repeat(400)}%`)).toThrow(UnitError);
  });

  it.each([
    ['24d', true],
    ['23d23h', true],
    ['24d1ms', false],
    ['25d', false],
    ['4w', false],
  ])('assertTimerDuration(%s) accepts: %s', (text, ok) => {
    const ms = parseDuration(text);
    if (ok) expect(assertTimerDuration(ms)).toBe(ms);
    else expect(() => assertTimerDuration(ms, '--watch')).toThrow(/--watch of .* is too long: at most 24d/);
  });
});
