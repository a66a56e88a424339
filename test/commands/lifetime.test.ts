/**
 * How long the process lives, and how it ends: --deadline ends the process (not just the report), and
 * Ctrl-C / SIGTERM stop a run at once — also while the spinner shows — without recording it. Runs the
 * real binary against an endpoint that accepts connections and never answers, the hardest case: every
 * request would otherwise hang until its own timeout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, hangingEndpoint, ROOT } from '../helpers/cli.js';
import { checklistYaml } from '../helpers/venue.js';

interface Running {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  /** When the first byte of stdout (the report) arrived, from spawn. */
  reportAtMs: () => number | undefined;
  /** Exit code and how long the process lived, from spawn to exit. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; lifetimeMs: number }>;
}

function start(command: string, args: string[], env: Record<string, string | undefined>): Running {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  let reportAtMs: number | undefined;
  child.stdout?.on('data', (chunk) => {
    reportAtMs ??= performance.now() - started;
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lifetimeMs: number }>(
    (resolve) =>
      child.once('exit', (code, signal) =>
        resolve({ code, signal, lifetimeMs: performance.now() - started }),
      ),
  );
  return { child, output: () => output, stdout: () => stdout, reportAtMs: () => reportAtMs, done };
}

/** Without a terminal, as cron or CI runs it. */
const plainEnv = () => ({ ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CI: 'true' });

function runCli(args: string[]): Running {
  return start(process.execPath, ['bin/l2preflight.js', ...args], plainEnv());
}

/** The same, on a pseudo-terminal (util-linux `script`): stderr is a TTY, so the spinner shows. */
function runCliOnTerminal(args: string[]): Running {
  const command = [process.execPath, 'bin/l2preflight.js', ...args].map((a) => `'${a}'`).join(' ');
  const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
  delete env.CI;
  delete env.FORCE_COLOR;
  // A terminal of 0 columns (script's default without one of its own) would send ora's redraw into a
  // loop: give it a size, then exec so Ctrl-C reaches l2preflight itself.
  return start('script', ['-qfec', `stty cols 120 rows 40; exec ${command}`, '/dev/null'], env);
}

/** Resolves with the exit, or with undefined when the process is still alive after `ms` (then kills it). */
async function exitWithin(running: Running, ms: number) {
  const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));
  const result = await Promise.race([running.done, timer]);
  if (!result) running.child.kill('SIGKILL');
  return result;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

let endpoint: Awaited<ReturnType<typeof hangingEndpoint>>;
let dir: string;
let file: string;
let states = 0;
const fresh = () => join(dir, `state-${++states}`);

beforeAll(async () => {
  endpoint = await hangingEndpoint();
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-lifetime-'));
  file = join(dir, 'hang.yaml');
  await writeFile(
    file,
    checklistYaml(
      endpoint.url,
      [
        '  - id: head-fresh\n    type: sequencer.head-age\n    max: 30s\n',
        '  - id: probe\n    type: reorg.probe\n',
        '  - id: safe\n    type: sequencer.safe-lag\n',
      ].join(''),
    ),
  );
});
afterAll(() => endpoint?.close());

describe('--deadline', () => {
  it('ends the process within deadline + 1 s, with a report naming the checks it cut, whatever hangs', async () => {
    // One check at a time, each allowed a minute: only the deadline can end this run in time.
    const running = runCli([
      'run',
      file,
      '--format',
      'json',
      '--deadline',
      '5s',
      '--timeout',
      '60s',
      // and each HTTP request half a minute: the per-request timeout must not end the checks first
      '--rpc-timeout',
      '30s',
      '--concurrency',
      '1',
      '--state',
      fresh(),
      // a webhook that hangs as well: it gets what is left of the deadline, not its own 5 s
      '--notify',
      `${endpoint.url}/hook`,
    ]);
    const exit = await exitWithin(running, 30_000);
    expect(exit, running.output().slice(-600)).toBeDefined();
    expect(exit?.code).toBe(3);
    const report = JSON.parse(running.stdout());
    // Once the report is out the process ends, whatever still hangs.
    expect((exit?.lifetimeMs ?? Infinity) - (running.reportAtMs() ?? 0)).toBeLessThan(1_000);
    // The deadline counts from process start. Only a machine so loaded that starting Node used up the
    // whole deadline (the checks then get 0 ms) may exceed deadline + 1 s: no program can do better.
    if (report.deadlineMs !== 0) expect(exit?.lifetimeMs).toBeLessThan(6_000);
    expect(report.verdict).toBe('NO VERDICT');
    expect(report.verdictReason).toContain('could not measure');
    expect(report.cutByDeadline).toEqual(['head-fresh', 'probe', 'safe']);
    expect(report.checksRun).toBe(3);
    // counted from process start: the checks got what was left of 5 s
    expect(report.deadlineMs).toBeLessThanOrEqual(5_000);
    expect(running.output()).toContain('failed: no answer before the run deadline (the verdict stands)');
  }, 40_000);
});

