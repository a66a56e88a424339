import { describe, expect, it } from 'vitest';
import type { CheckResult, FailOn, Severity, Status } from '../../src/engine/result.js';
import { exitCodeOf, verdictOf } from '../../src/engine/status.js';

/** A result of this status and severity; `crit:skip` reads as a critical check that skipped. */
function result(spec: string, index: number): CheckResult {
  const [level, status] = spec.split(':') as ['crit' | 'warn', Status];
  const severity: Severity = level === 'crit' ? 'critical' : 'warning';
  const base = { id: `c${index}`, type: 't', severity, tags: [], durationMs: 0, message: '' };
  if (status === 'pass' || status === 'warn' || status === 'fail')
    return { ...base, status, observed: '', threshold: '' };
  return { ...base, status };
}

describe('verdictOf and exitCodeOf', () => {
  it.each([
    // results, --fail-on, verdict, exit code
    [['crit:pass'], 'fail', 'ROUTE', 0],
    [['crit:pass', 'crit:skip'], 'fail', 'ROUTE', 0],
    [['crit:fail'], 'fail', 'HOLD', 1],
    [['crit:error', 'crit:pass'], 'fail', 'HOLD', 3],
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
});
