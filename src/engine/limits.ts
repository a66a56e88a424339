/**
 * The limits a check runs under — its own timeout, the run's deadline, an interrupt — and the reasons
 * they abort with, so a result can say which one ended the check.
 */
import { setMaxListeners } from 'node:events';
import { DeadlineError, InterruptedError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';

/** Calls `listener` once when `signal` aborts — at once when it already has (addEventListener would never fire). */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => {};
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * Controllers that abort with `parent` (its reason), all through one listener on it: every check of a
 * run gets one, and a listener per check on the run's signal cost a 200-check run more than its reads.
 * `release` forgets a child that finished, so a long --watch keeps no dead ones.
 */
export function childController(parent: AbortSignal): { controller: AbortController; release(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release() {} };
  }
  const children = liveChildren.get(parent) ?? watchedChildren(parent);
  children.add(controller);
  return { controller, release: () => children.delete(controller) };
}

/** The set of `parent`'s live children, with the one listener that aborts them. */
function watchedChildren(parent: AbortSignal): Set<AbortController> {
  const children = new Set<AbortController>();
  liveChildren.set(parent, children);
  onAbort(parent, () => {
    for (const child of children) child.abort(parent.reason);
    children.clear();
  });
  return children;
}

const liveChildren = new WeakMap<AbortSignal, Set<AbortController>>();

/** A promise that rejects with the signal's reason when it aborts (never resolves). */
export function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    onAbort(signal, () => reject(signal.reason));
  });
}

export interface RunLimits {
  /** Aborted at the deadline (DeadlineError), on an interrupt, or when the run ends. */
  signal: AbortSignal;
  deadlineMs?: number;
  /** Stops the deadline timer and the interrupt listener, and cancels whatever is still in flight. */
  end(): void;
}

/**
 * The run-level signal: the deadline and the caller's interrupt abort it, which ends every unfinished
 * check and cancels every in-flight request (the readers and the dYdX adapter take it), so nothing
 * keeps the process alive past the deadline.
 */
export function startRunLimits(options: { deadlineMs?: number; signal?: AbortSignal }): RunLimits {
  const run = new AbortController();
  // Every check listens for the run's deadline; a long checklist is not a listener leak.
  setMaxListeners(0, run.signal);
  const deadlineMs = options.deadlineMs !== undefined ? Math.max(0, options.deadlineMs) : undefined;
  const deadline =
    deadlineMs !== undefined
      ? setTimeout(
          () => run.abort(new DeadlineError(`run deadline of ${formatDuration(deadlineMs)} reached`)),
          deadlineMs,
        )
      : undefined;
  // Removed when the run ends: --watch passes one signal to every run, and listeners must not pile up.
  const stopInterrupt = options.signal
    ? onAbort(options.signal, () => run.abort(new InterruptedError('the run was interrupted')))
    : () => {};
  return {
    signal: run.signal,
    deadlineMs,
    end() {
      clearTimeout(deadline);
      stopInterrupt();
      // Whatever a check left behind (a read it no longer awaits, the clock read) is cancelled now
      // rather than left holding sockets open.
      if (!run.signal.aborted) run.abort(new InterruptedError('the run is over'));
    },
  };
}
