/**
 * Run history on disk: one small JSON file per key, written atomically (temp file + rename) so a crash
 * or a kill never leaves a half-written file for the next run to misread. A file that cannot be
 * parsed or validated is set aside (renamed), reported, and never trusted.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type StateRead<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  /** The file existed but was unusable; it was moved to `setAsideTo`. */
  | { kind: 'set-aside'; reason: string; setAsideTo: string };

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, file);
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A checklist's directory in the state store: its file name without the YAML extension. */
export const checklistKey = (file: string) => basename(file).replace(/\.ya?ml$/, '');

export class StateStore {
  constructor(readonly dir: string) {}

  fileFor(key: string[]): string {
    return `${join(this.dir, ...key.map(safeSegment))}.json`;
  }

  /**
   * Reads and validates a value. `validate` returns the value, or a string saying why the data is not
   * ours (foreign or from another chain).
   */
  async read<T>(key: string[], validate: (data: unknown) => T | string): Promise<StateRead<T>> {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    let reason: string;
    try {
      const result = validate(JSON.parse(text));
      if (typeof result !== 'string') return { kind: 'ok', value: result };
      reason = result;
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    const setAsideTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, setAsideTo);
    return { kind: 'set-aside', reason, setAsideTo };
  }

  /** Reads without ever moving the file: for readers that must not disturb its owner (a check on a drill). */
  async peek<T>(
    key: string[],
    validate: (data: unknown) => T | string,
  ): Promise<{ kind: 'missing' } | { kind: 'ok'; value: T } | { kind: 'unusable'; reason: string }> {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    try {
      const result = validate(JSON.parse(text));
      return typeof result === 'string'
        ? { kind: 'unusable', reason: result }
        : { kind: 'ok', value: result };
    } catch (error) {
      return { kind: 'unusable', reason: `not valid JSON (${(error as Error).message})` };
    }
  }

  async write(key: string[], value: unknown): Promise<void> {
    await writeFileAtomic(this.fileFor(key), `${JSON.stringify(value, null, 2)}\n`);
  }
}
