/** `drill withdraw` resumed after a crash against a game the guardian retired meanwhile: it fails, naming why. */
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
