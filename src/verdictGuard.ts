/**
 * The CLI's main() runs as a promise, not under a top-level await (the bundle is also CommonJS, which
 * has none). If the event loop empties while it is still pending (a promise nothing will ever settle),
 * Node would then exit 0 in silence, which a script reads as ROUTE. Under ES module top-level await the
 * same bug was exit 13; this keeps it loud: an internal error, exit 70.
 */

/** The exit code of a bug in l2preflight (as for an uncaught error in src/cli.ts). */
export const INTERNAL_ERROR_EXIT = 70;

export const NO_VERDICT_MESSAGE = 'internal error: l2preflight ended without a verdict (please report it)\n';

/** The part of `process` the guard uses; a test passes its own. */
export interface GuardedProcess {
  once(event: 'beforeExit', listener: () => void): unknown;
  off(event: 'beforeExit', listener: () => void): unknown;
  stderr: { write(text: string): unknown };
  exit(code: number): void;
}

/** Returns `work`, and until it settles turns a process about to end for want of work into exit 70. */
export function guardVerdict<T>(work: Promise<T>, target: GuardedProcess = process): Promise<T> {
  const endedEarly = () => {
    target.stderr.write(NO_VERDICT_MESSAGE);
    target.exit(INTERNAL_ERROR_EXIT);
  };
  target.once('beforeExit', endedEarly);
  return work.finally(() => target.off('beforeExit', endedEarly));
}
