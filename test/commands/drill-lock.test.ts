/** `drill withdraw` and its journal lock: one drill at a time, released on a signal, respected across hosts. */
import { hostname } from 'node:os';
import { parseEther } from 'viem';
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
  it('a second drill on the same journal while one runs names the holder and exits 2; the first finishes alone', async () => {
    // the repro: a cron drill overlapping a manual one on one state directory
    const state = dv.newState();
    const [nonceBefore, balanceBefore] = await Promise.all([
      dv.withdrawalsInitiated(),
      dv.recipientBalance(),
    ]);
    // The first stops (SIGSTOP) mid-drill, so it surely still runs while the second starts, however
    // slowly the machine starts a process; it continues once the second has been refused.
    const first = dv.startDrill(state, ['--execute', '--wait'], { L2PREFLIGHT_PAUSE_AT: 'prove:ready' });
    expect(await eventually(() => exists(journalFile(state)), 60_000)).toBe(true);
    expect(await eventually(() => first.output().includes('paused at prove:ready'), 60_000)).toBe(true);
    const second = await dv.drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toContain(
      `error: another drill is running on this journal: pid ${first.child.pid} on ${hostname()}, since `,
    );
    expect(second.stderr).toContain(`lock file ${lockFile(state)}`);
    expect(second.stderr).not.toContain('resuming drill');
    first.child.kill('SIGCONT');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('— finalized');
    expect(await dv.withdrawalsInitiated()).toBe(nonceBefore + 1n);
    expect((await dv.recipientBalance()) - balanceBefore).toBe(parseEther('0.001'));
    expect(await exists(lockFile(state))).toBe(false);
  }, 120_000);

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
