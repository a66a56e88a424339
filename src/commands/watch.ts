/**
 * `run --watch 60s`: re-runs the checklist on an interval. On a terminal it redraws the table; in a
 * log it prints one line per status change. SIGINT/SIGTERM stop it cleanly: the run in progress is
 * allowed to finish (and write its history) before the process exits; a second signal exits at once.
 */
import { formatDuration } from '../checklist/units.js';
import type { RunResult } from '../engine/result.js';
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

export async function watch(session: Session, intervalMs: number, runOnce: RunOnce): Promise<number> {
  const { options, settings } = session;
  let stopping = false;
  let wake: () => void = () => {};
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
    options.warn?.('stopping after the run in progress (signal again to exit now)');
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let exitCode = 0;
  try {
    while (!stopping) {
      const { run, previous } = await runOnce(session);
      exitCode = exitCodeOf(run.results, settings.failOn);
      if (settings.format === 'table') {
        if (options.stdoutIsTty) {
          // Clear the screen and redraw: the terminal shows the latest state, not a scroll of them.
          options.write(
            `\u001b[2J\u001b[H${render('table', run, { color: options.stdoutColor, width: options.width })}`,
          );
          options.write(`next run in ${formatDuration(intervalMs)} · Ctrl-C stops\n`);
        } else {
          for (const line of changeLines(run, previous)) options.write(`${line}\n`);
        }
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}
