import { describe, expect, it } from 'vitest';
import { seriesOf, trendLine } from '../../src/commands/history.js';
import { beyondLimit, formatLimit, formatValue, sparkline } from '../../src/report/sparkline.js';
import type { RunRecord } from '../../src/state/runs.js';

describe('sparkline', () => {
  it.each([
    ['rising from lowest to highest', [0, 1, 2, 3, 4, 5, 6, 7], '▁▂▃▄▅▆▇█'],
    ['scaled to its own range, not from 0', [100, 107, 103.5], '▁█▅'],
    ['falling', [30, 20, 10], '█▅▁'],
    ['flat: the middle level, not the lowest', [5, 5, 5], '▄▄▄'],
    ['one value', [42], '▄'],
    ['a gap for a run without a value', [1, undefined, 3], '▁·█'],
    ['gaps only', [undefined, undefined], '··'],
    ['a non-finite value as a gap', [1, Number.NaN, Number.POSITIVE_INFINITY, 2], '▁··█'],
    ['nothing', [], ''],
    ['negative values (an exit window below zero)', [-10, 0, 10], '▁▅█'],
  ])('%s', (_name, values, expected) => {
    expect(sparkline(values)).toBe(expected);
  });

  it('draws one character per value', () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.sin(i));
    expect([...sparkline(values)]).toHaveLength(200);
  });
});

describe('values and limits in their unit', () => {
  it.each([
    [95, 'seconds', '1m 35s'],
    [1.25, 'seconds', '1.3s'],
    [1, 'blocks', '1 block'],
    [3, 'blocks', '3 blocks'],
    [1_500_000, 'usd', '1,500,000 USD'],
    [0.005, 'ratio', '0.50%'],
  ] as const)('%s %s reads %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });
  it('says which side of the limit holds', () => {
    expect(formatLimit({ value: 30, kind: 'max' }, 'seconds')).toBe('<= 30s');
    expect(formatLimit({ value: 1e6, kind: 'min' }, 'usd')).toBe('>= 1,000,000 USD');
  });
  it('puts a value beyond its limit only on the failing side, the limit itself within', () => {
    expect(beyondLimit(31, { value: 30, kind: 'max' })).toBe(true);
    expect(beyondLimit(30, { value: 30, kind: 'max' })).toBe(false);
    expect(beyondLimit(999, { value: 1000, kind: 'min' })).toBe(true);
    expect(beyondLimit(1000, { value: 1000, kind: 'min' })).toBe(false);
  });
});

describe('a check trend over run records', () => {
  const record = (value: number | undefined, extra: Partial<RunRecord> = {}): RunRecord => ({
    startedAt: '2026-11-28T10:00:00.000Z',
    durationMs: 1,
    verdict: 'ROUTE',
    summary: { pass: 1, warn: 0, fail: 0, error: 0, skip: 0 },
    statuses: value === undefined ? {} : { head: 'pass' },
    values:
      value === undefined ? {} : { head: { value, unit: 'seconds', limit: { value: 30, kind: 'max' } } },
    ...extra,
  });
  it('gives the sparkline, the last value and the limit', () => {
    const runs = [record(2), record(40, { partial: true }), record(undefined), record(5)];
    expect(trendLine(seriesOf(runs, 'head'))).toBe('▁█·▂ last 5s, limit <= 30s');
  });
  it('says when the last value lies beyond its limit', () => {
    expect(trendLine(seriesOf([record(2), record(45)], 'head'))).toBe('▁█ last 45s (beyond), limit <= 30s');
  });
  it('has no trend for a check never measured', () => {
    expect(trendLine(seriesOf([record(undefined)], 'head'))).toBeUndefined();
  });
  it('marks partial runs in the series and leaves out what a run did not record', () => {
    expect(seriesOf([record(undefined, { partial: true })], 'head')).toEqual([
      { startedAt: '2026-11-28T10:00:00.000Z', partial: true },
    ]);
  });
});
