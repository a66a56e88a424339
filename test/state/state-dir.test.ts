/**
 * The state directory under concurrency and misuse, through the real binary: runs sharing --state keep
 * every record (theirs and their checks'), and a directory that cannot be used never crashes a run —
 * the report comes out, one warning names the directory and the cause, the exit code is the verdict's.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import { cli } from '../helpers/cli.js';

let node: AnvilNode;
let dir: string;
let checklist: string;
let states = 0;
const fresh = () => join(dir, `state-${++states}`);

// Read-only checks on a bare anvil: the head's age, the sequencer.outages series (one head-age sample
// per run, kept across runs in <state>/venue/checks/outages.json), and reorg.probe, whose 3 s wait
// between its reads keeps concurrent runs overlapping however slowly each process starts.
const YAML = (rpc: string) => `version: 1
name: state test venue
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["${rpc}"]
checks:
  - id: head
    type: sequencer.head-age
    max: 1d
  - id: outages
    type: sequencer.outages
    lookback: 1h
    maxOutage: 1d
  - id: probe
    type: reorg.probe
    depth: 2
    wait: 3s
`;

beforeAll(async () => {
  node = await startAnvil({ port: await freePort(), chainId: 901 });
  dir = await mkdtemp(join(tmpdir(), 'l2p-state-'));
  checklist = join(dir, 'venue.yaml');
  await writeFile(checklist, YAML(node.url));
});
afterAll(async () => {
  await node?.stop();
  // a chmod 0555 tree left behind would make the temp dir undeletable for a non-root user
  await chmodTree(dir, 0o755).catch(() => {});
});

const run = (state: string, ...extra: string[]) =>
  cli(['run', checklist, '--state', state, '--format', 'json', ...extra]);
const runsIn = async (state: string) =>
  JSON.parse(await readFile(join(state, 'venue', 'runs.json'), 'utf8')).runs as { startedAt: string }[];
const samplesIn = async (state: string) =>
  JSON.parse(await readFile(join(state, 'venue', 'checks', 'outages.json'), 'utf8')).samples as unknown[];

async function chmodTree(path: string, mode: number): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  if (!(await stat(path)).isDirectory()) return;
  await chmod(path, mode);
  for (const entry of await readdir(path)) await chmodTree(join(path, entry), mode);
}

describe('runs sharing --state', () => {
  it.each([2, 4])(
    '%i concurrent runs keep every run record and every check sample',
    async (count) => {
      const state = fresh();
      expect((await run(state)).code).toBe(0); // one before: the concurrent ones all append to it
      const results = await Promise.all(Array.from({ length: count }, () => run(state)));
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).not.toContain('warning');
      }
      const startedAt = results.map((r) => JSON.parse(r.stdout).startedAt as string);
      const runs = await runsIn(state);
      expect(runs).toHaveLength(count + 1);
      expect(runs.map((r) => r.startedAt)).toEqual(expect.arrayContaining(startedAt));
      expect(await samplesIn(state)).toHaveLength(count + 1);
    },
    120_000,
  );
});

/**
 * A directory this process can read but not write. chmod 0555 does not stop root (CI containers often
 * run as root): then sysfs, where even root cannot create files, stands in; else the test is skipped.
 */
