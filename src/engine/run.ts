/**
 * Runs a checklist: every selected check concurrently (bounded), each under its own timeout and all
 * under the run's deadline, against one shared reader per chain. A check that throws or times out
 * becomes `error` — never `pass` — and never stops the others.
 */

import { setMaxListeners } from 'node:events';
import type { CheckInstance, Checklist } from '../checklist/model.js';
import { type CheckContext, type Judgement, NotApplicable } from '../checks/define.js';
import type { CheckResult, FailOn, RunResult } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import { ChainReader } from '../rpc/reader.js';
import { Redactor } from '../rpc/redact.js';
import { maxBlockAgeFor } from '../rpc/staleness.js';
import { resolveRpcTimeout } from '../rpc/transport.js';
import { checkHistory, NO_HISTORY } from '../state/checkHistory.js';
import { checklistKey, StateStore } from '../state/store.js';
import { EvmAdapter, type VenueAdapter } from '../venues/adapter.js';
import { DydxAdapter } from '../venues/dydx.js';
import { clockProblem, DEFAULT_CLOCK_TOLERANCE_MS, readClock } from './clock.js';
import { statusOf, summarize, verdictOf, verdictReasonOf } from './status.js';

export interface RunOptions {
  failOn?: FailOn;
  /** Ids or tags; when given, only matching checks run (the others are left out of the report). */
  only?: string[];
  /** Ids or tags; matching checks are reported as skip. */
  skip?: string[];
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
}

export interface RunOutcome {
  run: RunResult;
  traffic: { httpRequests: number; rpcCalls: number };
}

class TimeoutError extends Error {}
/** The run's deadline passed: the checks it ends are reported as cut by the deadline. */
class DeadlineError extends TimeoutError {}

/** Calls `listener` once when `signal` aborts — at once when it already has (addEventListener would never fire). */
function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => {};
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

function matches(check: CheckInstance, selectors: string[]): boolean {
  return selectors.includes(check.id) || check.tags.some((tag) => selectors.includes(tag));
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const details = (error as { details?: unknown }).details;
    const base = typeof short === 'string' ? short : error.message;
    return typeof details === 'string' && details && !base.includes(details) ? `${base} (${details})` : base;
  }
  return String(error);
}

/** Runs tasks with at most `limit` in flight, preserving input order in the output. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * The L2 reader of a venue that has no EVM chain (dYdX v4): every read rejects with NotApplicable, so
 * an EVM-only check is `skip` with the reason instead of an error. The loader already refuses a check
 * that declares EVM needs on such a venue; this stays as the net under an undeclared read.
 */
function noEvmChain(stack: string): ChainReader {
  const refuse = () =>
    Promise.reject(
      new NotApplicable(`${stack} is not an EVM chain: this check reads EVM state (blocks, contracts)`),
    );
  return new Proxy({} as ChainReader, {
    get: (_target, property) => (property === 'chainId' ? 0 : property === 'then' ? undefined : refuse),
  });
}

