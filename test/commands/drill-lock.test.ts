/** `drill withdraw` and its journal lock: one drill at a time, and a lock held on another host respected. */
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
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

  it('respects a lock held on another host: it cannot tell whether that drill still runs', async () => {
    const state = dv.newState();
    await mkdir(join(state, 'devnet'), { recursive: true });
    const since = new Date(Date.now() - 90_000).toISOString();
    await writeFile(lockFile(state), JSON.stringify({ pid: 4242, host: 'ci-runner-7', since, token: 'x' }));
    const refused = await dv.drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`pid 4242 on ci-runner-7, since ${since} (1m`);
    expect(refused.stderr).toContain('if ci-runner-7 no longer runs it, delete the lock file');
    expect(await exists(journalFile(state))).toBe(false);
  }, 60_000);
});
