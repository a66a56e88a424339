/**
 * One owner at a time for a file in the state directory: a lock file beside it, created with O_EXCL so
 * that of two processes starting together exactly one wins. The drill journal holds it for a whole
 * drill (two drills on one journal would both resume the same withdrawal); the run history holds it
 * for a read-modify-write of a few milliseconds (two runs sharing --state would each rewrite the file
 * from what they read, and one record would be lost). The lock names its holder (pid, host, since
 * when) so the loser can say who to wait for. A lock whose holder died (SIGKILL, power loss) on this
 * host is taken over; a lock from another host cannot be checked and is respected.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { stateError } from './fsErrors.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** Tells this holder's lock from another's with the same pid (a reused pid, a re-taken lock). */
  token: string;
}

export type LockAttempt =
  | { kind: 'acquired'; lock: HeldLock; tookOverFrom?: LockHolder }
  | { kind: 'held'; holder: LockHolder | undefined; file: string };

/** A takeover guard older than this was left by a process that died mid-takeover (it takes milliseconds). */
const GUARD_STALE_MS = 10_000;

/** Who holds the lock at `file` now, if anyone (for the plan: a drill may be running). */
export function lockHolder(file: string): LockHolder | undefined {
  return readHolder(file);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid === 'number' && typeof data.host === 'string' && typeof data.since === 'string')
      return { pid: data.pid, host: data.host, since: data.since, token: String(data.token ?? '') };
  } catch {
    // missing, or half-written by a process that died between create and write: no holder to name
  }
  return undefined;
}

/** Whether a process on this host still runs: signal 0 checks without sending anything. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A holder that is certainly gone: it ran on this host and its process no longer exists, or it died
 * between creating the file and writing its name (an unreadable lock that is not new).
 */
function dead(file: string, holder: LockHolder | undefined): boolean {
  if (!holder) {
    try {
      return Date.now() - statSync(file).mtimeMs > GUARD_STALE_MS;
    } catch {
      return false;
    }
  }
  return holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid);
}

function createExclusive(file: string, content: string): boolean {
  try {
    writeFileSync(file, content, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes a dead holder's lock under a second O_EXCL guard, re-reading it there: two processes that
 * both found it dead must not both delete it, or the slower one would delete the faster one's fresh lock.
 */
function removeIfDead(file: string): LockHolder | undefined {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // gone already
    }
    return undefined;
  }
  try {
    const holder = readHolder(file);
    if (!dead(file, holder)) return undefined;
    unlinkSync(file);
    return holder ?? { pid: 0, host: 'unknown', since: 'unknown', token: '' };
  } finally {
    unlinkSync(guard);
  }
}

export class HeldLock {
  private released = false;
  private readonly onExit = () => this.release();

  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {
    // On every way out: a normal exit, an uncaught error, Ctrl-C or a kill. (SIGKILL cannot be caught:
    // that lock is stale, and the next drill takes it over.)
    process.once('exit', this.onExit);
  }

  /** Deletes the lock file if it is still ours (never another holder's). Synchronous, for 'exit'. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    if (readHolder(this.file)?.token === this.holder.token) {
      try {
        unlinkSync(this.file);
      } catch {
        // already gone
      }
    }
  }
}

/** Tries once to take the lock at `file`; a dead holder's lock on this host is taken over. */
export function tryLock(file: string, now: Date = new Date()): LockAttempt {
  try {
    mkdirSync(dirname(file), { recursive: true });
    return tryLockIn(file, now);
  } catch (error) {
    // No directory to lock in, or no right to create a file there: the state directory is unusable.
    throw stateError('cannot take the lock', file, error);
  }
}

function tryLockIn(file: string, now: Date): LockAttempt {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: now.toISOString(),
    token: randomUUID(),
  };
  const content = `${JSON.stringify(holder, null, 2)}\n`;
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createExclusive(file, content))
      return { kind: 'acquired', lock: new HeldLock(file, holder), tookOverFrom };
    const current = readHolder(file);
    if (!dead(file, current)) return { kind: 'held', holder: current, file };
    tookOverFrom = removeIfDead(file) ?? tookOverFrom;
  }
  return { kind: 'held', holder: readHolder(file), file };
}

/**
 * Takes the lock, waiting up to `waitMs` for a live holder to let go (polling: a holder on another host
 * cannot be waited on any other way). For locks held a few milliseconds at a time; `held` after the
 * wait means a holder that is alive but stuck (or on another host): the caller says so and goes on.
 */
export async function acquireLock(
  file: string,
  options: { waitMs: number; pollMs?: number },
): Promise<LockAttempt> {
  const deadline = Date.now() + options.waitMs;
  let pollMs = options.pollMs ?? 10;
  for (;;) {
    const attempt = tryLock(file);
    if (attempt.kind === 'acquired' || Date.now() >= deadline) return attempt;
    // Jittered, growing to 200 ms: waiters started together do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, pollMs * (0.5 + Math.random())));
    pollMs = Math.min(200, pollMs * 2);
  }
}

/** Releases held locks on Ctrl-C and SIGTERM, then exits as a signalled process would (130, 143). */
export function releaseOnSignals(lock: HeldLock): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      lock.release();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
