/**
 * `run --watch 60s`: re-runs the checklist on an interval. On a terminal it redraws the table; in a
 * log it prints one line per status change. SIGINT/SIGTERM between runs stop it with the last run's
 * exit code (what the desk last saw); during a run they stop it at once — the run's requests are
 * cancelled, nothing of it is recorded — and exit 130 (143 for SIGTERM), as a single run would.
 */

import type { RunResult } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import { exitCodeOf } from '../engine/status.js';
import { render } from '../report/index.js';
import type { RunRecord } from '../state/runs.js';
import type { Session } from './run.js';

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

export async function watch(
  session: Session,
  intervalMs: number,
  runOnce: RunOnce,
  signal: AbortSignal,
): Promise<number> {
  const { options, settings } = session;
  let exitCode = 0;
  while (!signal.aborted) {
    // Throws InterruptedError when a signal stops this run: the CLI exits 130/143.
    const { run, previous } = await runOnce(session, signal);
    exitCode = exitCodeOf(run.results, settings.failOn);
    if (settings.format === 'table') {
      if (options.stdoutIsTty) {
        // Clear the screen and redraw: the terminal shows the latest state, not a scroll of them.
        options.write(
          `\u001b[2J\u001b[H${await render('table', run, { color: options.stdoutColor, width: options.width })}`,
        );
        options.write(`next run in ${formatDuration(intervalMs)} · Ctrl-C stops\n`);
      } else {
        for (const line of changeLines(run, previous)) options.write(`${line}\n`);
      }
    }
    await idle(intervalMs, signal);
  }
  return exitCode;
}

/** Waits `ms`, or less when `signal` aborts. */
function idle(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
