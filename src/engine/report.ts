/** The run's report from its results: the verdict, the summary and what the session saw (pure). */
import type { Checklist } from '../checklist/model.js';
import type { CheckResult, EndpointReport, FailOn, RunResult } from '../core/result.js';
import { summarize, verdictOf, verdictReasonOf } from './status.js';

export interface RunFacts {
  version: string;
  failOn: FailOn;
  startedAt: number;
  durationMs: number;
  deadlineMs?: number;
  /** Ids of the checks the run's deadline ended. */
  cut: ReadonlySet<string>;
  endpoints: EndpointReport[];
}

export function runReport(checklist: Checklist, results: CheckResult[], facts: RunFacts): RunResult {
  const { venue } = checklist;
  return {
    schemaVersion: 1,
    tool: { name: 'l2preflight', version: facts.version },
    checklist: checklist.file,
    venue: {
      name: venue.name,
      stack: venue.stack,
      ...(venue.l2 ? { l2ChainId: venue.l2.chainId } : {}),
      ...(venue.dydx ? { network: venue.dydx.network } : {}),
      ...(venue.l1 ? { l1ChainId: venue.l1.chainId } : {}),
    },
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: facts.durationMs,
    failOn: facts.failOn,
    verdict: verdictOf(results, facts.failOn),
    summary: summarize(results),
    results,
    verdictReason: verdictReasonOf(results, facts.failOn),
    checksRun: results.filter((r) => r.status !== 'skip').length,
    checksInChecklist: checklist.checks.length,
    ...(facts.deadlineMs !== undefined ? { deadlineMs: facts.deadlineMs } : {}),
    cutByDeadline: results.filter((r) => facts.cut.has(r.id)).map((r) => r.id),
    endpoints: facts.endpoints,
  };
}
