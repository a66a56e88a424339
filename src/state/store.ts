/**
 * Run history on disk: one small JSON file per key, written atomically (temp file + rename) so a crash
 * or a kill never leaves a half-written file for the next run to misread. A file that cannot be
 * parsed or validated is set aside (renamed), reported, and never trusted. A path that cannot be used
 * at all (a file where a directory belongs, no permission) is a StateError naming it, never a crash.
 * Read-modify-write (`update`) happens under a lock beside the file, so concurrent runs sharing the
 * directory never lose each other's records.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoOf, stateError } from './fsErrors.js';
import { acquireLock, type LockHolder } from './lock.js';

export type StateRead<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  /** The file existed but was unusable; it was moved to `setAsideTo`. */
  | { kind: 'set-aside'; reason: string; setAsideTo: string };

/**
 * How long `update` waits for another process's lock. Holders keep it for a read and a write of a
 * small file (milliseconds); a holder still there after this is stuck, and the caller says so.
 */
export const UPDATE_LOCK_WAIT_MS = 10_000;

export type UpdateOutcome =
  | { kind: 'written'; file: string; setAside?: { reason: string; setAsideTo: string } }
  | { kind: 'unchanged' }
  /** Another live process held the lock for longer than the wait: nothing was written. */
  | { kind: 'busy'; file: string; lockFile: string; holder?: LockHolder };

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Unique per writer: two processes (or two writes of one process in the same millisecond) never
  // share a temp file, so neither renames the other's half-written content into place.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Where a checklist's history and drill journal live: `--state DIR`, else `.l2preflight/` beside it. */
export const stateDirFor = (file: string, state: string | undefined) =>
  state ?? join(dirname(file), '.l2preflight');

/** A checklist's directory in the state store: its file name without the YAML extension. */
export const checklistKey = (file: string) => basename(file).replace(/\.ya?ml$/, '');

/** A read or write of the state directory that failed without failing the run: for its single warning. */
export interface StateProblem {
  file: string;
  action: 'read' | 'write';
  message: string;
  /** The errno code (EACCES, ENOTDIR…), when there is one. */
  code?: string;
}

/**
 * A state file's text: JSON with a line per top-level field and per element of a top-level list (a run
 * record, a drill). Indenting every nested key doubled a full run history of a 200-check checklist to
 * 8 MB, which every run read twice and wrote once; a record per line still reads and diffs line by line.
 */
export function stateText(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `${JSON.stringify(value)}\n`;
  const fields: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const text = Array.isArray(field)
      ? listText(field)
      : // undefined, a function or a symbol: left out, as JSON.stringify leaves them out of an object
        JSON.stringify(field);
    if (text !== undefined) fields.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return fields.length === 0 ? '{}\n' : `{\n${fields.join(',\n')}\n}\n`;
}

function listText(items: unknown[]): string {
  if (items.length === 0) return '[]';
  // An element JSON has no text for (undefined, a function, a hole) is null, as JSON.stringify writes it.
  return `[\n${Array.from(items, (item) => `    ${JSON.stringify(item) ?? 'null'}`).join(',\n')}\n  ]`;
}

/**
 * A file's text as `peek` read it and the JSON it parsed to, frozen: an `update` under the lock that
 * finds the file still holding that text uses the data instead of parsing it again (a scheduled job's
 * run history is megabytes, read at the run's start and again to append; freezing costs about half
 * of the parse it saves). Frozen, because the data is shared with what the peek's caller made of it:
 * code that changed a record there would throw (a TypeError, exit 70, the run's record lost) rather
 * than have its change written into the history unseen. A run's readers of it (previous statuses,
 * the reports' history) only read.
 */
export interface ReadBasis {
  readonly text: string;
  readonly data: unknown;
}

/** Freezes every object and array reachable from `value` (JSON data: no cycles). */
function deepFreeze(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object' || Object.isFrozen(item)) continue;
    Object.freeze(item);
    for (const key in item) pending.push((item as Record<string, unknown>)[key]);
  }
}

