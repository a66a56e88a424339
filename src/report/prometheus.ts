/**
 * Prometheus text exposition format (version 0.0.4), for node_exporter's textfile collector: one
 * file per checklist, rewritten atomically by each run.
 */
import { type RunResult, STATUSES, VERDICTS } from '../core/result.js';
import { verdictCauseOf } from '../engine/status.js';

/** Label values escape backslash, double quote and line feed; nothing else. */
function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;
}

function family(name: string, help: string, samples: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples];
}

/**
 * Who owns each check, as an info metric (value 1) to join on (checklist, venue, id) with group_left,
 * rather than labels on the status series: a changed owner would start new status series and cut
 * their history. One series per check that names an owner or a runbook, so no more series than checks.
 * The free-text escalation is no label (long, edited often): it is in the JSON, Markdown and alerts.
 * Left out entirely when no check names them, so such a checklist's exposition is as it was.
 */
function escalationInfo(run: RunResult, base: Record<string, string>): string[] {
  const samples = run.results.flatMap((r) =>
    r.owner || r.runbook
      ? [
          `l2preflight_check_owner_info${labels({
            ...base,
            id: r.id,
            ...(r.owner ? { owner: r.owner } : {}),
            ...(r.runbook ? { runbook_url: r.runbook } : {}),
          })} 1`,
        ]
      : [],
  );
  if (samples.length === 0) return [];
  return family(
    'l2preflight_check_owner_info',
    "A check's owner and runbook_url from the checklist (always 1): join with * on(checklist, venue, id) group_left(owner, runbook_url).",
    samples,
  );
}

export function renderPrometheus(run: RunResult): string {
  const base = { checklist: run.checklist, venue: run.venue.name };
  const check = (r: RunResult['results'][number]) => ({
    ...base,
    id: r.id,
    type: r.type,
    severity: r.severity,
  });
  const lines = [
    ...family('l2preflight_run_verdict_route', '1 when the verdict is ROUTE, 0 when HOLD or NO VERDICT.', [
      `l2preflight_run_verdict_route${labels(base)} ${run.verdict === 'ROUTE' ? 1 : 0}`,
    ]),
    ...family(
      'l2preflight_run_verdict',
      "One series per verdict: 1 for the run's verdict, 0 for the others (NO VERDICT: nothing critical measured).",
      VERDICTS.map(
        (verdict) =>
          `l2preflight_run_verdict${labels({ ...base, verdict })} ${run.verdict === verdict ? 1 : 0}`,
      ),
    ),
    ...family(
      'l2preflight_run_verdict_cause',
      "Why the run's verdict is what it is: cause is clear (ROUTE), failed (HOLD), could-not-measure or nothing-measured (NO VERDICT).",
      [
        `l2preflight_run_verdict_cause${labels({ ...base, verdict: run.verdict, cause: verdictCauseOf(run.results, run.failOn) })} 1`,
      ],
    ),
    // The reason as a sentence changes with every message: a comment (ignored by scrapers), not a label.
    `# verdict reason: ${run.verdictReason.replace(/[\r\n]+/g, ' ')}`,
    ...family('l2preflight_run_checks_run', 'Checks that ran (pass, warn, fail or error) in this run.', [
      `l2preflight_run_checks_run${labels(base)} ${run.checksRun}`,
    ]),
    ...family(
      'l2preflight_run_checks_in_checklist',
      'Checks the checklist declares, before --only and --skip.',
      [`l2preflight_run_checks_in_checklist${labels(base)} ${run.checksInChecklist}`],
    ),
    ...family(
      'l2preflight_run_checks_cut_by_deadline',
      'Checks the run deadline ended before they measured (they are error).',
      [`l2preflight_run_checks_cut_by_deadline${labels(base)} ${run.cutByDeadline.length}`],
    ),
    ...family('l2preflight_run_timestamp_seconds', 'When the run started, in Unix seconds.', [
      `l2preflight_run_timestamp_seconds${labels(base)} ${Date.parse(run.startedAt) / 1000}`,
    ]),
    ...family('l2preflight_run_duration_seconds', 'Wall time of the run.', [
      `l2preflight_run_duration_seconds${labels(base)} ${run.durationMs / 1000}`,
    ]),
    ...family(
      'l2preflight_check_status',
      "One series per check and status: 1 for the check's status, 0 for the others.",
      run.results.flatMap((r) =>
        STATUSES.map(
          (status) =>
            `l2preflight_check_status${labels({ ...check(r), status })} ${r.status === status ? 1 : 0}`,
        ),
      ),
    ),
    ...family(
      'l2preflight_check_value',
      'The number a check judged (unit label: seconds, blocks, usd or ratio), when it has one.',
      run.results.flatMap((r) =>
        (r.status === 'pass' || r.status === 'warn' || r.status === 'fail') && r.value !== undefined && r.unit
          ? [`l2preflight_check_value${labels({ ...check(r), unit: r.unit })} ${r.value}`]
          : [],
      ),
    ),
    ...family(
      'l2preflight_check_duration_seconds',
      'How long the check took.',
      run.results.map((r) => `l2preflight_check_duration_seconds${labels(check(r))} ${r.durationMs / 1000}`),
    ),
    ...escalationInfo(run, base),
  ];
  return `${lines.join('\n')}\n`;
}
