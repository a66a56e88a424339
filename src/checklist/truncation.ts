/**
 * A checklist cut short (a copy interrupted, a disk full mid-write) can still be valid YAML and a
 * valid checklist, with fewer checks or a shortened value. A file whose last line lacks its newline is
 * the sign of a cut — but also of an editor that does not add one — so that alone only warns; with a
 * second sign that the last line stops inside a value, the file is refused:
 *   - the last line is a key without its value (`maxAge:`) or a list dash without its item (`-`);
 *   - a problem (YAML syntax, an unterminated quote or flow collection, a value its check rejects) is
 *     reported on the last line.
 * What cannot be told apart from a complete file: a cut exactly at a line end, or inside a plain value
 * that still reads as valid (`description: The L2 he`, `min: 1_000` of `1_000_000 USD`); `validate`
 * prints the number of checks and warns about the missing newline so a shrunken checklist shows.
 */
import type { ChecklistProblem, SourcePosition } from '../errors.js';

export const CUT_SHORT = 'the file ends inside a value — was it cut short?';

export interface LastLine {
  /** 1-based line number and the line's text (without comment-only or blank lines mattering). */
  line: number;
  text: string;
}

/** The unterminated last line, or undefined when the file ends with a newline (or ends in blank/comment). */
export function unterminatedLastLine(text: string): LastLine | undefined {
  if (text === '' || text.endsWith('\n') || text.endsWith('\r')) return undefined;
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1] ?? '';
  const content = last.trim();
  if (content === '' || content.startsWith('#')) return undefined;
  return { line: lines.length, text: last };
}

/** `key:` or `- key:` with nothing after the colon, or a dash alone: the value was never written. */
export function endsWithoutValue(line: string): boolean {
  const code = line.replace(/\s#.*$/, '').trimEnd();
  return /^\s*-$/.test(code) || /^\s*(?:-\s+)?[^\s#][^#]*:$/.test(code);
}

export function cutShortProblem(file: string, last: LastLine): ChecklistProblem {
  const position: SourcePosition = { file, line: last.line, column: last.text.length + 1 };
  return {
    position,
    // The line itself is not echoed: it may hold an RPC URL with a key.
    message: `${CUT_SHORT} (line ${last.line}, the last, has no newline and stops inside a value)`,
    expected:
      'the complete checklist: copy it again, or finish the last line and end the file with a newline',
  };
}

export function missingNewlineWarning(file: string, last: LastLine): ChecklistProblem {
  return {
    position: { file, line: last.line, column: last.text.length + 1 },
    message:
      'the file does not end with a newline: if it was cut short, its last value may be incomplete — check the number of checks and the last line',
  };
}
