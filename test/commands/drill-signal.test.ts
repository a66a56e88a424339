/** `drill withdraw` stopped by SIGTERM or SIGINT: it releases its lock, and the next run resumes the same drill. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { type DrillVenue, exists, journalFile, KEY, lockFile, startDrillVenue } from '../helpers/drill.js';

let dv: DrillVenue;

// Fast chains: the drill waits out the bridge's delays in chain time, not in the test's wall time.
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
});
afterAll(() => dv?.stop());

describe('drill withdraw', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'releases the lock on %s, and the next run resumes the same drill',
    async (signal, code) => {
      const state = dv.newState();
      const before = await dv.withdrawalsInitiated();
      const running = dv.startDrill(state, ['--execute', '--wait']);
      expect(await eventually(() => exists(journalFile(state)), 60_000)).toBe(true);
      running.child.kill(signal);
      const stopped = await running.done;
      expect(stopped.code).toBe(code);
      expect(await exists(lockFile(state))).toBe(false);
      // without --wait: it takes the lock, resumes the same drill and stops at the first wait
      const resumed = await dv.drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('resuming drill');
      expect(resumed.stderr).not.toContain('took over');
      expect(await dv.withdrawalsInitiated()).toBe(before + 1n);
    },
    120_000,
  );
});
