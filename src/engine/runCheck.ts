/**
 * Runs one check under its limits: its own timeout, the run's signal (deadline or interrupt), and the
 * clock's verdict for checks that judge ages. Whatever happens, it returns a result — a check that
 * throws, hangs or is cut off is `error`, never `pass` — and says whether the run's deadline cut it.
 */
import type { CheckInstance } from '../checklist/model.js';
import type { CheckContext } from '../checks/define.js';
import { CheckTimeoutError, DeadlineError } from '../core/errors.js';
import type { CheckResult } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import { type ClockReading, clockProblem } from './clock.js';
import { childController, rejectOnAbort } from './limits.js';
import { judgedResult, resultBase, thrownResult } from './outcome.js';

/** Why a finished check's leftover reads are cancelled; nothing awaits them, so no one reads it. */
const CHECK_OVER = new Error('the check is over');

export interface CheckLimits {
  timeoutMs: number;
  /** The run's: aborted at the deadline (reason DeadlineError) or on an interrupt. */
  runSignal: AbortSignal;
  /** This machine's clock against the chain, for a check that reads it. */
  clock?: { reading: Promise<ClockReading | undefined>; toleranceMs: number };
  now: () => number;
}

export interface CheckRun {
  result: CheckResult;
  /** The run's deadline ended this check before it finished. */
  cutByDeadline: boolean;
}

/** Whether the check judges ages against this machine's clock, with these parameters. */
export function readsClock(check: CheckInstance): boolean {
  const flag = check.definition.readsClock;
  return typeof flag === 'function' ? flag(check.params) : flag === true;
}

export async function runCheck(
  check: CheckInstance,
  contextFor: (signal: AbortSignal) => CheckContext,
  limits: CheckLimits,
): Promise<CheckRun> {
  const { runSignal, timeoutMs } = limits;
  const cut = (error: unknown) => error instanceof DeadlineError;
  // A check started after the deadline (or an interrupt) has nothing left to run in: it ends at once,
  // without sending a request.
  if (runSignal.aborted) {
    return { result: thrownResult(check, runSignal.reason, 0), cutByDeadline: cut(runSignal.reason) };
  }
  const { controller: abort, release } = childController(runSignal);
  const timer = setTimeout(
    () => abort.abort(new CheckTimeoutError(`timed out after ${formatDuration(timeoutMs)}`)),
    timeoutMs,
  );
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const aborted = rejectOnAbort(abort.signal);
  aborted.catch(() => {});
  try {
    if (limits.clock && readsClock(check)) {
      const reading = await Promise.race([limits.clock.reading, aborted]);
      const problem = clockProblem(reading, limits.clock.toleranceMs);
      if (problem) {
        const result: CheckResult = {
          ...resultBase(check),
          status: 'error',
          message: `could not measure: ${problem}`,
          errorKind: 'clock',
          evidence: { clock: { ...reading, toleranceMs: limits.clock.toleranceMs } },
          durationMs: elapsed(),
        };
        return { result, cutByDeadline: false };
      }
    }
    const observation = await Promise.race([
      check.definition.read(contextFor(abort.signal), check.params),
      aborted,
    ]);
    const judgement = check.definition.evaluate(check.params, observation, limits.now());
    return { result: judgedResult(check, judgement, elapsed()), cutByDeadline: false };
  } catch (error) {
    return { result: thrownResult(check, error, elapsed()), cutByDeadline: cut(error) };
  } finally {
    clearTimeout(timer);
    release();
    // Cancels what the check left in flight (a read it no longer awaits). One reason for all: abort()
    // without one builds a DOMException with a stack per check.
    abort.abort(CHECK_OVER);
  }
}
