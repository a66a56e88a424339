/** `drill withdraw` when another party finalizes its withdrawal first: progress, not a crash. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type DrillVenue, expectAnotherPartyWinsTheRace, startDrillVenue } from '../helpers/drill.js';

let dv: DrillVenue;

// Fast chains: the drill waits out the bridge's delays in chain time, not in the test's wall time.
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
});
afterAll(() => dv?.stop());

describe('drill withdraw', () => {
  it(
    'treats an on-chain "already done" as progress when another party wins the race at finalize:ready',
    () => expectAnotherPartyWinsTheRace(dv, 'finalize:ready', 'finalize'),
    180_000,
  );
});
