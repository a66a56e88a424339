/**
 * `history` after real runs on the devnet: the table with a trend line per measured check, JSON with the
 * records and their values, one check's series with --check, partial runs marked in each.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, devnetEnvironment } from '../../src/devnet/venue.js';
import { SPARK_LEVELS } from '../../src/report/sparkline.js';
import { cli } from '../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario } from '../helpers/venue.js';

let venue: TestVenue;
let state: string;
/** The first (whole) run's JSON report. */
let report: { results: { id: string; value?: number; limit?: { value: number; kind: string } }[] };
const CHECKLIST = 'checks/devnet.yaml';
const history = (...args: string[]) => cli(['history', CHECKLIST, '--state', state, ...args]);

interface Point {
  startedAt: string;
  status?: string;
  value?: number;
  unit?: string;
  limit?: { value: number; kind: 'max' | 'min' };
  partial?: true;
}

beforeAll(async () => {
  venue = await sharedTestVenue();
  const env = devnetEnvironment(venue);
  state = await mkdtemp(join(tmpdir(), 'l2p-history-'));
  const run = (...args: string[]) => cli(['run', CHECKLIST, '--state', state, ...args], env);
  // A whole run, a partial one (--only) on a drained fund, another after it is filled again.
  const whole = await run('--format', 'json');
  expect([0, 1], whole.stdout + whole.stderr).toContain(whole.code);
  report = JSON.parse(whole.stdout);
  await applyScenario(venue, 'drained-fund');
  const drained = await run('--only', 'head-fresh,insurance-fund');
  expect(drained.code, drained.stdout).toBe(1);
  await admin.fillFund(venue.clients);
  const filled = await run('--only', 'head-fresh,insurance-fund,eth-usd');
  expect(filled.code, filled.stdout).toBe(0);
}, 120_000);
afterAll(() => admin.fillFund(venue.clients));

describe('history after three runs', () => {
  it("reports each measured result's limit in the run's JSON, in the value's unit", () => {
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(byId.get('head-fresh')?.limit).toEqual({ value: 30, kind: 'max' });
    expect(byId.get('exit-window')?.limit).toEqual({ value: 7 * 86_400, kind: 'min' });
    for (const result of report.results) {
      if (result.value !== undefined) expect(result.limit, result.id).toBeDefined();
    }
  });

  it('lists the records as JSON, newest last, with values, limits and partial runs marked', async () => {
    const { code, stdout } = await history('--format', 'json');
    expect(code).toBe(0);
    const { checklist, runs } = JSON.parse(stdout);
    expect(checklist).toBe(CHECKLIST);
    expect(runs).toHaveLength(3);
    const started = runs.map((r: { startedAt: string }) => Date.parse(r.startedAt));
    expect(started).toEqual([...started].sort((a, b) => a - b));
    expect(runs.map((r: { partial?: boolean }) => r.partial ?? false)).toEqual([false, true, true]);
    const fund = runs.map((r: { values: Record<string, Point> }) => r.values['insurance-fund']);
    expect(fund[1]).toMatchObject({ unit: 'usd', limit: { kind: 'min' } });
    // Drained: below its floor, and recorded as failing; filled: above it.
    expect(fund[1].value).toBeLessThan(fund[1].limit.value);
    expect(runs[1].statuses['insurance-fund']).toBe('fail');
    expect(fund[2].value).toBeGreaterThanOrEqual(fund[2].limit.value);
    expect(runs[0].values['head-fresh']).toMatchObject({
      unit: 'seconds',
      limit: { value: 30, kind: 'max' },
    });
  });

  it("gives one check's series with --check: status, value, unit, limit and partial per run", async () => {
    const { code, stdout } = await history('--check', 'insurance-fund', '--format', 'json');
    expect(code).toBe(0);
    const { check, series } = JSON.parse(stdout) as { check: string; series: Point[] };
    expect(check).toBe('insurance-fund');
    expect(series.map((p) => p.status)).toEqual(['pass', 'fail', 'pass']);
    expect(series.map((p) => p.partial ?? false)).toEqual([false, true, true]);
    for (const point of series) {
      expect(point).toMatchObject({ unit: 'usd', limit: { kind: 'min' } });
      const beyond = (point.value ?? 0) < (point.limit?.value ?? 0);
      expect(beyond, JSON.stringify(point)).toBe(point.status === 'fail');
    }
    // eth-usd was left out of the drained run: that run has no status and no value for it.
    const ethUsd = JSON.parse((await history('--check', 'eth-usd', '--format', 'json')).stdout).series;
    expect(ethUsd[1]).toEqual({ startedAt: expect.any(String), partial: true });
  });

  it('draws a trend line per measured check in the table, and marks partial runs', async () => {
    const { code, stdout } = await history();
    expect(code).toBe(0);
    expect(stdout).toContain('last 3 of 3 runs, newest first');
    expect(stdout).toContain('(partial)');
    expect(stdout).toContain('partial: the run left checks out with --only/--skip');
    const fundLine = stdout.split('\n').find((line) => /^\s+insurance-fund\s/.test(line)) ?? '';
    // High, low (drained), high: the drained run is the lowest level.
    expect(fundLine).toMatch(
      new RegExp(`[${SPARK_LEVELS}]${SPARK_LEVELS[0]}[${SPARK_LEVELS}] last .* USD, limit >= .* USD`),
    );
    // eth-usd has no value in the drained run: a gap.
    expect(stdout).toMatch(/^\s+eth-usd\s+\S·\S last /m);
  });

  it("shows one check's series as a table with --check", async () => {
    const { code, stdout } = await history('--check', 'insurance-fund');
    expect(code).toBe(0);
    expect(stdout).toContain('insurance-fund over the last 3 runs, newest first');
    expect(stdout).toMatch(/STARTED.*STATUS.*VALUE.*LIMIT/);
    expect(stdout).toMatch(/fail.*USD.*>= .*USD/);
  });

  it('refuses an unknown --check with a did-you-mean, exit 2, no stack trace', async () => {
    const { code, stderr, stdout } = await history('--check', 'insurance-fnd');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no check "insurance-fnd" in the run history of checks/devnet.yaml');
    expect(stderr).toContain('did you mean "insurance-fund"?');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown --format, exit 2', async () => {
    const { code, stderr } = await history('--format', 'xml');
    expect(code).toBe(2);
    expect(stderr).toContain('--format: expected one of table, json, got "xml"');
  });
});
