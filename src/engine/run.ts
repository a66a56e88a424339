/**
 * Runs a checklist: every selected check concurrently (bounded), each under its own timeout and all
 * under the run's deadline, against one shared reader per chain. A check that throws or times out
 * becomes `error` — never `pass` — and never stops the others.
 */

import type { CheckInstance, Checklist } from '../checklist/model.js';
import type { CheckResult, FailOn, RunResult } from '../core/result.js';
import { Redactor } from '../rpc/redact.js';
import { StateStore } from '../state/store.js';
import { chainScope } from './checkState.js';
import { DEFAULT_CLOCK_TOLERANCE_MS, readClock } from './clock.js';
import { checkContext } from './context.js';
import { startRunLimits } from './limits.js';
import { skippedResult } from './outcome.js';
import { pool } from './pool.js';
import { runReport } from './report.js';
import { readsClock, runCheck } from './runCheck.js';
import { createVenueSession, type Traffic, type VenueSession } from './session.js';

export interface RunOptions {
  failOn?: FailOn;
  /** Ids or tags; when given, only matching checks run (the others are left out of the report). */
  only?: string[];
  /** Ids or tags; matching checks are reported as skip. */
  skip?: string[];
  /**
   * Checks in flight at once; default: all of them. The readers batch every read made in the same
   * tick into one HTTP request per endpoint (JSON-RPC batch, Multicall3), so a cap does not spare the
   * endpoints requests: it splits the run into waves, each costing its own round trips (a 200-check
   * run at 16 made 21 requests where all at once make 4). A cap stays for venues that want one.
   */
  concurrency?: number;
  /** Per-check timeout when the check does not set its own; overrides the checklist's defaults.timeout. */
  timeoutMs?: number;
  /** Deadline for the whole run. */
  deadlineMs?: number;
  version?: string;
  now?: () => number;
  /** Called as each check finishes (progress display). */
  onResult?: (result: CheckResult, done: number, total: number) => void;
  redactor?: Redactor;
  /** Where run history lives; without it, checks that compare with the last run see no history. */
  stateDir?: string;
  /** The state store itself (wins over stateDir): the caller reads its `problems` after the run. */
  store?: StateStore;
  /** Aborts every unfinished check (they end as error), e.g. when --watch is interrupted. */
  signal?: AbortSignal;
  /** Largest accepted lag of this machine's clock behind the chain head; overrides defaults.clockTolerance. */
  clockToleranceMs?: number;
  /** Per HTTP request to an RPC endpoint; overrides defaults.rpcTimeout (see resolveRpcTimeout). */
  rpcTimeoutMs?: number;
  /** Oldest head a state read accepts, for every chain; overrides defaults.maxBlockAge (else per stack). */
  maxBlockAgeMs?: number;
  /**
   * Builds the venue session from the run's signal (which the deadline and an interrupt abort);
   * default: the checklist's own (createVenueSession). Tests pass a stub.
   */
  session?: (signal: AbortSignal) => VenueSession;
}

export interface RunOutcome {
  run: RunResult;
  traffic: Traffic;
}

function matches(check: CheckInstance, selectors: string[]): boolean {
  return selectors.includes(check.id) || check.tags.some((tag) => selectors.includes(tag));
}

function skipReason(check: CheckInstance, skip: string[] | undefined): string | undefined {
  return check.skip ?? (skip && matches(check, skip) ? 'skipped by --skip' : undefined);
}

export async function runChecklist(checklist: Checklist, options: RunOptions = {}): Promise<RunOutcome> {
  const now = options.now ?? Date.now;
  const redactor = options.redactor ?? new Redactor();
  const startedAt = now();
  const started = performance.now();
  const limits = startRunLimits(options);
  const session = (options.session ?? ((signal) => defaultSession(checklist, options, redactor, signal)))(
    limits.signal,
  );
  const selected = options.only?.length
    ? checklist.checks.filter((c) => matches(c, options.only ?? []))
    : checklist.checks;
  // Read once, early, and awaited only by the checks that judge ages (under their own timeouts).
  const clock = selected.some(readsClock)
    ? {
        reading: readClock({ l1: session.l1, l2: session.l2 }, now),
        toleranceMs:
          options.clockToleranceMs ?? checklist.defaults.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS,
      }
    : undefined;
  clock?.reading.catch(() => {});
  const store = options.store ?? (options.stateDir ? new StateStore(options.stateDir) : undefined);
  const scope = {
    checklistFile: checklist.file,
    now,
    store,
    recordScope: chainScope(session.l2),
    drillPortal: checklist.drill?.portal ?? checklist.venue.contracts.portal,
  };
  const cut = new Set<string>();

  const runSelected = async (check: CheckInstance): Promise<CheckResult> => {
    const skip = skipReason(check, options.skip);
    if (skip) return skippedResult(check, skip);
    const { result, cutByDeadline } = await runCheck(
      check,
      (signal) => checkContext(session, check, scope, signal),
      {
        timeoutMs: check.timeoutMs ?? options.timeoutMs ?? checklist.defaults.timeoutMs,
        runSignal: limits.signal,
        clock,
        now,
      },
    );
    if (cutByDeadline) cut.add(check.id);
    return result;
  };
  let done = 0;
  const results = await pool(selected, options.concurrency ?? selected.length, async (check) => {
    const result = redactor.applyDeep(await runSelected(check));
    done += 1;
    options.onResult?.(result, done, selected.length);
    return result;
  });
  limits.end();

  return {
    traffic: session.traffic(),
    run: runReport(checklist, results, {
      version: options.version ?? '0.0.0',
      failOn: options.failOn ?? 'fail',
      startedAt,
      durationMs: Math.round(performance.now() - started),
      deadlineMs: limits.deadlineMs,
      cut,
      endpoints: session.endpoints(),
    }),
  };
}

function defaultSession(
  checklist: Checklist,
  options: RunOptions,
  redactor: Redactor,
  signal: AbortSignal,
): VenueSession {
  return createVenueSession(checklist, {
    redactor,
    signal,
    now: options.now ?? Date.now,
    checkTimeoutMs: options.timeoutMs ?? checklist.defaults.timeoutMs,
    rpcTimeoutMs: options.rpcTimeoutMs,
    maxBlockAgeMs: options.maxBlockAgeMs,
  });
}
