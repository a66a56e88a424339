/**
 * The compact layout, for a terminal narrower than the wide table needs: one line per check — status
 * mark and word, id, headline figure (observed, and the threshold it was held to) — problems first
 * (fail, error, warn) with their message, what to do and whom to call indented below; then passes and
 * skips, one line each. Ids are never split; a figure too long for its line ends in "…" and, under a
 * problem, is given in full below.
 */
import type { ChalkInstance } from 'chalk';
import type { CheckResult, RunResult, Status } from '../core/result.js';
import { blocking } from '../engine/status.js';
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

/** Problems in the order they need attention; passes and skips after. */
const ORDER: Record<Status, number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 };

/** "✓ PASS  ": the mark, the word (so the status reads without the mark, too) and a gap. */
const STATUS_WIDTH = 8;
/** What a detail line under a problem is indented by: the id's column. */
const DETAIL = ' '.repeat(STATUS_WIDTH);
/** The id column's share of the width: longer ids push their figure right rather than being cut. */
const ID_SHARE = 0.3;

const length = (text: string) => Array.from(text).length;

/**
 * `text` cut to `max` characters, ending in "…" when cut: at the last word boundary when there is one
 * in the second half of the room ("price…", not "pri…"), without a dangling "(" or ",".
 */
export function cutToWidth(text: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(text);
  if (chars.length <= max) return { text, cut: false };
  const room = chars.slice(0, Math.max(0, max - 1)).join('');
  const space = room.lastIndexOf(' ', length(room));
  const kept = space > room.length / 2 && chars[length(room)] !== ' ' ? room.slice(0, space) : room;
  return { text: `${kept.replace(/[\s(,;:·]+$/u, '')}…`, cut: true };
}

/**
 * Word-wraps `text` to `width` columns: the first line after `first`, the rest after `rest`. Words
 * longer than a line (hashes, addresses) are split rather than cut: every character stays readable.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = lines.length === 0 ? first : rest;
    let empty = true;
    const room = () => width - length(line);
    for (const word of paragraph.split(' ').filter(Boolean)) {
      let chars = Array.from(word);
      if (!empty && chars.length + 1 > room()) {
        lines.push(line);
        line = rest;
        empty = true;
      }
      // A word longer than a whole line (the line is empty here): fill lines with pieces of it.
      while (chars.length > room() && room() > 1) {
        const take = room();
        lines.push(line + chars.slice(0, take).join(''));
        line = rest;
        chars = chars.slice(take);
      }
      if (chars.length === 0) continue;
      line += `${empty ? '' : ' '}${chars.join('')}`;
      empty = false;
    }
    lines.push(line);
  }
  return lines;
}

/** The headline figure: what was observed and the threshold it was held to. */
function figureOf(result: CheckResult): string {
  switch (result.status) {
    case 'skip':
      return result.message;
    case 'error':
      return `not measured${result.threshold ? ` (want ${result.threshold})` : ''}`;
    default:
      return `${result.observed}${result.threshold ? ` (want ${result.threshold})` : ''}`;
  }
}

export function renderCompact(run: RunResult, chalk: ChalkInstance, width: number): string {
  const ids = run.results.map((r) => visible(r.id));
  const idWidth = Math.min(Math.max(0, ...ids.map(length)), Math.floor(width * ID_SHARE));
  const ordered = run.results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => ORDER[a.result.status] - ORDER[b.result.status] || a.index - b.index)
    .map(({ result }) => result);

  const lines = wrap(venueTitle(run), width).map((line) => chalk.bold(line));
  let previous: 'problem' | 'other' | undefined;
  for (const result of ordered) {
    const kind = isProblem(result) ? 'problem' : 'other';
    if (previous === 'problem' && kind === 'other') lines.push('');
    previous = kind;

    const id = visible(result.id);
    const lead = `${STATUS_MARK[result.status]} ${result.status.toUpperCase()}`.padEnd(STATUS_WIDTH);
    const idCell = id.padEnd(idWidth);
    const figure = cutToWidth(visible(figureOf(result)), width - STATUS_WIDTH - length(idCell) - 2);
    lines.push(
      `${paint(chalk, result.status, lead)}${kind === 'problem' ? chalk.bold(idCell) : idCell}  ${figure.text}`.trimEnd(),
    );
    if (!isProblem(result)) continue;

    const detail = (text: string) => lines.push(...wrap(visible(text), width, DETAIL, `${DETAIL}  `));
    detail(`${withChange(result)}${errorNote(result)}`);
    if (figure.cut && result.status !== 'error') {
      detail(`observed: ${result.observed}`);
      if (result.threshold) detail(`want: ${result.threshold}`);
    } else if (figure.cut && result.threshold) {
      detail(`want: ${result.threshold}`);
    }
    for (const { label, text } of problemDetails(run, result)) detail(`${label}: ${text}`);
  }

  lines.push('', ...wrap(summaryText(run, checksRunText(run)), width));
  const cut = deadlineText(run);
  if (cut) lines.push(...wrap(visible(cut), width).map((line) => chalk.magenta(line)));
  const verdict = verdictText(run, blocking(run.results, run.failOn));
  lines.push('', ...wrap(verdict, width, '', '  ').map((line) => paintVerdict(chalk, run, line)));
  return `${lines.join('\n')}\n`;
}
