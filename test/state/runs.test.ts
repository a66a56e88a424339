/** Run records: values and limits kept for trends, partial runs marked, malformed values never fatal. */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendRun, readRunHistory, recordOf, recordProblem } from '../../src/state/runs.js';
import { StateStore } from '../../src/state/store.js';
import { fixtureRun } from '../report/fixtures.js';

const good = {
  startedAt: '2026-11-27T10:00:00.000Z',
  durationMs: 12,
  verdict: 'ROUTE',
  summary: { pass: 1, warn: 0, fail: 0, error: 0, skip: 0 },
  statuses: { head: 'pass' },
};

describe('recordProblem with values', () => {
  it.each([
    ['no values (records before they were kept)', good],
    [
      'sound values',
      { ...good, values: { head: { value: 2, unit: 'seconds', limit: { value: 30, kind: 'max' } } } },
    ],
    ['a value that is text', { ...good, values: { head: { value: 'two', unit: 'seconds' } } }],
    ['values that are not an object', { ...good, values: [1, 2] }],
    ['a partial run', { ...good, partial: true }],
  ])('accepts a record with %s: a bad value is left out on reading, not the record', (_name, record) => {
    expect(recordProblem(record)).toBeUndefined();
  });
});

describe('recordOf', () => {
  const run = fixtureRun({
    results: [
      {
        id: 'head',
        type: 'sequencer.head-age',
        severity: 'critical',
        status: 'pass',
        observed: '2s',
        threshold: '<= 30s',
        message: 'm',
        value: 2,
        unit: 'seconds',
        limit: { value: 30, kind: 'max' },
        tags: [],
        durationMs: 1,
      },
    ],
  });
  it("keeps each measured check's value, unit and limit", () => {
    expect(recordOf(run).values).toEqual({
      head: { value: 2, unit: 'seconds', limit: { value: 30, kind: 'max' } },
    });
  });
  it('marks a partial run, and only a partial run', () => {
    expect(recordOf(run, { partial: true }).partial).toBe(true);
    expect('partial' in recordOf(run)).toBe(false);
    expect('partial' in recordOf(run, { partial: false })).toBe(false);
  });
});

