/**
 * File-system failures in the state directory, said in words: which path, what was being done, and
 * why it failed (a file where a directory belongs, no permission, a read-only disk), without a stack.
 */
import { StateError } from '../errors.js';

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory, not a file',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
};

export const errnoOf = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException | undefined)?.code;

/** Why a file-system call failed, in a few words (the errno code in brackets, for searching). */
export function causeOf(error: unknown): string {
  if (error instanceof StateError) return error.shortMessage;
  const code = errnoOf(error);
  if (code && CAUSES[code]) return `${CAUSES[code]} [${code}]`;
  return code ? `${(error as Error).message.split(':')[0]} [${code}]` : String((error as Error)?.message);
}

/** `action path: cause`, as a StateError (exit 2); a StateError passes through unchanged. */
export function stateError(action: string, path: string, error: unknown): StateError {
  if (error instanceof StateError) return error;
  return new StateError(`${action} ${path}: ${causeOf(error)}`, path, errnoOf(error), error);
}
