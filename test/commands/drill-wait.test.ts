/**
 * `drill withdraw --execute --wait` says what it waits for once per state, with the time so far — not
 * the same line at every poll (issue #18 item 5). The drill polls once a second and waits several
 * seconds for a game, its resolution and the airgap, so a line repeated per poll would show here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DrillVenue, KEY, startDrillVenue } from '../helpers/drill.js';

let dv: DrillVenue;

// Fast chains: the drill waits out the bridge's delays in chain time, not in the test's wall time.
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
});
afterAll(() => dv?.stop());

describe('drill withdraw --wait', () => {
  it('prints each waiting line once, with the elapsed time', async () => {
    const done = await dv.drill(dv.newState(), ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('— finalized');
    const waits = done.stderr.split('\n').filter((line) => /waiting/.test(line));
    expect(waits.length, done.stderr).toBeGreaterThan(0);
    if (process.env.SHOW_WAITS) process.stderr.write(`${waits.join('\n')}\n`);
    for (const line of waits) expect(line).toMatch(/ \((\d+[dhms] ?)+ so far\)$/);
    // One line per state: consecutive lines never repeat a reason.
    const reasons = waits.map((line) => line.replace(/ \([^()]* so far\)$/, ''));
    expect(
      reasons.filter((reason, i) => reason === reasons[i - 1]),
      done.stderr,
    ).toEqual([]);
  }, 120_000);
});
