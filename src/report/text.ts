/** Text hygiene and wording shared by the human-readable renderers. */

import type { CheckResult, RunResult } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import type { ErrorKind } from '../core/vocabulary.js';

// Messages carry text from chains and RPCs (revert reasons, error bodies). A stray ESC would restyle
// the reader's terminal and defeat `color: false`, so control characters are shown, never sent.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

export function visible(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** "12 checks run of 14 in the checklist": a checklist that shrank (cut short, mis-merged) shows here. */
export function checksRunText(run: RunResult): string {
  return `${run.checksRun} check${run.checksRun === 1 ? '' : 's'} run of ${run.checksInChecklist} in the checklist`;
}

/** Which checks the run deadline ended before they measured, or undefined when it ended none. */
export function deadlineText(run: RunResult): string | undefined {
  if (run.cutByDeadline.length === 0) return undefined;
  const limit = run.deadlineMs !== undefined ? ` (${formatDuration(run.deadlineMs)})` : '';
  return `the run deadline${limit} cut ${run.cutByDeadline.length} check(s) before they measured: ${run.cutByDeadline.join(', ')}`;
}

/**
 * What to do about an error. The check's own remediation says what to do when the venue fails it;
 * an error measured nothing about the venue, so that advice would be wrong here.
 */
export function errorAdvice(run: RunResult, result: CheckResult): string {
  if (run.cutByDeadline.includes(result.id)) {
    return 'the run deadline ended it before it measured: give the run a longer --deadline, or find the slow endpoint (--debug prints the traffic)';
  }
  const kind = result.status === 'error' ? result.errorKind : undefined;
  return (kind && ADVICE_BY_KIND[kind]) ?? ENDPOINT_ADVICE;
}

const ENDPOINT_ADVICE =
  'nothing about the venue was measured: check the endpoint the message names (reachable, the right chain id, not rate-limited, fast enough for --timeout) and run again';

/** What to do differs by why nothing was measured (the result's errorKind); the rest get ENDPOINT_ADVICE. */
const ADVICE_BY_KIND: Partial<Record<ErrorKind, string>> = {
  timeout:
    "nothing about the venue was measured: the check outlived its timeout — raise the check's `timeout` (or --timeout), or find the slow endpoint (--debug prints the traffic)",
  'stale-read':
    "nothing about the venue was measured: every endpoint of that chain serves an old head — add or switch to an endpoint that keeps up (or raise --max-block-age if the chain's blocks are slow by design)",
  'chain-mismatch':
    "nothing about the venue was measured: an endpoint serves another chain than the checklist's chainId — fix the URL or the chainId",
  clock:
    "nothing was judged: this machine's clock is behind the chain head, so every age would read too young — sync the clock (NTP) or raise --clock-tolerance",
  measurement:
    'the chain answered, but not with something the check can judge: check the contract address and parameters the message names',
  internal: 'a bug in l2preflight, not a venue problem: run again with --debug and report the stack trace',
};

/**
 * The escalation path under a problem, one "label: text" pair a line, for every human renderer (the
 * table in either layout, Markdown, HTML): empty when the check carries none.
 */
export function escalationLines(result: CheckResult): { label: string; text: string }[] {
  const lines: { label: string; text: string }[] = [];
  if (result.owner) lines.push({ label: 'owner', text: result.owner });
  if (result.runbook) lines.push({ label: 'runbook', text: result.runbook });
  if (result.escalation) lines.push({ label: 'escalation', text: result.escalation });
  return lines;
}

/** Column headings: the venue's name, with its checklist when two venues share a name. */
export function venueLabels(runs: readonly RunResult[]): string[] {
  return runs.map((run) => {
    const shared = runs.filter((other) => other.venue.name === run.venue.name).length > 1;
    return visible(shared ? `${run.venue.name} (${run.checklist})` : run.venue.name);
  });
}
