import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { checkHistory } from '../../src/state/checkHistory.js';
import { stateWarning } from '../../src/state/problems.js';
import { recordProblem } from '../../src/state/runs.js';
import { StateStore, stateText } from '../../src/state/store.js';

let dir: string;
let store: StateStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2p-store-'));
  store = new StateStore(dir);
});

const list = (data: unknown) => (Array.isArray(data) ? (data as number[]) : 'not a list');
const lockOf = (pid: number) =>
  `${JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), token: 'x' })}\n`;

describe('StateStore.update', () => {
  it('keeps every value of 20 updates racing on one key', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update(['k'], list, (current) => [...(current.kind === 'ok' ? current.value : []), i]),
      ),
    );
    const stored = JSON.parse(await readFile(store.fileFor(['k']), 'utf8')) as number[];
    expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('takes over the lock of a process that died (SIGKILL) and writes', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(store.lockFileFor(['k']), lockOf(gone));
    const outcome = await store.update(['k'], list, () => [1], 200);
    expect(outcome.kind).toBe('written');
    expect(JSON.parse(await readFile(store.fileFor(['k']), 'utf8'))).toEqual([1]);
  });

  it('waits a bounded time for a live holder, then says who holds it and writes nothing', async () => {
    await writeFile(store.lockFileFor(['k']), lockOf(process.ppid));
    const outcome = await store.update(['k'], list, () => [1], 300);
    expect(outcome).toMatchObject({ kind: 'busy', holder: { pid: process.ppid } });
    await expect(readFile(store.fileFor(['k']), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('is a StateError naming the path when a file stands where the directory belongs', async () => {
    await writeFile(join(dir, 'c'), '');
    const failure = store.update(['c', 'runs'], list, () => [1], 200);
    await expect(failure).rejects.toBeInstanceOf(StateError);
    // mkdir says EEXIST here, open says ENOTDIR: either way the message names the path and the file in the way
    await expect(failure).rejects.toThrow(
      /cannot take the lock .*runs\.json\.lock: (a part of the path is a file|a file is in the way)/,
    );
  });
});

describe('StateStore.update with what a peek read (ReadBasis)', () => {
  const key = ['venue', 'runs'];
  const seenBy = async (basis: Awaited<ReturnType<typeof peekWithBasis>>) => {
    let seen: unknown;
    await store.update(
      key,
      (data) => {
        seen = data;
        return list(data);
      },
      () => undefined,
      undefined,
      basis,
    );
    return seen;
  };
  const peekWithBasis = async () => {
    const read = await store.peek(key, list, { keepBasis: true });
    if (read.kind !== 'ok' || !read.basis) throw new Error(`read is ${read.kind}`);
    return read.basis;
  };

  it('uses the data the peek parsed when the file still holds the same text', async () => {
    await store.write(key, [1, 2]);
    const basis = await peekWithBasis();
    expect(await seenBy(basis)).toBe(basis.data);
  });

  it('parses the file again when its text changed since the peek', async () => {
    await store.write(key, [1, 2]);
    const basis = await peekWithBasis();
    await store.write(key, [1, 2, 3]);
    const seen = await seenBy(basis);
    expect(seen).not.toBe(basis.data);
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('StateStore.read', () => {
  it('is a StateError (not a crash, not "missing") when the file is a directory', async () => {
    await mkdir(store.fileFor(['k']), { recursive: true });
    await expect(store.read(['k'], list)).rejects.toThrow(/cannot read .*k\.json: it is a directory/);
  });
});

describe('checkHistory', () => {
  it('turns an unreadable record into "unreadable" and a failed write into a problem, never a throw', async () => {
    await writeFile(join(dir, 'c'), '');
    const history = checkHistory(store, ['c', 'checks', 'probe']);
    expect(await history.read(list)).toMatchObject({ kind: 'unreadable' });
    await history.write([1]);
    await history.update(list, () => [1]);
    expect(store.problems.map((p) => p.action)).toEqual(['read', 'write', 'write']);
    const warning = stateWarning(dir, store.problems);
    expect(warning).toContain(`state directory ${dir} cannot be used: cannot read`);
    expect(warning).toContain('(and 2 more like it)');
    expect(warning).toContain('say in their result what they could not compare');
  });
});

describe('recordProblem', () => {
  const good = {
    startedAt: '2026-11-27T10:00:00.000Z',
    durationMs: 12,
    verdict: 'ROUTE',
    summary: { pass: 1, warn: 0, fail: 0, error: 0, skip: 0 },
    statuses: { head: 'pass' },
  };
  it.each([
    ['a sound record', good, undefined],
    ['null', null, 'not an object'],
    ['an array', [], 'not an object'],
    ['no summary', { ...good, summary: undefined }, 'no summary'],
    [
      'a summary count that is text',
      { ...good, summary: { ...good.summary, fail: '0' } },
      'summary.fail is not a count',
    ],
    ['a negative count', { ...good, summary: { ...good.summary, warn: -1 } }, 'summary.warn is not a count'],
    ['no startedAt', { ...good, startedAt: undefined }, 'no valid startedAt'],
    ['a startedAt that is no date', { ...good, startedAt: 'yesterday' }, 'no valid startedAt'],
    ['an unknown verdict', { ...good, verdict: 'GO' }, 'no valid verdict'],
    ['statuses null', { ...good, statuses: null }, 'no statuses'],
    ['an unknown status', { ...good, statuses: { head: 'ok' } }, 'status of head is not one of'],
    ['durationMs text', { ...good, durationMs: '12' }, 'durationMs is not a count'],
    ['no durationMs (optional)', { ...good, durationMs: undefined }, undefined],
  ])('%s', (_name, record, problem) => {
    const found = recordProblem(record);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('stateText', () => {
  it.each([
    ['a run history', { version: 1, checklist: 'venue', runs: [{ a: 1, b: [1, { c: 'x' }] }, { a: 2 }] }],
    ['empty lists and objects', { runs: [], nested: {}, list: [[]] }],
    ['values JSON leaves out or writes as null', { gone: undefined, list: [undefined, 1, null], n: null }],
    ['text that needs escaping', { 'key "q"': 'line\nnext\u2028', list: ['\\', '"'] }],
    ['a list at the top', [1, { a: 2 }]],
    ['a bare value', 'text'],
    // biome-ignore lint/suspicious/noSparseArray: a hole, which JSON writes as null
    ['a list with a hole', { list: [1, , 3] }],
    ['no fields', {}],
  ])('writes %s as JSON that reads back as JSON.stringify would', (_name, value) => {
    expect(JSON.parse(stateText(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(stateText(value).endsWith('\n')).toBe(true);
  });

  it('puts each record of a top-level list on a line of its own', () => {
    const runs = [
      { verdict: 'ROUTE', statuses: { a: 'pass', b: 'pass' } },
      { verdict: 'HOLD', statuses: { a: 'fail' } },
    ];
    const lines = stateText({ version: 1, runs }).split('\n');
    expect(lines).toEqual([
      '{',
      '  "version": 1,',
      '  "runs": [',
      `    ${JSON.stringify(runs[0])},`,
      `    ${JSON.stringify(runs[1])}`,
      '  ]',
      '}',
      '',
    ]);
  });
});
