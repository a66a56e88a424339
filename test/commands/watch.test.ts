/**
 * `run --watch` on a real terminal (a pseudo-terminal driven by test/helpers/ptyuntil.py): the header
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

/** `run --watch 1h` on a terminal of `size` (ROWSxCOLS); Ctrl-C once three countdown values were shown. */
function watchOnTerminal(size: string, state: string): Promise<Outcome> {
  const args = ['run', 'checks/devnet.yaml', '--only', 'head-fresh,insurance-fund', '--state', state];
  return new Promise((resolve, reject) => {
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      ...devnetEnvironment(venue),
      TERM: 'xterm',
      NO_COLOR: '1',
      PTYRUN_SIZE: size,
    };
    delete environment.CI;
    const child = spawn(
      'python3',
      [
        join(ROOT, 'test/helpers/ptyuntil.py'),
        COUNTDOWN,
        '3',
        '60000',
        process.execPath,
        'bin/l2preflight.js',
        ...args,
        '--watch',
        '1h',
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
