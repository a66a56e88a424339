/**
 * What one check gets to read with: the session's readers and adapter, its own history, the run's
 * clock, and a signal that its timeout, the run's deadline or an interrupt aborts.
 */
import type { Address } from 'viem';
import type { CheckInstance } from '../checklist/model.js';
import { type CheckContext, MeasurementError, NotApplicable } from '../checks/define.js';
import type { ChainScope } from '../state/history.js';
import type { StateStore } from '../state/store.js';
import { checkState } from './checkState.js';
import { onAbort } from './limits.js';
import type { VenueSession } from './session.js';

/** What every check of one run shares besides the session. */
export interface RunScope {
  /** The checklist's path as given: it keys the state directory. */
  checklistFile: string;
  now: () => number;
  store?: StateStore;
  /** The chain records are scoped to: the L2's genesis, read once for the run by the first check that asks. */
  recordScope: () => Promise<ChainScope | undefined>;
  /** The portal this checklist's drills go through (CheckContext.drillPortal). */
  drillPortal?: Address;
}

export function checkContext(
  session: VenueSession,
  check: CheckInstance,
  scope: RunScope,
  signal: AbortSignal,
): CheckContext {
  return {
    ...checkState(scope.store, scope.checklistFile, check.id, scope.recordScope),
    // The loader refuses a check whose declared needs the venue lacks; these refusals are the net
    // under a read the check did not declare (or a checklist that reached the engine without the loader).
    get l2() {
      if (session.l2) return session.l2;
      throw new NotApplicable(
        `${session.stack} is not an EVM chain: this check reads EVM state (blocks, contracts)`,
      );
    },
    get l1() {
      if (session.l1) return session.l1;
      throw new MeasurementError('this check reads L1, and the checklist declares no venue.l1');
    },
    stack: session.stack,
    venue: session.venue,
    drillPortal: scope.drillPortal,
    referenceChain: (chain) => session.referenceChain(chain),
    now: scope.now,
    signal,
    sleep: (ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      }),
  };
}
