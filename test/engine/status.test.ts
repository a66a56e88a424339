import { describe, expect, it } from 'vitest';
import type { CheckResult, FailOn, Severity, Status } from '../../src/core/result.js';
import { exitCodeOf, verdictCauseOf, verdictOf, verdictReasonOf } from '../../src/engine/status.js';

/** A result of this status and severity; `crit:skip` reads as a critical check that skipped. */
function result(spec: string, index: number): CheckResult {
  const [level, status] = spec.split(':') as ['crit' | 'warn', Status];
  const severity: Severity = level === 'crit' ? 'critical' : 'warning';
  const base = { id: `c${index}`, type: 't', severity, tags: [], durationMs: 0, message: '' };
  if (status === 'pass' || status === 'warn' || status === 'fail')
    return { ...base, status, observed: '', threshold: '' };
  if (status === 'error')
    return { ...base, status, message: 'could not measure: l2 RPC #1 timed out after 3s', errorKind: 'rpc' };
  return { ...base, status };
}

describe('verdictOf and exitCodeOf', () => {
  it.each([
    // results, --fail-on, verdict, exit code
    [['crit:pass'], 'fail', 'ROUTE', 0],
    [['crit:pass', 'crit:skip'], 'fail', 'ROUTE', 0],
    [['crit:fail'], 'fail', 'HOLD', 1],
    // a critical check that could not measure: exit 3 is NO VERDICT, never HOLD (HOLD is exit 1)
    [['crit:error', 'crit:pass'], 'fail', 'NO VERDICT', 3],
    [['crit:error', 'crit:error'], 'fail', 'NO VERDICT', 3],
    [['crit:error', 'crit:fail'], 'fail', 'HOLD', 1],
    [['crit:error', 'warn:warn'], 'warn', 'HOLD', 1],
    // a warning-level error blocks only under --fail-on warn, and then it is a missing measurement
    [['crit:pass', 'warn:error'], 'fail', 'ROUTE', 0],
    [['crit:pass', 'warn:error'], 'warn', 'NO VERDICT', 3],
    // nothing critical measured: no verdict, never ROUTE
    [['crit:skip'], 'fail', 'NO VERDICT', 3],
    [['crit:skip', 'crit:skip', 'warn:pass'], 'fail', 'NO VERDICT', 3],
    [['crit:error', 'crit:skip'], 'fail', 'NO VERDICT', 3],
    [['warn:pass'], 'fail', 'NO VERDICT', 3],
    [[], 'fail', 'NO VERDICT', 3],
    // a failure outranks the missing measurement
    [['crit:skip', 'warn:warn'], 'warn', 'HOLD', 1],
    [['crit:skip', 'warn:warn'], 'fail', 'NO VERDICT', 3],
    // a critical warn (a concern) is a measurement
    [['crit:warn'], 'fail', 'ROUTE', 0],
    [['crit:warn'], 'warn', 'HOLD', 1],
  ] as const)('%j with --fail-on %s → %s, exit %i', (specs, failOn, verdict, code) => {
    const results = specs.map(result);
    expect(verdictOf(results, failOn as FailOn)).toBe(verdict);
    expect(exitCodeOf(results, failOn as FailOn)).toBe(code);
  });

  it('agree on every combination of up to three results: 0 ⇔ ROUTE, 1 ⇔ HOLD, 3 ⇔ NO VERDICT', () => {
    const specs = ['crit', 'warn'].flatMap((l) =>
      ['pass', 'warn', 'fail', 'error', 'skip'].map((s) => `${l}:${s}`),
    );
    const combos: string[][] = [[]];
    for (let size = 0; size < 3; size++)
      for (const combo of [...combos])
        if (combo.length === size) for (const s of specs) combos.push([...combo, s]);
    const expected = { 0: 'ROUTE', 1: 'HOLD', 3: 'NO VERDICT' } as const;
    for (const combo of combos)
      for (const failOn of ['fail', 'warn'] as const) {
        const results = combo.map(result);
        expect(verdictOf(results, failOn), `${combo} --fail-on ${failOn}`).toBe(
          expected[exitCodeOf(results, failOn)],
        );
      }
  });
});

describe('verdictReasonOf', () => {
  it.each([
    [
      ['crit:pass', 'crit:skip'],
      'fail',
      'clear',
      'nothing at or above --fail-on fail; 1 critical check(s) measured',
    ],
    [
      ['crit:fail', 'crit:error'],
      'fail',
      'failed',
      '1 check(s) at or above --fail-on fail: c0; 1 could not measure: c1',
    ],
    [
      ['crit:pass', 'crit:error'],
      'fail',
      'could-not-measure',
      'critical check c1 could not measure: l2 RPC #1 timed out after 3s',
    ],
    [
      ['crit:error', 'crit:error'],
      'fail',
      'could-not-measure',
      '2 critical checks could not measure (c0, c1); c0: l2 RPC #1 timed out after 3s',
    ],
    [
      ['crit:pass', 'warn:error'],
      'warn',
      'could-not-measure',
      'check c1 could not measure: l2 RPC #1 timed out after 3s',
    ],
    [
      ['crit:skip', 'warn:pass'],
      'fail',
      'nothing-measured',
      'no critical check measured anything (c0: skip): nothing measured can back a ROUTE',
    ],
    [[], 'fail', 'nothing-measured', 'no critical check ran: nothing measured can back a ROUTE'],
  ] as const)('%j with --fail-on %s: %s, "%s"', (specs, failOn, cause, reason) => {
    const results = specs.map(result);
    expect(verdictCauseOf(results, failOn)).toBe(cause);
    expect(verdictReasonOf(results, failOn)).toBe(reason);
  });
});
