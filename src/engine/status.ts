/** Pure rules that turn judgements into statuses, a run into a verdict, and a verdict into an exit code. */
import type { CheckResult, FailOn, Severity, Status, Verdict } from '../core/result.js';
import { STATUSES } from '../core/result.js';

/**
 * A check that holds but reports a concern (a leading indicator, such as a batcher that will run out
 * of funds in two days) warns whatever its severity: it is not a failure yet, and not a clean pass.
 */
export function statusOf(holds: boolean, severity: Severity, concern?: string): 'pass' | 'warn' | 'fail' {
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

/** Results at or above --fail-on that judged something (fail, or warn with --fail-on warn). */
function judgedBlockers(results: readonly CheckResult[], failOn: FailOn): CheckResult[] {
  return blocking(results, failOn).filter((r) => r.status === 'fail' || r.status === 'warn');
}

/**
 * 0: nothing at or above --fail-on (ROUTE). 1: a check failed (or warned, with --fail-on warn): the
 * venue is the problem (HOLD). 3: nothing failed outright, but a check at or above --fail-on could
 * not measure, or no critical check measured anything: the measurement is the problem (NO VERDICT).
 * A failure outranks the missing measurement: it is already a reason to hold. (2, usage errors,
 * never reaches here.)
 */
export function exitCodeOf(results: readonly CheckResult[], failOn: FailOn): 0 | 1 | 3 {
  if (judgedBlockers(results, failOn).length > 0) return 1;
  if (blocking(results, failOn).length > 0 || !measuredCritical(results)) return 3;
  return 0;
}

const VERDICT_OF_EXIT = { 0: 'ROUTE', 1: 'HOLD', 3: 'NO VERDICT' } as const satisfies Record<
  0 | 1 | 3,
  Verdict
>;

/**
 * The verdict is the exit code in words, so the two can never disagree: HOLD ⇔ 1, NO VERDICT ⇔ 3,
 * ROUTE ⇔ 0. A critical check in error is NO VERDICT, not HOLD: nothing says the venue is unsafe,
 * only that it was not measured — a different page for the on-call (check the endpoint, not the venue).
 */
export function verdictOf(results: readonly CheckResult[], failOn: FailOn): Verdict {
  return VERDICT_OF_EXIT[exitCodeOf(results, failOn)];
}

const MEASURE_PREFIX = 'could not measure: ';

/** "a, b and 3 more" — a verdict line stays one line however many checks share a fate. */
function idList(results: readonly CheckResult[], max = 5): string {
  const ids = results.map((r) => r.id);
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/**
 * One sentence saying why the verdict is what it is. For NO VERDICT it names what could not be
 * measured and why (the first error's message), or that no critical check measured anything.
 */
export function verdictReasonOf(results: readonly CheckResult[], failOn: FailOn): string {
  const judged = judgedBlockers(results, failOn);
  const errors = blocking(results, failOn).filter((r) => r.status === 'error');
  if (judged.length > 0) {
    const unmeasured = errors.length > 0 ? `; ${errors.length} could not measure: ${idList(errors)}` : '';
    return `${judged.length} check(s) at or above --fail-on ${failOn}: ${idList(judged)}${unmeasured}`;
  }
  if (errors.length > 0) {
    const first = errors[0] as CheckResult;
    const why = first.message.startsWith(MEASURE_PREFIX)
      ? first.message.slice(MEASURE_PREFIX.length)
      : first.message;
    const kind = errors.every((r) => r.severity === 'critical') ? 'critical check' : 'check';
    return errors.length === 1
      ? `${kind} ${first.id} could not measure: ${why}`
      : `${errors.length} ${kind}s could not measure (${idList(errors)}); ${first.id}: ${why}`;
  }
  const critical = results.filter((r) => r.severity === 'critical');
  if (critical.length === 0) return 'no critical check ran: nothing measured can back a ROUTE';
  if (!measuredCritical(results)) {
    return `no critical check measured anything (${critical
      .slice(0, 5)
      .map((r) => `${r.id}: ${r.status}`)
      .join(
        ', ',
      )}${critical.length > 5 ? ` and ${critical.length - 5} more` : ''}): nothing measured can back a ROUTE`;
  }
  const measured = critical.filter((r) => r.status !== 'skip' && r.status !== 'error').length;
  return `nothing at or above --fail-on ${failOn}; ${measured} critical check(s) measured`;
}

/** The verdict's cause as a stable word, for labels and dashboards (the reason itself is a sentence). */
export type VerdictCause = 'clear' | 'failed' | 'could-not-measure' | 'nothing-measured';

export function verdictCauseOf(results: readonly CheckResult[], failOn: FailOn): VerdictCause {
  if (judgedBlockers(results, failOn).length > 0) return 'failed';
  if (blocking(results, failOn).length > 0) return 'could-not-measure';
  return measuredCritical(results) ? 'clear' : 'nothing-measured';
}

export function summarize(results: readonly CheckResult[]): Record<Status, number> {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const result of results) summary[result.status] += 1;
  return summary;
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