export class StateStore {
  /** What failed during the run (per-check history); the command warns once and empties it. */
  readonly problems: StateProblem[] = [];

  constructor(readonly dir: string) {}

  fileFor(key: string[]): string {
    return `${join(this.dir, ...key.map(safeSegment))}.json`;
  }

  /**
   * Reads and validates a value. `validate` returns the value, or a string saying why the data is not
   * ours (foreign or from another chain).
   */
  async read<T>(
    key: string[],
    validate: (data: unknown) => T | string,
    basis?: ReadBasis,
  ): Promise<StateRead<T>> {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { kind: 'missing' };
      throw stateError('cannot read', file, error);
    }
    let reason: string;
    try {
      const result = validate(basis?.text === text ? basis.data : JSON.parse(text));
      if (typeof result !== 'string') return { kind: 'ok', value: result };
      reason = result;
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    const setAsideTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(file, setAsideTo);
    } catch (error) {
      // Another process set it aside first: nothing is left to trust, which is what missing says.
      if (errnoOf(error) === 'ENOENT') return { kind: 'missing' };
      throw stateError(`unusable (${reason}), and cannot be set aside:`, file, error);
    }
    return { kind: 'set-aside', reason, setAsideTo };
  }

  /**
   * Reads without ever moving the file: for readers that must not disturb its owner (a check on a drill).
   * `keepBasis`: also return what was read, frozen, for a later `update` of the same key (ReadBasis).
   */
  async peek<T>(
    key: string[],
    validate: (data: unknown) => T | string,
    { keepBasis = false } = {},
  ): Promise<
    { kind: 'missing' } | { kind: 'ok'; value: T; basis?: ReadBasis } | { kind: 'unusable'; reason: string }
  > {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { kind: 'missing' };
      throw stateError('cannot read', this.fileFor(key), error);
    }
    try {
      const data: unknown = JSON.parse(text);
      if (keepBasis) deepFreeze(data);
      const result = validate(data);
      if (typeof result === 'string') return { kind: 'unusable', reason: result };
      return keepBasis ? { kind: 'ok', value: result, basis: { text, data } } : { kind: 'ok', value: result };
    } catch (error) {
      return { kind: 'unusable', reason: `not valid JSON (${(error as Error).message})` };
    }
  }

  async write(key: string[], value: unknown): Promise<void> {
    const file = this.fileFor(key);
    try {
      await writeFileAtomic(file, stateText(value));
    } catch (error) {
      throw stateError('cannot write', file, error);
    }
  }

  /** The lock that serialises read-modify-write of one key: `<file>.lock`. */
  lockFileFor(key: string[]): string {
    return `${this.fileFor(key)}.lock`;
  }

  /**
   * Read-modify-write under the key's lock: reads the value as it is now (not as it was when the
   * caller last looked: another run may have written since), and writes what `change` returns
   * (`undefined` leaves the file as it is). A live holder is waited on for `waitMs`, then `busy`.
   * `basis`: what an earlier peek read, used when the file still holds exactly that text.
   */
  async update<T>(
    key: string[],
    validate: (data: unknown) => T | string,
    change: (current: StateRead<T>) => unknown | Promise<unknown>,
    waitMs = UPDATE_LOCK_WAIT_MS,
    basis?: ReadBasis,
  ): Promise<UpdateOutcome> {
    const file = this.fileFor(key);
    const lockFile = this.lockFileFor(key);
    const attempt = await acquireLock(lockFile, { waitMs });
    if (attempt.kind === 'held') return { kind: 'busy', file, lockFile, holder: attempt.holder };
    try {
      const current = await this.read(key, validate, basis);
      const next = await change(current);
      if (next === undefined) return { kind: 'unchanged' };
      await this.write(key, next);
      return current.kind === 'set-aside'
        ? { kind: 'written', file, setAside: { reason: current.reason, setAsideTo: current.setAsideTo } }
        : { kind: 'written', file };
    } finally {
      attempt.lock.release();
    }
  }
}
