/**
 * `npm run bench` is not part of `npm test` (it takes minutes), but a benchmark that nobody runs rots:
 * this runs it once on a small subset, without delay, so its flags, the devnet setup, the proxy's counts
 * and the JSON stay working. It asserts what the bench measured, never how fast anything was.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const run = promisify(execFile);
const BENCH = join(ROOT, 'scripts', 'bench', 'index.mjs');

interface Scenario {
  median: number;
  min: number;
  max: number;
  requests?: number;
  calls?: number;
  exitCodes: number[];
}
interface BenchJson {
  machine: { node: string; cpus: number; cpuModel: string };
  scenarios: Record<string, Scenario>;
  targets: { scenario: string; goal: string; measured: string; met: boolean }[];
  watch: { iterations: number; rssSamplesBytes: number[]; rss: { growthBytes: number } };
}

describe('npm run bench', () => {
  let dir: string;
  let stdout: string;
  let results: BenchJson;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'l2preflight-bench-test-'));
    const json = join(dir, 'bench.json');
    ({ stdout } = await run(
      process.execPath,
      [
        BENCH,
        '--runs',
        '1',
        '--delay-ms',
        '0',
        '--watch-iterations',
        '3',
        '--watch-interval',
        '100ms',
        '--only',
        'node-start,help,validate,run-7,watch',
        '--json',
        json,
      ],
      { cwd: ROOT, timeout: 120_000 },
    ));
    results = JSON.parse(await readFile(json, 'utf8')) as BenchJson;
  }, 150_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('times each chosen scenario as a process that exited 0, and says the machine', () => {
    expect(Object.keys(results.scenarios)).toEqual(['node-start', 'help', 'validate', 'run-7', 'watch']);
    for (const name of ['node-start', 'help', 'validate', 'run-7']) {
      const scenario = results.scenarios[name];
      expect(scenario?.exitCodes, name).toEqual([0]);
      expect(scenario?.median, name).toBeGreaterThan(0);
    }
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
  });

  it('counts the requests that went through the proxy: none for validate, batched calls for run', () => {
    expect(results.scenarios.validate?.requests).toBe(0);
    const run7 = results.scenarios['run-7'];
    expect(run7?.requests).toBeGreaterThan(0);
    // The 100-block cadence alone reads 100 blocks: more calls than requests means they were batched.
    expect(run7?.calls).toBeGreaterThan(100);
    expect(run7?.calls).toBeGreaterThan(run7?.requests ?? Number.POSITIVE_INFINITY);
  });

  it('samples the RSS of run --watch after every iteration and judges the growth', () => {
    expect(results.watch.iterations).toBe(3);
    expect(results.watch.rssSamplesBytes).toHaveLength(3);
    for (const bytes of results.watch.rssSamplesBytes) expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(results.targets.map((t) => t.scenario)).toEqual(['help', 'validate', 'run-7', 'watch']);
  });

  it('prints the same scenarios and targets as one table', () => {
    for (const row of [
      'node -e 0',
      'l2preflight --help',
      'validate (7 checks)',
      'run (7 checks)',
      'run --watch',
    ]) {
      expect(stdout).toContain(row);
    }
    expect(stdout).toMatch(/machine: node v\d+/);
    const lines = stdout.split('\n');
    for (const target of results.targets) {
      const verdict = `${target.measured}  ${target.met ? 'met' : 'NOT MET'}`;
      const row = lines.find((line) => line.includes(`  ${target.goal}  `) && line.endsWith(verdict));
      expect(row, `${target.scenario}: ${target.goal} … ${verdict}`).toBeDefined();
    }
  });

  it('explains its flags and refuses an unknown scenario with exit 2', async () => {
    const help = await run(process.execPath, [BENCH, '--help'], { cwd: ROOT });
    for (const flag of ['--runs', '--delay-ms', '--watch-iterations', '--only', '--json']) {
      expect(help.stdout).toContain(flag);
    }
    await expect(run(process.execPath, [BENCH, '--only', 'nope'], { cwd: ROOT })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown scenario nope'),
    });
  });
});
