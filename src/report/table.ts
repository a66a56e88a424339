/**
 * The human report. Two layouts of the same content: the wide table (a row per check with observed,
 * threshold and message in columns) and, on a terminal too narrow for it, the compact layout (a line
 * per check, problems first). Both end with what to do about each problem and the verdict.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CheckResult, RunResult } from '../core/result.js';
import { blocking } from '../engine/status.js';
import { renderCompact } from './compactTable.js';
import {
  errorNote,
  isProblem,
  paint,
  paintVerdict,
  problemDetails,
  STATUS_MARK,
  summaryText,
  venueTitle,
  verdictText,
  withChange,
} from './tableText.js';
import { checksRunText, deadlineText, visible } from './text.js';

export type TableLayout = 'auto' | 'wide' | 'compact';

export interface TableOptions {
  color: boolean;
  /** Terminal columns the table may use; 120 when unknown (a pipe, a file, CI). */
  width?: number;
  /**
   * `auto` (the default): the compact layout when a width is known and the wide table would not fit it
   * (wideTableFits); the wide table otherwise, so logs and files keep one shape. `--wide` asks for `wide`.
   */
  layout?: TableLayout;
}

const HEAD = ['CHECK', 'STATUS', 'OBSERVED', 'THRESHOLD', 'MESSAGE'];
const DEFAULT_WIDTH = 120;

/**
 * Below this many characters a message column wraps a one-sentence message over three lines or more,
 * and every check becomes a tall row: past that point one line per check reads better.
 */
export const MIN_MESSAGE_COLUMN = 40;

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

function observedOf(result: CheckResult): string {
  if (result.status === 'pass' || result.status === 'warn' || result.status === 'fail')
    return result.observed;
  return result.status === 'error' ? '—' : '';
}

function thresholdOf(result: CheckResult): string {
  return result.status === 'skip' ? '' : (result.threshold ?? '');
}

const longestId = (run: RunResult) =>
  Math.max(0, ...run.results.map((r) => Array.from(visible(r.id)).length));

/**
 * Widths include cli-table3's one-space padding on each side; six border characters frame five columns.
 * The id column takes its share of the width, or more where an id is longer and the message column
 * can spare it (above MIN_MESSAGE_COLUMN): an id split across lines ("batches-pos / ted") is hard to
 * read and to search for.
 */
function columnWidths(total: number, idLength: number): number[] {
  const inner = Math.max(60, total) - 6;
  const status = 8; // "STATUS" / "ERROR" plus padding
  const [share, observed, threshold] = [0.18, 0.18, 0.2].map((part) =>
    Math.max(10, Math.floor(inner * part)),
  ) as [number, number, number];
  const message = inner - share - status - observed - threshold;
  const surplus = Math.max(0, message - (MIN_MESSAGE_COLUMN + 2));
  const id = share + Math.min(surplus, Math.max(0, idLength + 2 - share));
  return [id, status, observed, threshold, message - (id - share)];
}

/** Whether the wide table at `width` holds every id whole and leaves the message MIN_MESSAGE_COLUMN. */
export function wideTableFits(run: RunResult, width: number): boolean {
  const [id = 0, , , , message = 0] = columnWidths(width, longestId(run));
  return id - 2 >= longestId(run) && message - 2 >= MIN_MESSAGE_COLUMN;
}

export function chooseLayout(run: RunResult, options: TableOptions): 'wide' | 'compact' {
  const layout = options.layout ?? 'auto';
  if (layout !== 'auto') return layout;
  return options.width !== undefined && !wideTableFits(run, options.width) ? 'compact' : 'wide';
}

export function renderTable(run: RunResult, options: TableOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  if (chooseLayout(run, options) === 'compact')
    return renderCompact(run, chalk, options.width ?? DEFAULT_WIDTH);
  return renderWide(run, chalk, options.width ?? DEFAULT_WIDTH);
}

function renderWide(run: RunResult, chalk: ChalkInstance, width: number): string {
  const widths = columnWidths(width, longestId(run));
  const cell = (text: string, column: number) => breakLongWords(visible(text), (widths[column] ?? 10) - 2);
  const table = new Table({
    head: HEAD.map((h) => chalk.bold(h)),
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    // cli-table3 colours the head and borders itself unless told not to; empty styles keep it plain.
    style: chalk.level > 0 ? { head: [], border: ['grey'] } : { head: [], border: [] },
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

  const lines = [chalk.bold(venueTitle(run)), table.toString(), summaryText(run, checksRunText(run))];
  const cut = deadlineText(run);
  if (cut) lines.push(chalk.magenta(visible(cut)));

  const problems = run.results.filter(isProblem);
  if (problems.length > 0) lines.push('');
  const indented = (text: string) => visible(text).replaceAll('\n', '\n    ');
  for (const result of problems) {
    lines.push(
      `${paint(chalk, result.status, STATUS_MARK[result.status])} ${chalk.bold(visible(result.id))}: ${indented(result.message)}${errorNote(result)}`,
    );
    for (const { label, text } of problemDetails(run, result)) lines.push(`    ${label}: ${indented(text)}`);
  }

  lines.push('', paintVerdict(chalk, run, verdictText(run, blocking(run.results, run.failOn))));
  return `${lines.join('\n')}\n`;
}