describe('the run history on disk', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = new StateStore(await mkdtemp(join(tmpdir(), 'l2p-runs-')));
  });
  const file = () => store.fileFor(['venue', 'runs']);
  const save = async (runs: unknown[]) => {
    await mkdir(dirname(file()), { recursive: true });
    await writeFile(file(), JSON.stringify({ version: 1, checklist: 'venue', runs }));
  };
  const stored = [
    good,
    {
      ...good,
      startedAt: '2026-11-27T11:00:00.000Z',
      partial: 'yes',
      values: {
        head: { value: 3, unit: 'seconds', limit: { value: 30, kind: 'max' } },
        lag: { value: 'x', unit: 'seconds' },
        fund: { value: 5, unit: 'furlongs' },
        skew: { value: 1, unit: 'blocks', limit: { value: 'ten', kind: 'max' } },
        probe: null,
      },
    },
    { ...good, startedAt: '2026-11-27T12:00:00.000Z', partial: true, values: {} },
  ];

  it('reads records with and without values, leaving out only the malformed values', async () => {
    await save(stored);
    const history = await readRunHistory(store, 'venue');
    if (history.kind !== 'ok') throw new Error(`history is ${history.kind}`);
    expect(history.value.skipped).toEqual([]);
    const [first, second, third] = history.value.runs;
    expect(first?.values).toBeUndefined();
    expect(second?.values).toEqual({
      head: { value: 3, unit: 'seconds', limit: { value: 30, kind: 'max' } },
      skew: { value: 1, unit: 'blocks' },
    });
    expect(second?.partial).toBeUndefined();
    expect(third?.partial).toBe(true);
  });

  it('uses sound values as stored, and rebuilds a record whose values carry anything else', async () => {
    const sound = {
      head: { value: 3, unit: 'seconds', limit: { value: 30, kind: 'max' } },
      fund: { value: 5e6, unit: 'usd' },
    };
    await save([
      { ...good, values: sound },
      { ...good, values: { ...sound, lag: { value: 1, unit: 'seconds', note: 'extra' } } },
      {
        ...good,
        values: { head: { value: 3, unit: 'seconds', limit: { value: 30, kind: 'max', by: 'x' } } },
      },
      { ...good, values: { head: { value: 3, unit: 'seconds', limit: null } } },
    ]);
    const history = await readRunHistory(store, 'venue');
    if (history.kind !== 'ok') throw new Error(`history is ${history.kind}`);
    const [asStored, extraKey, extraLimitKey, nullLimit] = history.value.runs;
    expect(asStored?.values).toEqual(sound);
    expect(extraKey?.values).toEqual({ ...sound, lag: { value: 1, unit: 'seconds' } });
    expect(extraLimitKey?.values).toEqual({
      head: { value: 3, unit: 'seconds', limit: { value: 30, kind: 'max' } },
    });
    expect(nullLimit?.values).toEqual({ head: { value: 3, unit: 'seconds' } });
  });

  it('leaves out a record with one unknown status among many', async () => {
    const statuses = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`c${i}`, 'pass']));
    await save([
      { ...good, statuses },
      { ...good, statuses: { ...statuses, c150: 'passed' } },
    ]);
    const history = await readRunHistory(store, 'venue');
    if (history.kind !== 'ok') throw new Error(`history is ${history.kind}`);
    expect(history.value.runs).toHaveLength(1);
    expect(history.value.skipped).toEqual([
      { index: 2, reason: 'status of c150 is not one of pass, warn, fail, error, skip' },
    ]);
  });

  describe('an append with what the run read at its start (the basis)', () => {
    const readWithBasis = async () => {
      const history = await readRunHistory(store, 'venue', { keepBasis: true });
      if (history.kind !== 'ok' || !history.basis) throw new Error(`history is ${history.kind}`);
      return history;
    };

    it('writes what an append that parses the file again writes', async () => {
      await save(stored);
      const { basis } = await readWithBasis();
      await appendRun(store, 'venue', fixtureRun(), { basis });
      const withBasis = await readFile(file(), 'utf8');
      await save(stored);
      await appendRun(store, 'venue', fixtureRun());
      expect(withBasis).toBe(await readFile(file(), 'utf8'));
    });

    it("keeps another run's record appended since the read: a changed file is parsed again", async () => {
      await save(stored);
      const { basis } = await readWithBasis();
      const other = { ...fixtureRun(), startedAt: '2026-11-27T13:00:00.000Z' };
      await appendRun(store, 'venue', other);
      await appendRun(store, 'venue', { ...fixtureRun(), startedAt: '2026-11-27T14:00:00.000Z' }, { basis });
      const written = JSON.parse(await readFile(file(), 'utf8'));
      expect(written.runs.map((r: { startedAt: string }) => r.startedAt)).toEqual([
        ...stored.map((r) => r.startedAt),
        '2026-11-27T13:00:00.000Z',
        '2026-11-27T14:00:00.000Z',
      ]);
    });

    it('is frozen: a reader that changed a record would fail, never have its change written', async () => {
      await save(stored);
      const history = await readWithBasis();
      const [first] = history.value.runs;
      expect(() => {
        (first?.statuses as Record<string, string>).head = 'fail';
      }).toThrow(TypeError);
      expect(() => {
        (history.value.stored as unknown[]).push(good);
      }).toThrow(TypeError);
    });
  });

  it('appends a partial record and keeps the earlier records as they were stored', async () => {
    await save(stored);
    await appendRun(store, 'venue', fixtureRun(), { marks: { partial: true } });
    const written = JSON.parse(await readFile(file(), 'utf8'));
    expect(written.runs.slice(0, 3)).toEqual(stored);
    expect(written.runs[3]).toMatchObject({ partial: true, verdict: fixtureRun().verdict });
  });
});
