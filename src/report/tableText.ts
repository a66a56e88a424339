/** What both table layouts (wide and compact) say the same way: status marks, verdict, problem details. */
import type { ChalkInstance } from 'chalk';
import type { CheckResult, RunResult, Status } from '../core/result.js';
import { changeOf } from '../engine/status.js';
import { errorAdvice, escalationLines, visible } from './text.js';

/**
 * One mark per status, so WARN and FAIL differ without colour (NO_COLOR, a screen reader, a printout):
 * ✓ pass, ! warn, ✗ fail, ? error (nothing was measured), - skip.
 */
export const STATUS_MARK: Record<Status, string> = {
  pass: '✓',
  warn: '!',
  fail: '✗',
  error: '?',
  skip: '-',
};

export function paint(chalk: ChalkInstance, status: Status, text: string = status.toUpperCase()): string {
  switch (status) {
    case 'pass':
      return chalk.green(text);
    case 'warn':
      return chalk.yellow(text);
    case 'fail':
      return chalk.red.bold(text);
    case 'error':
      return chalk.magenta.bold(text);
    case 'skip':
      return chalk.gray(text);
  }
}

export type Problem = CheckResult & { status: 'fail' | 'warn' | 'error' };

export function isProblem(result: CheckResult): result is Problem {
  return result.status === 'fail' || result.status === 'warn' || result.status === 'error';
}

/** A status change since the last run leads the message, where the eye lands. */
export function withChange(result: CheckResult): string {
  const change = changeOf(result.status, result.previousStatus);
  return change ? `[${change}: was ${result.previousStatus}] ${result.message}` : result.message;
}

/** Said after an error's message: a check that measured nothing did not pass. */
export function errorNote(result: Problem): string {
  return result.status === 'error' ? ' (an error is never a pass)' : '';
}

/**
 * The labelled lines under a problem: what to do, then who owns it and whom to call. An error
 * measured nothing: the check's remediation (what to do when the venue fails it) would send the reader
 * after the venue when the endpoint or the deadline is the problem, so it gets errorAdvice instead.
 */
export function problemDetails(run: RunResult, result: Problem): { label: string; text: string }[] {
  const details: { label: string; text: string }[] = [];
  if (result.status === 'error') details.push({ label: 'what to do', text: errorAdvice(run, result) });
  else if (result.remediation) details.push({ label: 'remediation', text: result.remediation });
  else if (result.description) details.push({ label: 'checks that', text: result.description });
  return [...details, ...escalationLines(result)];
}

export function venueTitle(run: RunResult): string {
  const { venue } = run;
  const chains =
    venue.l2ChainId !== undefined
      ? `L2 ${venue.l2ChainId}${venue.l1ChainId !== undefined ? `, L1 ${venue.l1ChainId}` : ''}`
      : `network ${venue.network ?? 'unknown'}`;
  return visible(`${run.checklist} — ${venue.name} (${venue.stack}, ${chains})`);
}

export function summaryText(run: RunResult, checksRun: string): string {
  const s = run.summary;
  return `${checksRun} · ${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.error} error · ${s.skip} skip  in ${run.durationMs} ms`;
}

/** The verdict's words, uncoloured (the layouts colour it, the compact one after wrapping it). */
export function verdictText(run: RunResult, blockers: CheckResult[]): string {
  switch (run.verdict) {
    case 'ROUTE':
      return `VERDICT: ROUTE — nothing at or above --fail-on ${run.failOn}`;
    case 'NO VERDICT':
      return `VERDICT: NO VERDICT — ${visible(run.verdictReason)}`;
    case 'HOLD':
      return `VERDICT: HOLD — ${blockers.length} check(s) at or above --fail-on ${run.failOn}: ${blockers.map((r) => visible(r.id)).join(', ')}`;
  }
}

export function paintVerdict(chalk: ChalkInstance, run: RunResult, text: string): string {
  switch (run.verdict) {
    case 'ROUTE':
      return chalk.green.bold(text);
    case 'NO VERDICT':
      return chalk.magenta.bold(text);
    case 'HOLD':
      return chalk.red.bold(text);
  }
}
