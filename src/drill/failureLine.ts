/**
 * What `drill withdraw --wait` says while its polls fail: the failure once, then a line only when it
 * changes or every few minutes while it lasts, with how many polls and how long it has failed — not a
 * line every 30 s for as long as an outage lasts (the same coalescing as WaitLine).
 */
import { formatDuration } from '../core/units.js';
import { sameness } from './failureStreak.js';

/** A failure that lasts is said again this often, so a long outage still shows the drill alive. */
export const STILL_FAILING_EVERY_MS = 5 * 60_000;

export class FailureLine {
  private polls = 0;
  private sinceMs = 0;
  private reported?: string;
  private reportedAtMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A poll that read the chains: the next failure is said afresh. */
  clear(): void {
    this.polls = 0;
    this.reported = undefined;
  }

  /** The line for this failed poll, or undefined when that failure was said recently. */
  next(says: string, retryInMs: number): string | undefined {
    const now = this.now();
    if (this.polls === 0) this.sinceMs = now;
    this.polls += 1;
    const key = sameness(says);
    const first = this.polls === 1;
    if (!first && key === this.reported && now - this.reportedAtMs < STILL_FAILING_EVERY_MS) return undefined;
    this.reported = key;
    this.reportedAtMs = now;
    const retry = `; retrying in ${retryInMs / 1000}s`;
    if (first) return `poll failed: ${says}${retry}`;
    const seconds = Math.floor((now - this.sinceMs) / 1000);
    const failing = seconds === 0 ? '0s' : formatDuration(seconds * 1000);
    return `still failing (${this.polls} polls, ${failing}): ${says}${retry}`;
  }
}
