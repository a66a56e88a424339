/** The human report: a table of every check, the remediation under each problem, and the verdict. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CheckResult, RunResult, Status } from '../core/result.js';
import { blocking, changeOf } from '../engine/status.js';
import { checksRunText, deadlineText, errorAdvice, visible } from './text.js';

function verdictLine(chalk: ChalkInstance, run: RunResult, blockers: CheckResult[]): string {
  switch (run.verdict) {
    case 'ROUTE':
      return chalk.green.bold(`VERDICT: ROUTE — nothing at or above --fail-on ${run.failOn}`);
    case 'NO VERDICT':
      return chalk.magenta.bold(`VERDICT: NO VERDICT — ${visible(run.verdictReason)}`);
    case 'HOLD':
      return chalk.red.bold(
        `VERDICT: HOLD — ${blockers.length} check(s) at or above --fail-on ${run.failOn}: ${blockers.map((r) => visible(r.id)).join(', ')}`,
      );
  }
}

export interface TableOptions {
  color: boolean;
  /** Terminal columns the table may use; 120 when unknown (a pipe, a file, CI). */
  width?: number;
}

const HEAD = ['CHECK', 'STATUS', 'OBSERVED', 'THRESHOLD', 'MESSAGE'];

/**
 * cli-table3 wraps on word boundaries and truncates a word longer than the column with "…"; a block
 * hash or an address cut short is worse than one split across lines, so split those words first.
 */
function breakLongWords(text: string, max: number): string {
  return text.replace(new RegExp(`\\S{${max + 1},}`, 'gu'), (word) => {
    const chars = Array.from(word);
    const pieces: string[] = [];
    for (let i = 0; i < chars.length; i += max) pieces.push(chars.slice(i, i + max).join(''));
    return pieces.join('\n');
  });
}

function paint(chalk: ChalkInstance, status: Status, text: string = status.toUpperCase()): string {
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

function observedOf(result: CheckResult): string {
  if (result.status === 'pass' || result.status === 'warn' || result.status === 'fail')
    return result.observed;
  return result.status === 'error' ? '—' : '';
}

function thresholdOf(result: CheckResult): string {
  return result.status === 'skip' ? '' : (result.threshold ?? '');
}

/** Widths include cli-table3's one-space padding on each side; six border characters frame five columns. */
function columnWidths(total: number): number[] {
  const inner = Math.max(60, total) - 6;
  const status = 8; // "STATUS" / "ERROR" plus padding
  const [id, observed, threshold] = [0.18, 0.18, 0.2].map((share) =>
    Math.max(10, Math.floor(inner * share)),
  ) as [number, number, number];
  return [id, status, observed, threshold, inner - id - status - observed - threshold];
}

/** A status change since the last run leads the message, where the eye lands. */
function withChange(result: CheckResult): string {
  const change = changeOf(result.status, result.previousStatus);
  return change ? `[${change}: was ${result.previousStatus}] ${result.message}` : result.message;
}

export function renderTable(run: RunResult, options: TableOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const widths = columnWidths(options.width ?? 120);
  const cell = (text: string, column: number) => breakLongWords(visible(text), (widths[column] ?? 10) - 2);
  const table = new Table({
    head: HEAD.map((h) => chalk.bold(h)),
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    // cli-table3 colours the head and borders itself unless told not to; empty styles keep it plain.
    style: options.color ? { head: [], border: ['grey'] } : { head: [], border: [] },
  });
  for (const result of run.results) {
    table.push([
      cell(result.id, 0),
      paint(chalk, result.status),
      cell(observedOf(result), 2),
      cell(thresholdOf(result), 3),
      cell(withChange(result), 4),
    ]);
  }

  const { venue, summary: s } = run;
  const chains =
    venue.l2ChainId !== undefined
      ? `L2 ${venue.l2ChainId}${venue.l1ChainId !== undefined ? `, L1 ${venue.l1ChainId}` : ''}`
      : `network ${venue.network ?? 'unknown'}`;
  const lines = [
    chalk.bold(visible(`${run.checklist} — ${venue.name} (${venue.stack}, ${chains})`)),
    table.toString(),
    `${checksRunText(run)} · ${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.error} error · ${s.skip} skip  in ${run.durationMs} ms`,
  ];
  const cut = deadlineText(run);
  if (cut) lines.push(chalk.magenta(visible(cut)));

  const problems = run.results.filter(
    (r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error',
  );
  if (problems.length > 0) lines.push('');
  const indented = (text: string) => visible(text).replaceAll('\n', '\n    ');
  for (const result of problems) {
    const note = result.status === 'error' ? ' (an error is never a pass)' : '';
    lines.push(
      `${paint(chalk, result.status, '✗')} ${chalk.bold(visible(result.id))}: ${indented(result.message)}${note}`,
    );
    // An error measured nothing: the check's remediation (what to do when the venue fails it) would
    // send the reader after the venue when the endpoint or the deadline is the problem.
    if (result.status === 'error') lines.push(`    what to do: ${indented(errorAdvice(run, result))}`);
    else if (result.remediation) lines.push(`    remediation: ${indented(result.remediation)}`);
    else if (result.description) lines.push(`    checks that: ${indented(result.description)}`);
  }

  const blockers = blocking(run.results, run.failOn);
  lines.push('', verdictLine(chalk, run, blockers));
  return `${lines.join('\n')}\n`;
}