export async function runChecklist(checklist: Checklist, options: RunOptions = {}): Promise<RunOutcome> {
  const now = options.now ?? Date.now;
  const failOn = options.failOn ?? 'fail';
  const redactor = options.redactor ?? new Redactor();
  const startedAt = now();
  const started = performance.now();
  const runAbort = new AbortController();
  // Every check listens for the run's deadline; a long checklist is not a listener leak.
  setMaxListeners(0, runAbort.signal);
  const deadlineMs = options.deadlineMs !== undefined ? Math.max(0, options.deadlineMs) : undefined;
  // Aborting the run-level signal ends every unfinished check and cancels every in-flight request
  // (the readers and the dYdX adapter take it), so nothing keeps the process alive past the deadline.
  const deadline =
    deadlineMs !== undefined
      ? setTimeout(
          () => runAbort.abort(new DeadlineError(`run deadline of ${formatDuration(deadlineMs)} reached`)),
          deadlineMs,
        )
      : undefined;

  // Removed when the run ends: --watch passes one signal to every run, and listeners must not pile up.
  const stopInterrupt = options.signal
    ? onAbort(options.signal, () => runAbort.abort(new TimeoutError('the run was interrupted')))
    : () => {};
  const requestTimeoutMs = resolveRpcTimeout(
    options.timeoutMs ?? checklist.defaults.timeoutMs,
    options.rpcTimeoutMs ?? checklist.defaults.rpcTimeoutMs,
  );
  const configuredBlockAge = options.maxBlockAgeMs ?? checklist.defaults.maxBlockAgeMs;
  const blockAge = (chain: 'l1' | 'l2' | 'reference') => ({
    maxBlockAgeMs: maxBlockAgeFor(chain, checklist.venue.stack, configuredBlockAge),
    now,
  });
  const l2 = checklist.venue.l2
    ? new ChainReader({
        label: 'l2',
        chainId: checklist.venue.l2.chainId,
        urls: checklist.venue.l2.rpc,
        redactor,
        requestTimeoutMs,
        signal: runAbort.signal,
        ...blockAge('l2'),
      })
    : undefined;
  const l2OrAbsent = l2 ?? noEvmChain(checklist.venue.stack);
  const venueAdapter: VenueAdapter = checklist.venue.dydx
    ? new DydxAdapter(checklist.venue.dydx, redactor, runAbort.signal)
    : new EvmAdapter(checklist.venue.stack, l2OrAbsent);
  const l1 = checklist.venue.l1
    ? new ChainReader({
        label: 'l1',
        chainId: checklist.venue.l1.chainId,
        urls: checklist.venue.l1.rpc,
        redactor,
        requestTimeoutMs,
        signal: runAbort.signal,
        ...blockAge('l1'),
      })
    : undefined;

  const referenceReaders = new Map<string, ChainReader>();
  const referenceChain = (chain: { chainId: number; rpc: string[] }) => {
    const key = `${chain.chainId} ${chain.rpc.join(' ')}`;
    let reader = referenceReaders.get(key);
    if (!reader) {
      reader = new ChainReader({
        label: 'reference',
        chainId: chain.chainId,
        urls: chain.rpc,
        redactor,
        requestTimeoutMs,
        signal: runAbort.signal,
        ...blockAge('reference'),
      });
      referenceReaders.set(key, reader);
    }
    return reader;
  };

  const selected = options.only?.length
    ? checklist.checks.filter((c) => matches(c, options.only ?? []))
    : checklist.checks;
  const readsClock = (check: CheckInstance) => {
    const flag = check.definition.readsClock;
    return typeof flag === 'function' ? flag(check.params) : flag === true;
  };
  // Read once, early, and awaited only by the checks that judge ages (under their own timeouts).
  const clockTolerance =
    options.clockToleranceMs ?? checklist.defaults.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  const clock = selected.some(readsClock) ? readClock({ l1, l2 }, now) : undefined;
  clock?.catch(() => {});
  let done = 0;
  const cut = new Set<string>();
  const store = options.store ?? (options.stateDir ? new StateStore(options.stateDir) : undefined);
  const historyKey = (check: CheckInstance) => [checklistKey(checklist.file), 'checks', check.id];

  const runOne = async (check: CheckInstance): Promise<CheckResult> => {
    const base = {
      id: check.id,
      type: check.type,
      severity: check.severity,
      description: check.description,
      remediation: check.remediation,
      tags: check.tags,
    };
    const skipReason =
      check.skip ?? (options.skip && matches(check, options.skip) ? 'skipped by --skip' : undefined);
    if (skipReason) return { ...base, status: 'skip', message: skipReason, durationMs: 0 };

    const timeoutMs = check.timeoutMs ?? options.timeoutMs ?? checklist.defaults.timeoutMs;
    // A check that the pool starts after the deadline (or an interrupt) has nothing left to run in:
    // it ends at once, without sending a request.
    if (runAbort.signal.aborted) {
      const reason = runAbort.signal.reason;
      if (reason instanceof DeadlineError) cut.add(check.id);
      return {
        ...base,
        status: 'error',
        message: `could not measure: ${errorMessage(reason)}`,
        durationMs: 0,
      };
    }
    const abort = new AbortController();
    const stopListening = onAbort(runAbort.signal, () => abort.abort(runAbort.signal.reason));
    const timer = setTimeout(
      () => abort.abort(new TimeoutError(`timed out after ${formatDuration(timeoutMs)}`)),
      timeoutMs,
    );
    const checkStarted = performance.now();
    const history = store ? checkHistory(store, historyKey(check)) : NO_HISTORY;
    const context: CheckContext = {
      history,
      state: store ? { store, checklistKey: checklistKey(checklist.file) } : undefined,
      l2: l2OrAbsent,
      l1,
      stack: checklist.venue.stack,
      venue: venueAdapter,
      referenceChain,
      now,
      signal: abort.signal,
      sleep: (ms) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          onAbort(abort.signal, () => {
            clearTimeout(t);
            reject(abort.signal.reason);
          });
        }),
    };
    const aborted = new Promise<never>((_, reject) => {
      onAbort(abort.signal, () => reject(abort.signal.reason));
    });
    try {
      if (clock && readsClock(check)) {
        const problem = clockProblem(await Promise.race([clock, aborted]), clockTolerance);
        if (problem) {
          return {
            ...base,
            status: 'error',
            message: `could not measure: ${problem}`,
            evidence: { clock: { ...(await clock), toleranceMs: clockTolerance } },
            durationMs: Math.round(performance.now() - checkStarted),
          };
        }
      }
      const observation = await Promise.race([check.definition.read(context, check.params), aborted]);
      const judgement: Judgement = check.definition.evaluate(check.params, observation, now());
      return {
        ...base,
        status: statusOf(judgement.holds, check.severity, judgement.concern),
        observed: judgement.observed,
        threshold: judgement.threshold,
        message: judgement.concern ? `${judgement.message}; ${judgement.concern}` : judgement.message,
        ...(judgement.value ? { value: judgement.value.value, unit: judgement.value.unit } : {}),
        evidence: judgement.evidence,
        durationMs: Math.round(performance.now() - checkStarted),
      };
    } catch (error) {
      if (error instanceof NotApplicable) {
        return { ...base, status: 'skip', message: `not applicable: ${error.message}`, durationMs: 0 };
      }
      if (error instanceof DeadlineError) cut.add(check.id);
      return {
        ...base,
        status: 'error',
        message: `could not measure: ${errorMessage(error)}`,
        evidence: (error as { evidence?: Record<string, unknown> }).evidence,
        durationMs: Math.round(performance.now() - checkStarted),
      };
    } finally {
      clearTimeout(timer);
      stopListening();
      abort.abort();
    }
  };

  const results = await pool(selected, options.concurrency ?? 16, async (check) => {
    const result = redactor.applyDeep(await runOne(check));
    done += 1;
    options.onResult?.(result, done, selected.length);
    return result;
  });
  clearTimeout(deadline);
  stopInterrupt();
  // The run is over: whatever a check left behind (a read it no longer awaits, the clock read) is
  // cancelled now rather than left holding sockets open.
  if (!runAbort.signal.aborted) runAbort.abort(new TimeoutError('the run is over'));

  const traffic = [l2, l1, ...referenceReaders.values()].reduce(
    (sum, reader) => {
      const t = reader?.traffic() ?? { httpRequests: 0, rpcCalls: 0 };
      return { httpRequests: sum.httpRequests + t.httpRequests, rpcCalls: sum.rpcCalls + t.rpcCalls };
    },
    { httpRequests: 0, rpcCalls: 0 },
  );

  return {
    traffic,
    run: {
      schemaVersion: 1,
      tool: { name: 'l2preflight', version: options.version ?? '0.0.0' },
      checklist: checklist.file,
      venue: {
        name: checklist.venue.name,
        stack: checklist.venue.stack,
        ...(checklist.venue.l2 ? { l2ChainId: checklist.venue.l2.chainId } : {}),
        ...(checklist.venue.dydx ? { network: checklist.venue.dydx.network } : {}),
        ...(checklist.venue.l1 ? { l1ChainId: checklist.venue.l1.chainId } : {}),
      },
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Math.round(performance.now() - started),
      failOn,
      verdict: verdictOf(results, failOn),
      summary: summarize(results),
      results,
      verdictReason: verdictReasonOf(results, failOn),
      checksRun: results.filter((r) => r.status !== 'skip').length,
      checksInChecklist: checklist.checks.length,
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
      cutByDeadline: results.filter((r) => cut.has(r.id)).map((r) => r.id),
      endpoints: [
        ...(l2?.endpoints() ?? []),
        ...(l1?.endpoints() ?? []),
        ...[...referenceReaders.values()].flatMap((reader) => reader.endpoints()),
      ],
    },
  };
}
