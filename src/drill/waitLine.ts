/**
 * What `drill withdraw --wait` says while it waits: one line when what it waits for changes, with the
 * time the drill has taken so far — not the same line at every poll (once a second, for as long as a
 * dispute game takes to resolve).
 */
import { formatDuration } from '../core/units.js';

export class WaitLine {
  private reported?: string;

  /** `startedAtMs`: when the drill started (its journal's startedAt), the origin of "so far". */
  constructor(
    private readonly startedAtMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The line to print for this poll's reason, or undefined when that state was already reported. */
  next(reason: string): string | undefined {
    if (reason === this.reported) return undefined;
    this.reported = reason;
    const seconds = Math.max(0, Math.floor((this.now() - this.startedAtMs) / 1000));
    return `${reason} (${seconds === 0 ? '0s' : formatDuration(seconds * 1000)} so far)`;
  }
}
