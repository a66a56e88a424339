/** The line `run --watch` keeps on a terminal: when the last run was, its verdict, when the next one is. */
import { stripVTControlCharacters } from 'node:util';
import { Chalk } from 'chalk';
import type { RunResult } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import { paintVerdict } from './tableText.js';

/** HH:MM:SS in this machine's time zone: the clock on the wall of the person watching. */
function clock(iso: string): string {
  const at = new Date(iso);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * `next` is the time to the next run, or 'running' while it runs. Whole seconds, rounded up: the
 * countdown reads 1s, not 0ms, in the second before the run.
 */
export function watchHeader(
  run: RunResult,
  next: number | 'running',
  options: { color: boolean; width?: number },
): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const when =
    next === 'running'
      ? 'running now'
      : `next run in ${formatDuration(Math.max(1, Math.ceil(next / 1000)) * 1000)}`;
  const header = `last run ${clock(run.startedAt)} (${formatDuration(run.durationMs)}) · ${paintVerdict(chalk, run, run.verdict)} · ${when}`;
  // A header that wrapped would no longer be one line to rewrite: the hint goes first on a narrow terminal.
  const hint = ' · Ctrl-C stops';
  const fits = Array.from(stripVTControlCharacters(header + hint)).length <= (options.width ?? 120);
  return fits ? header + hint : header;
}
