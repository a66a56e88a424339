/**
 * The source line under a checklist problem, as a compiler shows it: the line as the file has it, and
 * a caret under the column. The file is the user's own, so `${VAR}` shows as written (never its value:
 * the excerpt is cut from the text before interpolation); but an error can land in a CI log that more
 * people read than the file, so what has a secret's shape is hidden here too (secretShapes.ts: a URL
 * with or without its scheme keeps only its host, a private key reads `0x…`), and the value under a
 * problem about an RPC URL is blanked whatever its shape.
 */
import type { SourceExcerpt } from '../errors.js';
import { type HiddenSpan, secretSpans } from './secretShapes.js';

/** Wider lines are cut to a window around the caret, marked with `…` on the side that was cut. */
const MAX_CELLS = 100;
/** A tab is shown as spaces up to the next multiple of this, so the caret line lines up in any terminal. */
const TAB_STOP = 4;

/**
 * The span of the value that starts at `at` (a YAML scalar: quoted, or plain up to a comment or, inside
 * `[…]`/`{…}`, a comma or bracket), its text blanked to `…` except any `${NAME}` the file wrote: an
 * RPC URL may carry a key in any shape, and the name of the variable it comes from is no secret.
 */
function blankedValue(line: string, at: number): HiddenSpan | undefined {
  const open = line[at];
  if (open === undefined || open === '[' || open === '{') return undefined;
  let end: number;
  let inner: [number, number];
  if (open === '"' || open === "'") {
    let close = -1;
    for (let i = at + 1; i < line.length && close < 0; i += 1) {
      if (open === '"' && line[i] === '\\') i += 1;
      // In a single-quoted scalar '' is a quote, not the end.
      else if (open === "'" && line[i] === "'" && line[i + 1] === "'") i += 1;
      else if (line[i] === open) close = i;
    }
    end = close < 0 ? line.length : close + 1;
    inner = [at + 1, close < 0 ? line.length : close];
  } else {
    const inFlow = /[[{]/.test(line.slice(0, at));
    const stop = (inFlow ? /\s#|[,\]}]/g : /\s#/g).exec(line.slice(at));
    end = at + (stop ? stop.index : line.length - at);
    while (end > at && /\s/.test(line[end - 1] ?? '')) end -= 1;
    inner = [at, end];
  }
  const value = line.slice(inner[0], inner[1]);
  const shown = value
    .split(/(\$\{[^}]*\})/)
    .map((part) => (part === '' || part.startsWith('${') ? part : '…'))
    .join('');
  return { start: at, end, replacement: `${line.slice(at, inner[0])}${shown}${line.slice(inner[1], end)}` };
}

function hiddenSpans(line: string, blankValueAt: number | undefined): HiddenSpan[] {
  const blank = blankValueAt === undefined ? undefined : blankedValue(line, blankValueAt);
  const shapes = secretSpans(line).filter((s) => !blank || s.end <= blank.start || blank.end <= s.start);
  return blank ? [...shapes, blank].sort((a, b) => a.start - b.start) : shapes;
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
 * when the file has no such line. `blankValue`: the value at the column is an RPC URL (or the like),
 * shown as `…` whatever its shape.
 */
export function excerptAt(
  text: string,
  line: number,
  column: number,
  options: { blankValue?: boolean } = {},
): SourceExcerpt | undefined {
  const source = text.split(/\r\n|\r|\n/)[line - 1];
  if (source === undefined) return undefined;
  const target = Math.max(0, column - 1);
  const spans = hiddenSpans(source, options.blankValue ? target : undefined);
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
