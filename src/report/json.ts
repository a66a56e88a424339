/** The JSON report: DESIGN.md's public shape, keys in a stable order, bigints as decimal strings. */
import type { CheckResult, RunResult } from '../core/result.js';

function orderedResult(result: CheckResult): Record<string, unknown> {
  const judged = result.status === 'pass' || result.status === 'warn' || result.status === 'fail';
  return {
    id: result.id,
    type: result.type,
    severity: result.severity,
    status: result.status,
    observed: judged ? result.observed : undefined,
    threshold: result.status !== 'skip' ? result.threshold : undefined,
    message: result.message,
    value: judged ? result.value : undefined,
    unit: judged ? result.unit : undefined,
    previousStatus: result.previousStatus,
    remediation: result.remediation,
    durationMs: result.durationMs,
    evidence: result.status !== 'skip' ? result.evidence : undefined,
    tags: result.tags,
    description: result.description,
    // Added after schemaVersion 1 shipped: last, so existing keys keep their order.
    errorKind: result.status === 'error' || result.status === 'skip' ? result.errorKind : undefined,
    // On every result, like description: they belong to the check, whatever it found this time.
    owner: result.owner,
    runbook: result.runbook,
    escalation: result.escalation,
    // `value`'s threshold as a number in `unit` (max: holds while value <= limit; min: while >=).
    limit: judged ? result.limit : undefined,
  };
}

export function renderJson(run: RunResult): string {
  const ordered = {
    schemaVersion: run.schemaVersion,
    tool: run.tool,
    checklist: run.checklist,
    venue: run.venue,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    verdict: run.verdict,
    summary: run.summary,
    results: run.results.map(orderedResult),
    failOn: run.failOn,
    endpoints: run.endpoints,
    // Added after schemaVersion 1 shipped: appended, so existing keys keep their order.
    verdictReason: run.verdictReason,
    checksRun: run.checksRun,
    checksInChecklist: run.checksInChecklist,
    deadlineMs: run.deadlineMs,
    cutByDeadline: run.cutByDeadline,
  };
  return `${JSON.stringify(ordered, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}
