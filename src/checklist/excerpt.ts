/**
 * The source line under a checklist problem, as a compiler shows it: the line as the file has it, and
 * a caret under the column. The file is the user's own, so `${VAR}` shows as written (never its value:
 * the excerpt is cut from the text before interpolation); but an error can land in a CI log that more
 * people read than the file, so what would be a secret anywhere else is hidden here too: a URL keeps
 * only its scheme and host (the path, query and user-info often carry an API key, as the run's
 * Redactor treats them), and a 64-digit hex string (a private key's shape) is cut to `0x…`.
 */
import type { SourceExcerpt } from '../errors.js';
import { redactUrl } from '../rpc/redact.js';

/** Wider lines are cut to a window around the caret, marked with `…` on the side that was cut. */
const MAX_CELLS = 100;
/** A tab is shown as spaces up to the next multiple of this, so the caret line lines up in any terminal. */
const TAB_STOP = 4;

const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'[\]{},]+/g;
const KEY_SHAPED = /(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])/g;

interface Span {
  start: number;
  end: number;
  replacement: string;
}

function hiddenSpans(line: string): Span[] {
  const spans: Span[] = [];
  for (const match of line.matchAll(URL_IN_TEXT)) {
    const start = match.index ?? 0;
    spans.push({ start, end: start + match[0].length, replacement: redactUrl(match[0]) });
  }
  for (const match of line.matchAll(KEY_SHAPED)) {
    const start = match.index ?? 0;
    if (spans.some((s) => start < s.end && s.start < start + match[0].length)) continue;
    spans.push({ start, end: start + match[0].length, replacement: '0x…' });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** One display cell per character: tabs expanded, control characters (a terminal escape) made visible. */
function cellsOf(char: string, at: number): string[] {
  if (char === '\t') return Array.from({ length: TAB_STOP - (at % TAB_STOP) }, () => ' ');
  if (char === '\ufeff') return [];
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return ['�'];
  return [char];
}

/**
 * The excerpt of `text` at 1-based `line` and `column` (yaml's columns: UTF-16 units), or undefined
 * when the file has no such line.
 */
export function excerptAt(text: string, line: number, column: number): SourceExcerpt | undefined {
  const source = text.split(/\r\n|\r|\n/)[line - 1];
  if (source === undefined) return undefined;
  const target = Math.max(0, column - 1);
  const spans = hiddenSpans(source);
  const cells: string[] = [];
  let caret: number | undefined;
  for (let i = 0; i < source.length; ) {
    const span = spans.find((s) => s.start === i);
    if (span) {
      if (caret === undefined && target < span.end) caret = cells.length;
      cells.push(...span.replacement);
      i = span.end;
      continue;
    }
    if (caret === undefined && target <= i) caret = cells.length;
    const code = source.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    cells.push(...cellsOf(char, cells.length));
    i += char.length;
  }
  caret ??= cells.length;
  return windowed(line, cells, caret);
}

function windowed(line: number, cells: string[], caret: number): SourceExcerpt {
  if (cells.length <= MAX_CELLS) return { line, text: cells.join('').trimEnd(), caret };
  // Keep the caret well inside the window, with some of the line before it for context.
  const start = caret < MAX_CELLS - 20 ? 0 : Math.min(caret - 40, cells.length - MAX_CELLS);
  const end = start + MAX_CELLS;
  const before = start > 0 ? '…' : '';
  const after = end < cells.length ? '…' : '';
  return {
    line,
    text: `${before}${cells.slice(start, end).join('')}${after}`,
    caret: caret - start + before.length,
  };
}
