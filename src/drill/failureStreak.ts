/**
 * When `drill withdraw --wait` stops retrying failed polls. A failure waiting cannot clear (a key the
 * endpoint refuses, an archive endpoint needed) would otherwise hold the drill — and its journal's lock —
 * forever while nobody looks: the same lasting failure five polls in a row ends it, and so do failures
 * that have lasted without a good poll for half an hour. The drill stays open in its journal either way.
 */
import { formatDuration } from '../core/units.js';
import type { PollFailure } from './pollFailure.js';
import { retryDelayMs } from './pollFailure.js';

/** A revert from the anvil same-number race clears at the next poll; five in a row is not a race. */
export const SAME_LASTING_POLLS = 5;
/** An outage longer than this is for someone to look at, not for a drill to sit through. */
export const MAX_FAILING_MS = 30 * 60_000;

export type AfterFailure = { retryInMs: number } | { giveUp: string };

/**
 * One failure however often it is met: block numbers, ports, hashes change between its polls. Short
 * numbers (an HTTP status, a JSON-RPC code, an endpoint's #) name the failure and stay.
 */
export const sameness = (says: string) => says.replace(/0x[0-9a-f]+|\d{4,}/gi, '#');

export class FailureStreak {
  private polls = 0;
  private sinceMs = 0;
  private lastingKey?: string;
  private sameLasting = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxFailingMs: number = MAX_FAILING_MS,
  ) {}

  /** A poll that read the chains ends the streak. */
  clear(): void {
    this.polls = 0;
    this.lastingKey = undefined;
    this.sameLasting = 0;
  }

  /** Counts one failed poll: how long to wait before the next, or why to stop. */
  fail(failure: PollFailure): AfterFailure {
    const now = this.now();
    if (this.polls === 0) this.sinceMs = now;
    this.polls += 1;
    const key = failure.lasting ? sameness(failure.says) : undefined;
    this.sameLasting = key !== undefined && key === this.lastingKey ? this.sameLasting + 1 : key ? 1 : 0;
    this.lastingKey = key;
    if (this.sameLasting >= SAME_LASTING_POLLS)
      return { giveUp: `the same failure ${this.sameLasting} polls in a row: ${failure.says}` };
    if (now - this.sinceMs >= this.maxFailingMs)
      return {
        giveUp: `every poll failed for ${formatDuration(now - this.sinceMs)} (${this.polls} polls); the last: ${failure.says}`,
      };
    return { retryInMs: retryDelayMs(this.polls) };
  }
}
