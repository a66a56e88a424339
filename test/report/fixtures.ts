import type { CheckResult, FailOn, RunResult } from '../../src/core/result.js';
import { summarize, verdictOf, verdictReasonOf } from '../../src/engine/status.js';

/** Text that XML must escape, plus BEL and ESC, which no report may pass through raw. */
export const HOSTILE = 'fund holds <nothing> & "none" \'at all\'\u0007\u001b[31m';

/** One result of every status; every non-pass result and the pass one carry a remediation. */
export function fixtureResults(): CheckResult[] {
  return [
    {
      id: 'head-fresh',
      type: 'sequencer.head-age',
      severity: 'critical',
      status: 'pass',
      observed: '1s',
      threshold: '<= 30s',
      message: 'latest L2 block 7 is 1s old',
      remediation: 'Pass remediation must not be shown.',
      tags: [],
      durationMs: 41,
      evidence: { block: 7n, window: [1n, 2n], nested: { wei: 10n ** 30n } },
    },
    {
      id: 'eth-usd',
      type: 'oracle.chainlink',
      severity: 'warning',
      status: 'warn',
      observed: 'price 3000, 2h old',
      threshold: 'age <= 1h',
      message: 'ETH / USD: last update 2h ago',
      remediation: 'Wait for a round.',
      description: 'the ETH / USD feed is fresh',
      tags: ['oracle'],
      durationMs: 20,
    },
    {
      id: 'fund',
      type: 'insurance.fund',
      severity: 'critical',
      status: 'fail',
      observed: '0 USD',
      threshold: '>= 1,000,000 USD',
      message: HOSTILE,
      remediation: 'Reduce size.',
      tags: [],
      durationMs: 30,
    },
    {
      id: 'probe',
      type: 'reorg.probe',
      severity: 'critical',
      status: 'error',
      message: 'could not measure: HTTP request failed',
      errorKind: 'rpc',
      description: 'no block of the last 64 was replaced',
      tags: ['reorg'],
      durationMs: 1500,
    },
    {
      id: 'later',
      type: 'sequencer.cadence',
      severity: 'critical',
      status: 'skip',
      message: 'skipped by --skip',
      remediation: 'Skip remediation must not be shown.',
      tags: [],
      durationMs: 0,
    },
  ];
}

/** A run whose summary and verdict follow from its results and failOn, as the engine would set them. */
export function fixtureRun(
  overrides: { failOn?: FailOn; results?: CheckResult[]; cutByDeadline?: string[] } = {},
): RunResult {
  const failOn = overrides.failOn ?? 'fail';
  const results = overrides.results ?? fixtureResults();
  return {
    schemaVersion: 1,
    tool: { name: 'l2preflight', version: '0.1.0' },
    checklist: 'checks/base.yaml',
    venue: { name: 'Base', stack: 'op-stack', l2ChainId: 8453, l1ChainId: 1 },
    startedAt: '2026-11-24T10:00:00.000Z',
    durationMs: 812,
    failOn,
    verdict: verdictOf(results, failOn),
    summary: summarize(results),
    results,
    endpoints: [{ chain: 'l2', url: 'https://mainnet.base.org', requests: 3, failures: 0 }],
    verdictReason: verdictReasonOf(results, failOn),
    checksRun: results.filter((r) => r.status !== 'skip').length,
    checksInChecklist: results.length + 2,
    cutByDeadline: overrides.cutByDeadline ?? [],
  };
}

export const byStatus = (run: RunResult, status: CheckResult['status']): CheckResult => {
  const found = run.results.find((r) => r.status === status);
  if (!found) throw new Error(`fixture has no ${status} result`);
  return found;
};

/** The fixture's results with the error carrying a remediation: the human formats must not print it. */
export function resultsWithErrorRemediation(): CheckResult[] {
  return fixtureResults().map((r) =>
    r.status === 'error' ? { ...r, remediation: 'Error remediation must not be shown.' } : r,
  );
}

/** A run whose only critical measurement is an error: exit 3, NO VERDICT. */
export function unmeasuredRun(cutByDeadline: string[] = []): RunResult {
  const results = resultsWithErrorRemediation().filter((r) => r.id === 'probe' || r.id === 'later');
  return fixtureRun({ results, cutByDeadline });
}
