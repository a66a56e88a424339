/**
 * What `--notify` sends, one builder per receiver: today's generic JSON, an Alertmanager
 * `/api/v2/alerts` list (labels a route can match, annotations a template can print), and a Slack
 * incoming-webhook message (`text`, which Slack requires, plus blocks). Pure: run in, body out.
 */
import type { CheckResult, RunResult } from '../core/result.js';
import type { RunRecord } from '../state/runs.js';

export const NOTIFY_FORMATS = ['json', 'alertmanager', 'slack'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

export interface VerdictChange {
  tool: 'l2preflight';
  checklist: string;
  venue: RunResult['venue'];
  verdict: RunResult['verdict'];
  previousVerdict: RunResult['verdict'] | null;
  startedAt: string;
  summary: RunResult['summary'];
  /** Checks at fail, warn or error, with their messages and, when the checklist names them, who answers. */
  problems: ({ id: string; status: string; message: string } & EscalationFields)[];
}

type EscalationFields = Pick<CheckResult, 'owner' | 'runbook' | 'escalation'>;

/** The check's owner, runbook and escalation, only those it has (so a payload without them keeps its shape). */
function escalationOf(result: CheckResult): EscalationFields {
  return {
    ...(result.owner ? { owner: result.owner } : {}),
    ...(result.runbook ? { runbook: result.runbook } : {}),
    ...(result.escalation ? { escalation: result.escalation } : {}),
  };
}

const isProblem = (r: CheckResult) => r.status === 'fail' || r.status === 'warn' || r.status === 'error';

export function jsonPayload(run: RunResult, previous: RunRecord | undefined): VerdictChange {
  return {
    tool: 'l2preflight',
    checklist: run.checklist,
    venue: run.venue,
    verdict: run.verdict,
    previousVerdict: previous?.verdict ?? null,
    startedAt: run.startedAt,
    summary: run.summary,
    problems: run.results
      .filter(isProblem)
      .map((r) => ({ id: r.id, status: r.status, message: r.message, ...escalationOf(r) })),
  };
}

/** An alert as Alertmanager's API v2 takes it (postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

const VERDICT_ALERTS = { HOLD: 'L2PreflightHold', 'NO VERDICT': 'L2PreflightNoVerdict' } as const;

/**
 * The run's alerts: one for a HOLD or NO VERDICT, one per check at fail, warn or error. What was
 * firing in the previous run and no longer holds is sent with `endsAt` now, so Alertmanager resolves
 * it at once rather than after its resolve_timeout. Names match deploy/prometheus's alert rules.
 */
export function alertmanagerPayload(run: RunResult, previous: RunRecord | undefined): PostableAlert[] {
  const base = { checklist: run.checklist, venue: run.venue.name };
  const now = new Date().toISOString();
  const alerts: PostableAlert[] = [];
  for (const [verdict, alertname] of Object.entries(VERDICT_ALERTS)) {
    const labels = { alertname, ...base, severity: verdict === 'HOLD' ? 'critical' : 'warning' };
    if (run.verdict === verdict)
      alerts.push({
        labels,
        annotations: {
          summary: `${run.venue.name}: ${run.verdict}`,
          description: run.verdictReason,
        },
        startsAt: run.startedAt,
      });
    else if (previous?.verdict === verdict) alerts.push({ labels, annotations: {}, endsAt: now });
  }
  for (const result of run.results) {
    const labels = {
      alertname: 'L2PreflightCheckFailing',
      ...base,
      check_id: result.id,
      check_type: result.type,
      severity: result.severity,
      // A label, so a route can send the alert to its owner; in the resolving alert too (same identity).
      ...(result.owner ? { owner: result.owner } : {}),
    };
    if (isProblem(result)) {
      alerts.push({
        labels: { ...labels, status: result.status },
        annotations: {
          summary: `${result.id}: ${result.message}`,
          ...(result.remediation ? { remediation: result.remediation } : {}),
          ...(result.description ? { description: result.description } : {}),
          ...('observed' in result ? { observed: result.observed } : {}),
          ...('threshold' in result && result.threshold ? { threshold: result.threshold } : {}),
          // runbook_url: the name Prometheus alert rules and Alertmanager templates use for it.
          ...(result.runbook ? { runbook_url: result.runbook } : {}),
          ...(result.escalation ? { escalation: result.escalation } : {}),
        },
        startsAt: run.startedAt,
      });
    }
    // Resolve the series it was firing under (its status is a label): fail → warn is two alerts.
    const before = previous?.statuses[result.id];
    if (before && before !== result.status && (before === 'fail' || before === 'warn' || before === 'error'))
      alerts.push({ labels: { ...labels, status: before }, annotations: {}, endsAt: now });
  }
  return alerts;
}

/** Slack allows 3000 characters in a section's text. */
const SLACK_SECTION_LIMIT = 3000;

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function slackPayload(
  run: RunResult,
  previous: RunRecord | undefined,
): { text: string; blocks: unknown[] } {
  const was = previous && previous.verdict !== run.verdict ? ` (was ${previous.verdict})` : '';
  const headline = `l2preflight: ${run.verdict}${was} for ${run.venue.name} — ${run.verdictReason}`;
  const problems = run.results
    .filter(isProblem)
    .map(
      (r) =>
        `• *${r.id}* ${r.status}: ${r.message}${r.remediation ? `\n    _${r.remediation}_` : ''}${slackEscalation(r)}`,
    );
  return {
    // Slack requires `text` (the notification and fallback) even when blocks are given.
    text: clip(headline, SLACK_SECTION_LIMIT),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${headline}*`, SLACK_SECTION_LIMIT) } },
      ...(problems.length
        ? [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: clip(problems.join('\n'), SLACK_SECTION_LIMIT) },
            },
          ]
        : []),
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: clip(`${run.checklist} · ${run.startedAt}`, SLACK_SECTION_LIMIT) },
        ],
      },
    ],
  };
}

/** Slack's mrkdwn wants &, < and > escaped in text; a link is <url|label>. */
const slackText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** "owner: perps-risk · runbook · escalation: #perps-oncall" under a problem, the runbook a link. */
function slackEscalation(result: CheckResult): string {
  const parts = [
    ...(result.owner ? [`owner: ${slackText(result.owner)}`] : []),
    ...(result.runbook ? [`<${slackText(result.runbook).replaceAll('|', '%7C')}|runbook>`] : []),
    ...(result.escalation ? [`escalation: ${slackText(result.escalation)}`] : []),
  ];
  return parts.length ? `\n    ${parts.join(' · ')}` : '';
}

/** The receiver a URL names when --notify-format is not given: Alertmanager's API path, Slack's host, else JSON. */
export function inferNotifyFormat(url: string): NotifyFormat {
  const { hostname, pathname } = new URL(url);
  if (/\/api\/v2\/alerts\/?$/.test(pathname)) return 'alertmanager';
  if (hostname === 'hooks.slack.com') return 'slack';
  return 'json';
}