describe('Ctrl-C and SIGTERM', () => {
  it('Ctrl-C while the spinner shows stops the run at once: exit 130, "interrupted", no history', async () => {
    const state = fresh();
    const before = endpoint.requests();
    const running = runCliOnTerminal(['run', file, '--timeout', '60s', '--state', state]);
    // The spinner is on the terminal and a request hangs: the run is under way.
    expect(
      await eventually(() => running.output().includes('running 3 checks'), 20_000),
      running.output().slice(-600),
    ).toBe(true);
    expect(await eventually(() => endpoint.requests() > before, 20_000)).toBe(true);
    running.child.stdin?.write('\u0003'); // what the terminal sends for Ctrl-C
    const exit = await exitWithin(running, 10_000);
    expect(exit, running.output().slice(-600)).toBeDefined();
    expect(exit?.code).toBe(130);
    expect(running.output()).toContain('interrupted by SIGINT');
    expect(running.output()).not.toContain('VERDICT');
    expect(await exists(join(state, 'hang', 'runs.json'))).toBe(false);
  }, 40_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s during a run without a terminal exits %i at once',
    async (signal, code) => {
      const before = endpoint.requests();
      const running = runCli(['run', file, '--timeout', '60s', '--state', fresh()]);
      expect(await eventually(() => endpoint.requests() > before, 20_000)).toBe(true);
      const sent = performance.now();
      running.child.kill(signal);
      const exit = await exitWithin(running, 10_000);
      expect(exit, running.output().slice(-600)).toBeDefined();
      expect(exit?.code).toBe(code);
      expect(performance.now() - sent).toBeLessThan(5_000);
      expect(running.output()).toContain(`interrupted by ${signal}`);
    },
    40_000,
  );
});

describe('--watch and Ctrl-C', () => {
  it('between runs: exits at once with the last verdict’s exit code', async () => {
    const running = runCli(['run', file, '--timeout', '1s', '--watch', '1h', '--state', fresh()]);
    // The first run's lines are printed after it was recorded: the watch is now idle for an hour.
    expect(await eventually(() => /verdict NO VERDICT/.test(running.output()), 30_000)).toBe(true);
    const sent = performance.now();
    running.child.kill('SIGINT');
    const exit = await exitWithin(running, 10_000);
    expect(exit, running.output().slice(-600)).toBeDefined();
    expect(exit?.code).toBe(3); // the last run had no verdict
    expect(performance.now() - sent).toBeLessThan(5_000);
  }, 40_000);

  it('during a run: stops at once, exit 130', async () => {
    const before = endpoint.requests();
    const running = runCli(['run', file, '--timeout', '60s', '--watch', '1h', '--state', fresh()]);
    expect(await eventually(() => endpoint.requests() > before, 20_000)).toBe(true);
    const sent = performance.now();
    running.child.kill('SIGINT');
    const exit = await exitWithin(running, 10_000);
    expect(exit, running.output().slice(-600)).toBeDefined();
    expect(exit?.code).toBe(130);
    expect(performance.now() - sent).toBeLessThan(5_000);
    expect(running.output()).toContain('interrupted by SIGINT');
  }, 40_000);
});
