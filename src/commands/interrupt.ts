/**
 * Ctrl-C and SIGTERM for `run`: the first signal aborts the run (every unfinished check ends and its
 * requests are cancelled) so the command can stop at once without writing a report or history; a
 * second signal, or a run that does not wind down within a moment, exits at once.
 */
import { dropPendingYamlCaches } from '../checklist/yamlParseCache.js';
import { InterruptedError } from '../errors.js';

/**
 * Long enough for a state write already under way to finish (writes are atomic: a cut one leaves the
 * old file, never half of the new one), short enough that Ctrl-C still feels immediate.
 */
const BACKSTOP_MS = 2_000;

export interface Interrupt {
  /** Aborted, with an InterruptedError as its reason, on the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  dispose(): void;
}

export function listenForInterrupt(): Interrupt {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    const error = new InterruptedError(name === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    // Whatever code the command then exits with, nothing is written at exit that could delay it.
    dropPendingYamlCaches();
    if (controller.signal.aborted) process.exit(error.exitCode);
    controller.abort(error);
    setTimeout(() => {
      process.stderr.write(`l2preflight: ${error.message}\n`);
      process.exit(error.exitCode);
    }, BACKSTOP_MS).unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** The interrupt that stopped a run, if any: what runOnce throws after an aborted run. */
export function interruption(signal: AbortSignal | undefined): InterruptedError | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('SIGINT');
}
