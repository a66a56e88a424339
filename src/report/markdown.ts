/** A Markdown summary for pull requests and CI job summaries (GitHub's GITHUB_STEP_SUMMARY). */
import type { CheckResult, RunResult, Status, Verdict } from '../core/result.js';
import { blocking } from '../engine/status.js';
import { checksRunText, deadlineText, errorAdvice, escalationLines, visible } from './text.js';

const HEADLINE: Record<Verdict, string> = {
  ROUTE: '✅ ROUTE',
  HOLD: '❌ HOLD',
  'NO VERDICT': '🚫 NO VERDICT',
};

const ICON: Record<Status, string> = { pass: '✅', warn: '⚠️', fail: '❌', error: '🚫', skip: '⏭️' };

/** Table cells: pipes would split the cell, line breaks would end the row, HTML would render. */
export function cell(text: string | undefined): string {
  return visible((text ?? '').replace(/[\r\n]+/g, ' '))
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('|', '\\|')
    .replaceAll('`', '\\`');
}

function statusCell(result: CheckResult): string {
  const changed =
    result.previousStatus && result.previousStatus !== result.status ? ` (was ${result.previousStatus})` : '';
  return `${ICON[result.status]} ${result.status}${changed}`;
}

/**
 * Who answers for a problem, nested under its bullet. The runbook is an autolink: the loader took only
 * an http(s) URL, and its serialized form percent-encodes anything that could end the link early.
 */
function escalationItems(result: CheckResult): string[] {
  return escalationLines(result).map(({ label, text }) =>
    label === 'runbook' ? `  - runbook: ${autolink(text)}` : `  - ${label}: ${cell(text)}`,
  );
}

function autolink(url: string): string {
  try {
    return `<${new URL(url).href}>`;
  } catch {
    // Not from a loaded checklist (the loader refuses anything but an http(s) URL): shown as text.
    return cell(url);
  }
}

export function renderMarkdown(run: RunResult): string {
  const s = run.summary;
  const blockers = blocking(run.results, run.failOn);
  const lines = [
    `### l2preflight: ${HEADLINE[run.verdict]} — ${cell(run.venue.name)}`,
    '',
    `\`${cell(run.checklist)}\` · ${checksRunText(run)} · ${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.error} error · ${s.skip} skip · ${run.durationMs} ms · ${run.startedAt}`,
    '',
    '| Check | Status | Observed | Threshold | Message |',
    '| --- | --- | --- | --- | --- |',
    ...run.results.map((r) => {
      const observed = r.status === 'pass' || r.status === 'warn' || r.status === 'fail' ? r.observed : '';
      const threshold = r.status === 'skip' ? '' : r.threshold;
      return `| ${cell(r.id)} | ${statusCell(r)} | ${cell(observed)} | ${cell(threshold)} | ${cell(r.message)} |`;
    }),
  ];
  const cut = deadlineText(run);
  if (cut) lines.push('', `**Deadline**: ${cell(cut)}.`);
  // An error measured nothing about the venue: it gets what to do about the measurement, never the
  // check's remediation (which is for when the venue fails it).
  const remediations = run.results.filter(
    (r) => (r.status === 'fail' || r.status === 'warn') && (r.remediation || escalationLines(r).length > 0),
  );
  const errors = run.results.filter((r) => r.status === 'error');
  if (remediations.length > 0) {
    lines.push(
      '',
      '**What to do**',
      '',
      ...remediations.flatMap((r) => [
        r.remediation ? `- **${cell(r.id)}**: ${cell(r.remediation)}` : `- **${cell(r.id)}**`,
        ...escalationItems(r),
      ]),
    );
  }
  if (errors.length > 0) {
    lines.push(
      '',
      '**Could not measure**',
      '',
      ...errors.flatMap((r) => [`- **${cell(r.id)}**: ${cell(errorAdvice(run, r))}`, ...escalationItems(r)]),
    );
  }
  const verdict = {
    ROUTE: `Verdict **ROUTE**: nothing at or above \`--fail-on ${run.failOn}\`.`,
    HOLD: `Verdict **HOLD**: ${blockers.map((r) => cell(r.id)).join(', ')} at or above \`--fail-on ${run.failOn}\`.`,
    'NO VERDICT': `**NO VERDICT**: ${cell(run.verdictReason)}.`,
  } satisfies Record<Verdict, string>;
  lines.push('', verdict[run.verdict]);
  return `${lines.join('\n')}\n`;
}
