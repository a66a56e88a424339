/** Text hygiene and wording shared by the human-readable renderers. */
import type { RunResult } from '../engine/result.js';

// Messages carry text from chains and RPCs (revert reasons, error bodies). A stray ESC would restyle
// the reader's terminal and defeat `color: false`, so control characters are shown, never sent.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

export function visible(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Why a run has no verdict, naming the critical checks that measured nothing. */
export function unmeasuredText(run: RunResult): string {
  const critical = run.results.filter((r) => r.severity === 'critical');
  if (critical.length === 0) return 'no critical check ran: nothing measured can back a ROUTE';
  return `no critical check measured anything (${critical.map((r) => `${visible(r.id)}: ${r.status}`).join(', ')}): nothing measured can back a ROUTE`;
}
