/**
 * `run --watch 60s`: re-runs the checklist on an interval. On a terminal it redraws the table after each
 * run under a header line (last run's time, verdict, countdown to the next run) that is rewritten in
 * place each second, never the whole screen; in a log it prints one line per status change.
 * SIGINT/SIGTERM between runs stop it with the last run's exit code (what the desk last saw); during a
 * run they stop it at once — the run's requests are cancelled, nothing of it is recorded — and exit 130
 * (143 for SIGTERM), as a single run would.
 */
import { stripVTControlCharacters } from 'node:util';
import type { RunResult } from '../core/result.js';
import { exitCodeOf } from '../engine/status.js';
import { render } from '../report/index.js';
import { watchHeader } from '../report/watchHeader.js';
import type { RunRecord } from '../state/runs.js';
import { type RunCommandOptions, type Session, screenOptions } from './run.js';

type RunOnce = (session: Session, signal?: AbortSignal) => Promise<{ run: RunResult; previous?: RunRecord }>;

/** Lines for what changed since the previous run (every check on the first run). */
export function changeLines(run: RunResult, previous: RunRecord | undefined): string[] {
  const lines: string[] = [];
  if (previous?.verdict !== run.verdict) {
    lines.push(`${run.startedAt} verdict ${previous ? `${previous.verdict} → ` : ''}${run.verdict}`);
  }
  for (const result of run.results) {
    const before = previous?.statuses[result.id];
    if (before === result.status) continue;
    lines.push(
      `${run.startedAt} ${result.id} ${before ? `${before} → ` : ''}${result.status}: ${result.message}`,
    );
  }
  return lines;
}

const ESC = '\u001b';
const CLEAR_SCREEN = `${ESC}[2J${ESC}[H`;
const CLEAR_LINE = `${ESC}[2K`;
// DECSC/DECRC: go to the top line and come back to where the table ended.
const SAVE_CURSOR = `${ESC}7`;
const RESTORE_CURSOR = `${ESC}8`;

/** Terminal rows `text` takes at `width` columns, long lines wrapping. */
export function rowsOf(text: string, width: number): number {
  return text
    .split('\n')
    .reduce(
      (rows, line) =>
        rows + Math.max(1, Math.ceil(Array.from(stripVTControlCharacters(line)).length / width)),
      0,
    );
}

/**
 * The header line on a terminal. It sits at the top while the screen holds header and table; when the
 * table is taller than the terminal the top has scrolled away, so it sits below the table instead,
 * where the cursor is. Either way a tick rewrites that one line.
 */
class Screen {
  private run: RunResult | undefined;
  private atTop = false;

  constructor(private readonly options: RunCommandOptions) {}

  async draw(run: RunResult, nextInMs: number): Promise<void> {
    this.run = run;
    const { options } = this;
    const table = await render('table', run, screenOptions(options));
    const header = watchHeader(run, nextInMs, { color: options.stdoutColor, width: options.width });
    const width = options.width ?? 120;
    this.atTop = options.height !== undefined && rowsOf(`${header}\n${table}`, width) < options.height;
    options.write(this.atTop ? `${CLEAR_SCREEN}${header}\n${table}` : `${CLEAR_SCREEN}${table}${header}`);
  }

  update(next: number | 'running'): void {
    if (!this.run) return;
    const header = watchHeader(this.run, next, {
      color: this.options.stdoutColor,
      width: this.options.width,
    });
    this.options.write(
      this.atTop
        ? `${SAVE_CURSOR}${ESC}[H${CLEAR_LINE}${header}${RESTORE_CURSOR}`
        : `\r${CLEAR_LINE}${header}`,
    );
  }

  /** Leaves the shell's prompt on a line of its own. */
  close(): void {
    if (this.run && !this.atTop) this.options.write('\n');
  }
}

export async function watch(
  session: Session,
  intervalMs: number,
  runOnce: RunOnce,
  signal: AbortSignal,
): Promise<number> {
  const { options, settings } = session;
  const screen = settings.format === 'table' && options.stdoutIsTty ? new Screen(options) : undefined;
  let exitCode = 0;
  try {
    while (!signal.aborted) {
      screen?.update('running');
      // Throws InterruptedError when a signal stops this run: the CLI exits 130/143.
      const { run, previous } = await runOnce(session, signal);
      exitCode = exitCodeOf(run.results, settings.failOn);
      const nextAt = Date.now() + intervalMs;
      if (screen) await screen.draw(run, intervalMs);
      else if (settings.format === 'table')
        for (const line of changeLines(run, previous)) options.write(`${line}\n`);
      await idle(intervalMs, signal, screen && (() => screen.update(nextAt - Date.now())));
    }
  } finally {
    screen?.close();
  }
  return exitCode;
}

/** Waits `ms`, or less when `signal` aborts, calling `tick` each second meanwhile. */
function idle(ms: number, signal: AbortSignal, tick?: () => void): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const ticker = tick ? setInterval(tick, 1000) : undefined;
    signal.addEventListener('abort', done, { once: true });
  });
}
