/**
 * One indentation mistake makes the yaml library report a cascade ("Nested mappings are not allowed
 * in compact mappings", "Implicit keys need to be on a single line", the same again for every line
 * after it), and its first position is often the line *above* the mistake. This finds the line that
 * is out of step, from the lines around yaml's first error, and says so in plain words.
 */
import type { SourcePosition } from '../errors.js';

interface Line {
  /** 0-based index in the file. */
  index: number;
  indent: number;
  /** Where this line's key starts: after `- ` on a list item. */
  keyColumn: number;
  key?: string;
  item: boolean;
  /** Ends in `:`, `- ` alone, `|` or `>`: the lines after it may be deeper. */
  opens: boolean;
  /** How the line is named in a message: `"rpc:"`, `"- id:"`, or its first word. */
  label: string;
}

function lineAt(text: string, index: number): Line | undefined {
  const content = text.replace(/\s+#.*$/, '');
  if (content.trim() === '' || content.trim().startsWith('#')) return undefined;
  const indent = /^ */.exec(content)?.[0].length ?? 0;
  const rest = content.slice(indent);
  const itemMatch = /^-(?:\s+|$)/.exec(rest);
  const item = itemMatch !== null;
  const afterDash = item ? rest.slice(itemMatch[0].length) : rest;
  const keyColumn = item ? indent + (itemMatch?.[0].length ?? 1) : indent;
  const key = /^([^\s:#'"[\]{},][^:#]*?|"[^"]*"|'[^']*'):(?:\s|$)/.exec(afterDash)?.[1];
  const code = content.trimEnd();
  const opens = /:$/.test(code) || /^\s*-$/.test(code) || /[:\s][|>][-+0-9]*$/.test(code);
  const word = afterDash.split(/\s/)[0] ?? '';
  const label = key !== undefined ? `"${item ? '- ' : ''}${key}:"` : item ? '"-"' : `"${word}"`;
  return { index, indent, keyColumn, key, item, opens, label };
}

function previous(lines: string[], index: number): Line | undefined {
  for (let i = index - 1; i >= 0; i -= 1) {
    const line = lineAt(lines[i] ?? '', i);
    if (line) return line;
  }
  return undefined;
}

function next(lines: string[], index: number): Line | undefined {
  for (let i = index + 1; i < lines.length; i += 1) {
    const line = lineAt(lines[i] ?? '', i);
    if (line) return line;
  }
  return undefined;
}

/** The indentations a line may have after `prev`: its own levels and its ancestors'. */
function levelsBefore(lines: string[], prev: Line): { column: number; label: string }[] {
  const levels = [{ column: prev.keyColumn, label: prev.label }];
  if (prev.item) levels.push({ column: prev.indent, label: '"-"' });
  let bound = prev.indent;
  for (let i = prev.index - 1; i >= 0 && bound > 0; i -= 1) {
    const line = lineAt(lines[i] ?? '', i);
    if (!line || line.indent >= bound) continue;
    if (line.keyColumn < bound) levels.push({ column: line.keyColumn, label: line.label });
    levels.push({ column: line.indent, label: line.item ? '"-"' : line.label });
    bound = line.indent;
  }
  return levels;
}

export interface IndentProblem {
  line: number;
  column: number;
  message: string;
  expected: string;
}

const spaces = (n: number) => `${n} space${n === 1 ? '' : 's'}`;

/** What is wrong with `line`'s indentation after the lines above it, if anything. */
function judge(lines: string[], line: Line): IndentProblem | undefined {
  const prev = previous(lines, line.index);
  if (!prev || (prev.opens && line.indent > prev.indent)) return undefined;
  const at = { line: line.index + 1, column: line.indent + 1 };
  if (line.indent > prev.keyColumn && (line.key !== undefined || line.item)) {
    // The line above may be the one out of step: dedented out of its block, it leaves this line deeper.
    const before = previous(lines, prev.index);
    if (before && prev.indent < before.keyColumn && line.indent <= before.keyColumn && !before.opens) {
      return {
        line: prev.index + 1,
        column: prev.indent + 1,
        message: `${prev.label} is indented less than the lines around it (${spaces(prev.indent)}, where ${before.label} above has ${before.keyColumn}): YAML reads it as the end of the block above`,
        expected: `${prev.label} lined up with ${before.label} (${spaces(before.keyColumn)})`,
      };
    }
    return {
      ...at,
      message: `${line.label} is indented deeper than its parent mapping expects (${spaces(line.indent)}, where ${prev.label} on the line above has ${prev.keyColumn}): YAML reads it as part of ${prev.key !== undefined ? `${prev.key}'s value` : 'the value above'}`,
      expected: `${line.label} lined up with ${prev.label} (${spaces(prev.keyColumn)}), or under a key that ends with ":"`,
    };
  }
  const levels = levelsBefore(lines, prev);
  if (levels.some((level) => level.column === line.indent)) return undefined;
  // The level it was meant for: the nearest one of its own sort (a list item beside list items).
  const candidates = line.item
    ? levels.filter((l) => l.label === '"-"')
    : levels.filter((l) => l.label !== '"-"');
  const pool = candidates.length > 0 ? candidates : levels;
  const meant = pool.reduce((best, level) =>
    Math.abs(level.column - line.indent) < Math.abs(best.column - line.indent) ? level : best,
  );
  if (meant.label === '"-"')
    return {
      ...at,
      message: `${line.label} is indented ${spaces(line.indent)}, but the list's other items start at ${meant.column}`,
      expected: `${line.label} at ${spaces(meant.column)}, lined up with the "-" of the items above`,
    };
  return {
    ...at,
    message: `${line.label} is indented ${spaces(line.indent)}, which lines up with nothing above it (${meant.label} has ${meant.column})`,
    expected: `${line.label} lined up with ${meant.label} (${spaces(meant.column)})`,
  };
}

/**
 * The line out of step near yaml's first error (its line, or the next one with content), or undefined
 * when the indentation there is consistent (the error is of another kind).
 */
export function indentProblem(text: string, error: SourcePosition): IndentProblem | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const first = lineAt(lines[error.line - 1] ?? '', error.line - 1);
  const candidates = [first, next(lines, error.line - 1)].filter((l): l is Line => l !== undefined);
  for (const line of candidates) {
    const problem = judge(lines, line);
    if (problem) return problem;
  }
  return undefined;
}
