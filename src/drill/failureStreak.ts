/**
 * When `drill withdraw --wait` stops retrying failed polls. A failure waiting cannot clear (a key the
 * endpoint refuses, an archive endpoint needed, a read that keeps reverting) would otherwise hold the
 * drill — and its journal's lock — forever while nobody looks: the same lasting failure, poll after poll
 * for ten minutes, ends it (exit 3, the drill still open in its journal). A failure that may clear (a
 * timeout, a 5xx, a rate limit) never ends a wait: a provider's outage during a 7-day finalization is
 * waited out, said once and then every few minutes (failureLine.ts), and Ctrl-C ends it at once.
 */
import { formatDuration } from '../core/units.js';
import type { PollFailure } from './pollFailure.js';
import { retryDelayMs } from './pollFailure.js';

/** A revert from the anvil same-number race clears at the next poll; five in a row is not a race. */
export const SAME_LASTING_POLLS = 5;
/** ...and a provider's misconfiguration being fixed gets this long before the drill stops waiting. */
export const LASTING_FOR_MS = 10 * 60_000;

export type AfterFailure = { retryInMs: number } | { giveUp: string };

/**
 * One failure however often it is met: block numbers, ports, hashes change between its polls. Short
 * numbers (an HTTP status, a JSON-RPC code, an endpoint's #) name the failure and stay.
 */
export const sameness = (says: string) => says.replace(/0x[0-9a-f]+|\d{4,}/gi, '#');

export class FailureStreak {
  private polls = 0;
  private lastingKey?: string;
  private sameLasting = 0;
  private lastingSinceMs = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly lastingForMs: number = LASTING_FOR_MS,
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
    this.polls += 1;
    const key = failure.lasting ? sameness(failure.says) : undefined;
    if (key === undefined) {
      this.lastingKey = undefined;
      this.sameLasting = 0;
    } else if (key === this.lastingKey) {
      this.sameLasting += 1;
    } else {
      this.lastingKey = key;
      this.sameLasting = 1;
      this.lastingSinceMs = now;
    }
    const lastedMs = now - this.lastingSinceMs;
    if (this.sameLasting >= SAME_LASTING_POLLS && lastedMs >= this.lastingForMs)
      return {
        giveUp: `the same failure for ${formatDuration(lastedMs)} (${this.sameLasting} polls in a row): ${failure.says}`,
      };
    return { retryInMs: retryDelayMs(this.polls) };
  }
}
