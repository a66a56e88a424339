/**
 * What `drill withdraw --wait` says while it waits: one line when what it waits for changes, with the
 * time the drill has taken so far — not the same line at every poll (once a second, for as long as a
 * dispute game takes to resolve) — and again every ten minutes while it lasts.
 */
import { formatDuration } from '../core/units.js';

/**
 * A state that lasts is said again this often: a proof window of days would otherwise print one line and
 * then nothing, and a hung drill would look like a waiting one.
 */
export const STILL_WAITING_EVERY_MS = 10 * 60_000;

export class WaitLine {
  private reported?: string;
  private reportedAtMs = 0;

  /** `startedAtMs`: when the drill started (its journal's startedAt), the origin of "so far". */
  constructor(
    private readonly startedAtMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The line to print for this poll's reason, or undefined when that state was already reported. */
  next(reason: string): string | undefined {
    const now = this.now();
    const again = reason === this.reported;
    if (again && now - this.reportedAtMs < STILL_WAITING_EVERY_MS) return undefined;
    this.reported = reason;
    this.reportedAtMs = now;
    const seconds = Math.max(0, Math.floor((now - this.startedAtMs) / 1000));
    return `${again ? 'still ' : ''}${reason} (${seconds === 0 ? '0s' : formatDuration(seconds * 1000)} so far)`;
  }
}
