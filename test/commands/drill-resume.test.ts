/** `drill withdraw` resumed after a crash: it finishes the transactions it journaled, or fails naming why. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DrillVenue, KEY, startDrillVenue } from '../helpers/drill.js';
import { applyScenario } from '../helpers/venue.js';

let dv: DrillVenue;

// Fast chains: the drill waits out the bridge's delays in chain time, not in the test's wall time.
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
});
afterAll(() => dv?.stop());

describe('drill withdraw', () => {
  it('resumes after a kill right after the initiating broadcast without initiating twice', async () => {
    const state = dv.newState();
    const before = await dv.withdrawalsInitiated();
    const killed = await dv.drill(state, ['--execute'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
      L2PREFLIGHT_CRASH_AT: 'initiate:sent',
    });
    expect(killed.code).toBe(null);
    const resumed = await dv.drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming drill');
    expect(await dv.withdrawalsInitiated()).toBe(before + 1n);
    // without --wait it stops at the first wait and says what it waits for
    expect(resumed.stdout).toMatch(/initiate +0x[0-9a-f]{64} mined/);
  }, 60_000);

  it('fails, naming why, when the game it proved against is retired by the guardian', async () => {
    const state = dv.newState();
    const killed = await dv.drill(state, ['--execute', '--wait'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
      L2PREFLIGHT_CRASH_AT: 'prove:mined',
    });
    expect(killed.code).toBe(null);
    await applyScenario(dv.venue, 'games-retired');
    try {
      const resumed = await dv.drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(resumed.code).toBe(1);
      expect(resumed.stdout).toMatch(
        /failed: the dispute game #\d+ \(0x[0-9a-fA-F]{40}\) the withdrawal was proven against no longer counts: retired: created before respectedGameTypeUpdatedAt/,
      );
    } finally {
      await applyScenario(dv.venue, 'healthy');
    }
  }, 90_000);
});
