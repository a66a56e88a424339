/**
 * Per-check memory between runs (in the state directory, scoped to the checklist and the check id).
 * A state directory that cannot be used never turns a measurement into an error or a crash: a read
 * that fails is `unreadable` (the check says it could not compare with earlier runs: never a silent
 * pass), a write that fails is noted in the store's problems, and the run warns once.
 */
import { StateError } from '../errors.js';
import type { StateProblem, StateRead, StateStore } from './store.js';

export type CheckHistoryRead<T> =
  | StateRead<T>
  /** The file (or its directory) could not be read at all: no permission, a directory where a file belongs. */
  | { kind: 'unreadable'; reason: string };

export interface CheckHistory {
  read<T>(validate: (data: unknown) => T | string): Promise<CheckHistoryRead<T>>;
  /** Replaces the record: for checks that keep one value (the latest view), where the last writer wins. */
  write(value: unknown): Promise<void>;
  /**
   * Read-modify-write under the key's lock, for checks that keep a series: `change` gets the record as
   * it is now (another run may have added to it since this check read it) and returns the one to write.
   */
  update<T>(
    validate: (data: unknown) => T | string,
    change: (current: T | undefined) => unknown,
  ): Promise<void>;
}

/** A history that remembers nothing (a run without a state directory). */
export const NO_HISTORY: CheckHistory = {
  read: async () => ({ kind: 'missing' }),
  write: async () => {},
  update: async () => {},
};

function problemOf(action: 'read' | 'write', file: string, error: unknown): StateProblem {
  if (error instanceof StateError) return { file, action, message: error.shortMessage, code: error.code };
  throw error; // not a file-system problem: a bug, and it must show as one
}

export function checkHistory(store: StateStore, key: string[]): CheckHistory {
  const file = store.fileFor(key);
  return {
    async read(validate) {
      try {
        return await store.read(key, validate);
      } catch (error) {
        const problem = problemOf('read', file, error);
        store.problems.push(problem);
        return { kind: 'unreadable', reason: problem.message };
      }
    },
    async write(value) {
      try {
        await store.write(key, value);
      } catch (error) {
        store.problems.push(problemOf('write', file, error));
      }
    },
    async update(validate, change) {
      try {
        const outcome = await store.update(key, validate, (current) =>
          change(current.kind === 'ok' ? current.value : undefined),
        );
        if (outcome.kind === 'busy') {
          const who = outcome.holder
            ? `pid ${outcome.holder.pid} on ${outcome.holder.host}`
            : 'another process';
          store.problems.push({
            file,
            action: 'write',
            message: `${outcome.lockFile} is held by ${who}: not saved`,
          });
        }
      } catch (error) {
        store.problems.push(problemOf('write', file, error));
      }
    },
  };
}