async function readOnlyState(): Promise<{ state: string; how: string } | undefined> {
  const state = fresh();
  expect((await run(state)).code).toBe(0); // a history to read back
  await chmodTree(state, 0o555);
  try {
    await writeFile(join(state, 'venue', 'probe'), '');
    await rm(join(state, 'venue', 'probe'));
  } catch {
    return { state, how: 'chmod 0555' };
  }
  const sys = '/sys/l2preflight-test-state';
  try {
    await mkdir(sys);
    await rm(sys, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES' || code === 'EROFS') return { state: sys, how: 'sysfs' };
  }
  return undefined;
}

describe('a state directory that cannot be used', () => {
  it('read-only: reports, warns once naming the directory and the cause, exits with the verdict', async (context) => {
    const readOnly = await readOnlyState();
    if (!readOnly) {
      context.skip('running as root with no read-only file system at hand: chmod 0555 cannot stop writes');
      return;
    }
    const result = await run(readOnly.state);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code, result.stderr).toBe(0); // ROUTE, as the report says
    expect(JSON.parse(result.stdout).verdict).toBe('ROUTE');
    const warnings = result.stderr.match(/^warning: .*/gm) ?? [];
    expect(warnings, result.stderr).toHaveLength(1);
    expect(warnings[0]).toContain(`state directory ${readOnly.state} cannot be used`);
    expect(warnings[0]).toMatch(/permission denied|operation not permitted|read-only file system/);
    if (readOnly.how === 'chmod 0555') expect(await runsIn(readOnly.state)).toHaveLength(1); // untouched
  }, 60_000);

  it('runs.json that is a directory: reports, warns once, never a stack trace', async () => {
    const state = fresh();
    await mkdir(join(state, 'venue', 'runs.json'), { recursive: true });
    const result = await run(state);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).verdict).toBe('ROUTE');
    expect(result.stderr.match(/^warning: .*/gm)).toHaveLength(1);
    expect(result.stderr).toContain(`${join(state, 'venue', 'runs.json')}: it is a directory`);
    expect((await stat(join(state, 'venue', 'runs.json'))).isDirectory()).toBe(true); // left as it was

    const history = await cli(['history', checklist, '--state', state]);
    expect(history.code).toBe(2);
    expect(history.stderr).toMatch(/^error: cannot read .*runs\.json: it is a directory/);
    expect(history.stderr).not.toContain('internal error');
  }, 60_000);

  it("the checklist's directory in the state dir is a file (<state>/devnet for checks/devnet.yaml)", async () => {
    const state = fresh();
    await mkdir(state, { recursive: true });
    await writeFile(join(state, 'venue'), 'not a directory\n');
    const result = await run(state);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    // outages keeps a series in the state dir: it says it could not read it, never a quiet pass
    const outages = report.results.find((r: { id: string }) => r.id === 'outages');
    expect(outages.status).toBe('warn');
    expect(outages.message).toContain('could not be read');
    expect(result.stderr.match(/^warning: .*/gm)).toHaveLength(1);
    expect(result.stderr).toContain('a part of the path is a file, not a directory');

    const history = await cli(['history', checklist, '--state', state]);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('a part of the path is a file');
  }, 60_000);

  it('history on a record without summary (or with other gaps) skips it with a note, never crashes', async () => {
    const state = fresh();
    await mkdir(join(state, 'venue'), { recursive: true });
    const good = {
      startedAt: '2026-11-27T10:00:00.000Z',
      durationMs: 12,
      verdict: 'HOLD',
      summary: { pass: 1, warn: 0, fail: 1, error: 0, skip: 0 },
      statuses: { head: 'pass', outages: 'fail' },
    };
    const runs = [
      { startedAt: '2026-11-27T09:00:00.000Z', verdict: 'ROUTE', statuses: { head: 'pass' } },
      good,
      { ...good, summary: { pass: 'x' } },
      null,
    ];
    await writeFile(
      join(state, 'venue', 'runs.json'),
      JSON.stringify({ version: 1, checklist: 'venue', runs }),
    );
    const history = await cli(['history', checklist, '--state', state]);
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('last 1 of 1 runs');
    expect(history.stdout).toContain('outages (fail)');
    expect(history.stdout).toContain('3 of 4 run records are malformed and left out (record 1: no summary)');

    // a run moves the records it cannot read to a file of their own (kept, said once), and appends its own
    const next = await run(state);
    expect(next.code).toBe(0);
    const moved = next.stderr.match(/3 malformed record\(s\) left out, moved to (\S+)/)?.[1];
    expect(moved, next.stderr).toBeDefined();
    expect(JSON.parse(await readFile(moved as string, 'utf8')).runs).toEqual([runs[0], runs[2], runs[3]]);
    const stored = await runsIn(state);
    expect(stored).toHaveLength(2);
    expect(stored[0]).toEqual(good);
    const again = await run(state);
    expect(again.stderr).not.toContain('malformed');
    expect(await runsIn(state)).toHaveLength(3);
  }, 60_000);
});

describe('reports to a path that cannot be written', () => {
  it('still prints the report, says which file and why, exits 2', async () => {
    const state = fresh();
    const blocked = join(dir, 'blocked');
    await writeFile(blocked, 'a file where the report directory should be\n');
    const result = await run(state, '--output', join(blocked, 'report.json'), '--report', `junit=${dir}`);
    expect(result.stderr).not.toContain('internal error');
    expect(JSON.parse(result.stdout).verdict).toBe('ROUTE');
    expect(result.stderr).toContain(`could not write the json report to ${join(blocked, 'report.json')}`);
    expect(result.stderr).toContain(`could not write the junit report to ${dir}: it is a directory`);
    expect(result.code).toBe(2);
    expect(await runsIn(state)).toHaveLength(1); // the run is remembered all the same
  }, 60_000);
});
