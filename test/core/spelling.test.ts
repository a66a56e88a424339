/** The spelling that works, suggested beside a unit error (issue #18 item 5). */
import { describe, expect, it } from 'vitest';
import {
  didYouMean,
  durationReadings,
  groupDigits,
  suggestDuration,
  suggestUsd,
} from '../../src/core/spelling.js';
import { parseDuration, parseWrittenUsd } from '../../src/core/units.js';

describe('suggestDuration', () => {
  it.each([
    ['30 sec', '30s'],
    ['30 seconds', '30s'],
    ['30secs', '30s'],
    ['30 s', '30s'],
    ['1min', '1m'],
    ['1 minute', '1m'],
    ['10 mins', '10m'],
    ['2 hours', '2h'],
    ['2 hrs', '2h'],
    ['5 days', '5d'],
    ['2 weeks', '2w'],
    ['500 millis', '500ms'],
    ['1 hour 30 minutes', '1h30m'],
    ['1 hour, 30 minutes', '1h30m'],
    ['1 hour and 30 minutes', '1h30m'],
    ['1.5 hours', '1.5h'],
    ['30 SEC', '30s'],
    ['30', '30s'],
    [30, '30s'],
  ])('%j → %s, which parses', (input, suggestion) => {
    expect(suggestDuration(input)).toBe(suggestion);
    expect(() => parseDuration(suggestion)).not.toThrow();
  });

  it.each([['30M'], ['30 fortnights'], ['soon'], ['30s'], [0], [-5], [''], [null], [{}]])(
    'has no guess for %j',
    (input) => {
      expect(suggestDuration(input)).toBeUndefined();
    },
  );
});

describe('a bare number where a duration goes', () => {
  it.each([[30], ['30'], [3600], ['3600']])('%j up to an hour reads as seconds', (input) => {
    expect(durationReadings(input)).toEqual([`${input}s`]);
    expect(suggestDuration(input)).toBe(`${input}s`);
  });

  it.each([[30000], ['30000'], [3601], ['86400000']])(
    '%j past an hour could be ms or s (`--timeout 30000`): both readings, neither picked',
    (input) => {
      expect(durationReadings(input)).toEqual([`${input}ms`, `${input}s`]);
      expect(suggestDuration(input)).toBeUndefined();
      expect(didYouMean(durationReadings(input))).toBe(`did you mean "${input}ms" or "${input}s"?`);
    },
  );

  it('offers nothing for what has no reading', () => {
    expect(durationReadings('soon')).toEqual([]);
    expect(didYouMean(durationReadings('soon'))).toBeUndefined();
  });
});

describe('suggestUsd', () => {
  it.each([
    [1000000, '1_000_000 USD'],
    [0.5, '0.5 USD'],
    ['1000000', '1_000_000 USD'],
    ['1,000,000', '1_000_000 USD'],
    ['1M USD', '1_000_000 USD'],
    ['1.5M USD', '1_500_000 USD'],
    ['1mm', '1_000_000 USD'],
    ['250k USD', '250_000 USD'],
    ['$250k', '250_000 USD'],
    ['2bn USD', '2_000_000_000 USD'],
    ['5 million USD', '5_000_000 USD'],
    ['500 dollars', '500 USD'],
    ['USD 500', '500 USD'],
    ['1234.56', '1_234.56 USD'],
  ])('%j → %s, which parses', (input, suggestion) => {
    expect(suggestUsd(input)).toBe(suggestion);
    expect(() => parseWrittenUsd(suggestion)).not.toThrow();
  });

  it.each([['5 EUR'], ['lots'], ['1_000 USD'], [1e21], [-5], [Number.NaN], ['0x1234']])(
    'has no guess for %j',
    (input) => {
      expect(suggestUsd(input)).toBeUndefined();
    },
  );
});

describe('parseWrittenUsd', () => {
  it.each([[1_000_000], ['1000000'], [' 250000 ']])('refuses the bare number %j', (input) => {
    expect(() => parseWrittenUsd(input)).toThrow(/a bare number is rejected where a unit is expected/);
  });
  it.each([
    ['1_000_000 USD', 1_000_000],
    ['0.5 $', 0.5],
  ])('reads %j', (input, value) => {
    expect(parseWrittenUsd(input)).toBe(value);
  });
});

it('groupDigits groups the whole part by threes', () => {
  expect([1, 1000, 1234567.25, 100].map(groupDigits)).toEqual(['1', '1_000', '1_234_567.25', '100']);
});
