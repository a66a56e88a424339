/** Pure rules that turn judgements into statuses, a run into a verdict, and a verdict into an exit code. */
import type { CheckResult, FailOn, Severity, Status, Verdict } from './result.js';
import { STATUSES } from './result.js';

/**
 * A check that holds but reports a concern (a leading indicator, such as a batcher that will run out
 * of funds in two days) warns whatever its severity: it is not a failure yet, and not a clean pass.
 */
export function statusOf(holds: boolean, severity: Severity, concern?: string): Status {
  if (holds) return concern ? 'warn' : 'pass';
  return severity === 'critical' ? 'fail' : 'warn';
}

/**
 * How serious a result is, on the fail/warn scale. An error is never a pass: a critical check that
 * could not measure blocks the route like a failure; a warning-level one like a warning.
 */
function level(result: CheckResult): 'fail' | 'warn' | undefined {
  if (result.status === 'fail') return 'fail';
  if (result.status === 'warn') return 'warn';
  if (result.status === 'error') return result.severity === 'critical' ? 'fail' : 'warn';
  return undefined;
}

export function blocking(results: readonly CheckResult[], failOn: FailOn): CheckResult[] {
  return results.filter((result) => {
    const l = level(result);
    return l === 'fail' || (l === 'warn' && failOn === 'warn');
  });
}

/**
 * Whether a critical check measured something (pass, warn or fail). A skip — `skip:`, `--skip`, or a
 * check that does not apply — measured nothing, and neither did an error.
 */
export function measuredCritical(results: readonly CheckResult[]): boolean {
  return results.some(
    (r) => r.severity === 'critical' && (r.status === 'pass' || r.status === 'warn' || r.status === 'fail'),
  );
}

/**
 * HOLD when a check failed (or warned, with --fail-on warn); NO VERDICT when no critical check measured
 * anything, since ROUTE on nothing measured would be a pass nobody measured; else HOLD on a critical
 * error, ROUTE when nothing blocks. A failure outranks the missing measurement: it is already a reason
 * to hold.
 */
export function verdictOf(results: readonly CheckResult[], failOn: FailOn): Verdict {
  const blockers = blocking(results, failOn);
  if (blockers.some((r) => r.status === 'fail' || r.status === 'warn')) return 'HOLD';
  if (!measuredCritical(results)) return 'NO VERDICT';
  return blockers.length === 0 ? 'ROUTE' : 'HOLD';
}

export function summarize(results: readonly CheckResult[]): Record<Status, number> {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const result of results) summary[result.status] += 1;
  return summary;
}

/**
 * 0: nothing at or above --fail-on (ROUTE). 1: a check failed (or warned, with --fail-on warn): the
 * venue is the problem. 3: nothing failed outright, but a critical check could not measure, or no
 * critical check measured anything (NO VERDICT): the measurement is the problem. (2, usage errors,
 * never reaches here.)
 */
export function exitCodeOf(results: readonly CheckResult[], failOn: FailOn): 0 | 1 | 3 {
  const blockers = blocking(results, failOn);
  if (blockers.some((r) => r.status === 'fail' || r.status === 'warn')) return 1;
  if (blockers.length > 0 || !measuredCritical(results)) return 3;
  return 0;
}

const RANK: Record<Status, number> = { pass: 0, skip: 0, warn: 1, fail: 2, error: 2 };

/** "newly failing" / "recovered" for a status change worth a human's attention, else undefined. */
export function changeOf(
  status: Status,
  previous: Status | undefined,
): 'newly failing' | 'recovered' | undefined {
  if (!previous || previous === status) return undefined;
  if (RANK[status] > RANK[previous]) return 'newly failing';
  if (RANK[status] < RANK[previous]) return 'recovered';
  return undefined;
}
