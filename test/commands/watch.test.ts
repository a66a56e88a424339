/**
 * `run` on a real terminal (a pseudo-terminal driven by test/helpers/ptyuntil.py): at 80 columns the
 * compact layout unless --wide. `run --watch` there: the header
 * line with the last run's time, verdict and countdown is rewritten in place while idle, the table is
 * drawn once per run, and Ctrl-C typed while idle ends the process with the last verdict's exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { devnetEnvironment } from '../../src/devnet/venue.js';
import { ROOT } from '../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario } from '../helpers/venue.js';

let venue: TestVenue;
let dir: string;

beforeAll(async () => {
  venue = await sharedTestVenue();
  // A HOLD (exit 1): an exit code a watch that forgot its last verdict (0) or was killed (130) cannot fake.
  await applyScenario(venue, 'drained-fund');
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-watch-'));
});

const ESC = '\u001b';
/** The terminal's output with ESC shown as <ESC>, so patterns can name it. */
const shown = (output: string) => output.replaceAll(ESC, '<ESC>');
const COUNTDOWN = 'next run in (\\d+m \\d+s|\\d+s)';

interface Outcome {
  exitCode: number | null;
  signal: string | null;
  killed: boolean;
  typed: boolean;
  output: string;
}

/**
 * `l2preflight ARGS` on a terminal of `size` (ROWSxCOLS), without colour; Ctrl-C once `pattern` has
 * matched `distinct` different texts (a pattern that never matches: the process ends on its own).
 */
function onTerminal(
  args: string[],
  size: string,
  pattern: string,
  distinct: number,
  env: Record<string, string> = {},
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      ...devnetEnvironment(venue),
      TERM: 'xterm',
      NO_COLOR: '1',
      PTYRUN_SIZE: size,
      ...env,
    };
    if (!env.CI) delete environment.CI;
    const child = spawn(
      'python3',
      [
        join(ROOT, 'test/helpers/ptyuntil.py'),
        pattern,
        String(distinct),
        '60000',
        process.execPath,
        'bin/l2preflight.js',
        ...args,
      ],
      { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', () => resolve(JSON.parse(stdout) as Outcome));
  });
}

const QUICK = ['--only', 'head-fresh,insurance-fund'];

/** `run --watch 1h`; Ctrl-C once three countdown values were shown. */
function watchOnTerminal(size: string, state: string): Promise<Outcome> {
  return onTerminal(
    ['run', 'checks/devnet.yaml', ...QUICK, '--state', state, '--watch', '1h'],
    size,
    COUNTDOWN,
    3,
  );
}

describe('run on an 80-column terminal, without colour', () => {
  // CI=true: no spinner on the terminal's stderr, only the report.
  const once = (extra: string[]) =>
    onTerminal(
      ['run', 'checks/devnet.yaml', '--state', join(dir, `once-${extra.length}`), ...extra],
      '40x80',
      'never (matches)',
      1,
      {
        CI: 'true',
      },
    );

  it('takes the compact layout, a line per check, marks telling FAIL from WARN', async () => {
    const r = await once([]);
    expect(r.killed).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.output).not.toContain('┌');
    expect(r.output).not.toContain(ESC);
    const lines = r.output.split('\r\n');
    expect(lines.filter((l) => /^[✓!✗?-] (PASS|WARN|FAIL|ERROR|SKIP) /u.test(l))).toHaveLength(16);
    expect(lines.findIndex((l) => l.startsWith('✗ FAIL  insurance-fund'))).toBeLessThan(
      lines.findIndex((l) => l.startsWith('! WARN  drill-sla')),
    );
    expect(Math.max(...lines.map((l) => Array.from(l).length))).toBeLessThanOrEqual(80);
  }, 90_000);

  it('draws the full table with --wide', async () => {
    const r = await once(['--wide']);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain('│ CHECK       │ STATUS │');
    expect(r.output).toContain('│ eth-usd     │ PASS   │');
    expect(r.output).toContain('\r\n✗ insurance-fund: ');
    expect(r.output).toContain('\r\n! drill-sla: ');
  }, 90_000);
});

describe('run --watch on a terminal', () => {
  it('keeps a header with the time, verdict and a countdown updated in place; Ctrl-C exits with the HOLD', async () => {
    const r = await watchOnTerminal('40x80', join(dir, 'tall'));
    expect(r.killed).toBe(false);
    expect(r.typed).toBe(true);
    expect(r.exitCode).toBe(1);
    // One full draw (the run), then only the header line rewritten at the top, cursor put back.
    expect(r.output.split(`${ESC}[2J`)).toHaveLength(2);
    expect(shown(r.output)).toMatch(
      /^<ESC>\[2J<ESC>\[Hlast run \d\d:\d\d:\d\d \(\S+\) · HOLD · next run in 1h · Ctrl-C stops\r\n/,
    );
    const updates = shown(r.output).match(
      /<ESC>7<ESC>\[H<ESC>\[2Klast run [^<]* · HOLD · next run in (\d+m \d+s)[^<]*<ESC>8/g,
    );
    expect(updates?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(new Set(updates).size).toBe(updates?.length);
    // The compact layout fits 80 columns: the table is there once, problems first.
    expect(r.output).toContain('✗ FAIL  insurance-fund');
    expect(r.output.match(/VERDICT: HOLD/g)).toHaveLength(1);
  }, 90_000);

  it('puts the header under the table when the table is taller than the terminal', async () => {
    const r = await watchOnTerminal('8x80', join(dir, 'short'));
    expect(r.typed).toBe(true);
    expect(r.exitCode).toBe(1);
    expect(shown(r.output)).toMatch(
      /VERDICT: HOLD[^\n]*\r\nlast run \d\d:\d\d:\d\d \(\S+\) · HOLD · next run in 1h/,
    );
    expect(shown(r.output)).toMatch(/\r<ESC>\[2Klast run [^\r]* · HOLD · next run in 59m/);
    expect(r.output).not.toContain(`${ESC}7`);
    expect(r.output.split(`${ESC}[2J`)).toHaveLength(2);
  }, 90_000);
});
