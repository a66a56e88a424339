/**
 * Turns what a check ended with — a judgement, or something thrown — into its result. An error is
 * never a pass: anything thrown is `error`, except NotApplicable, which is `skip` with the reason.
 */
import type { CheckInstance } from '../checklist/model.js';
import { type Judgement, NotApplicable } from '../checks/define.js';
import { classifyError } from '../core/errors.js';
import type { CheckResult } from '../core/result.js';
import { statusOf } from './status.js';

/** The fields every result of this check carries, whatever its status. */
export function resultBase(check: CheckInstance) {
  return {
    id: check.id,
    type: check.type,
    severity: check.severity,
    description: check.description,
    remediation: check.remediation,
    // Only when set: results of checklists without them keep their exact shape.
    ...(check.owner !== undefined ? { owner: check.owner } : {}),
    ...(check.runbook !== undefined ? { runbook: check.runbook } : {}),
    ...(check.escalation !== undefined ? { escalation: check.escalation } : {}),
    tags: check.tags,
  };
}

/** A check left out by the checklist (`skip:`) or by --skip: nothing was measured. */
export function skippedResult(check: CheckInstance, reason: string): CheckResult {
  return { ...resultBase(check), status: 'skip', message: reason, durationMs: 0 };
}

export function judgedResult(check: CheckInstance, judgement: Judgement, durationMs: number): CheckResult {
  return {
    ...resultBase(check),
    status: statusOf(judgement.holds, check.severity, judgement.concern),
    observed: judgement.observed,
    threshold: judgement.threshold,
    message: judgement.concern ? `${judgement.message}; ${judgement.concern}` : judgement.message,
    ...(judgement.value ? { value: judgement.value.value, unit: judgement.value.unit } : {}),
    ...(judgement.value?.limit ? { limit: judgement.value.limit } : {}),
    evidence: judgement.evidence,
    durationMs,
  };
}

/** What a thrown error (a failed read, a timeout, the deadline) makes of the check. */
export function thrownResult(check: CheckInstance, error: unknown, durationMs: number): CheckResult {
  if (error instanceof NotApplicable) {
    const message = `not applicable: ${error.message}`;
    return { ...resultBase(check), status: 'skip', message, errorKind: 'not-applicable', durationMs: 0 };
  }
  const { kind, message, evidence } = classifyError(error);
  return {
    ...resultBase(check),
    status: 'error',
    message: `could not measure: ${message}`,
    errorKind: kind,
    evidence,
    durationMs,
  };
}
