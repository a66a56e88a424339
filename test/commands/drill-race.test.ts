/** `drill withdraw` when another party proves or finalizes its withdrawal first: progress, not a crash. */
import { copyFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { type DrillVenue, journalFile, KEY, startDrillVenue } from '../helpers/drill.js';

let dv: DrillVenue;

// Fast chains: the drill waits out the bridge's delays in chain time, not in the test's wall time.
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
});
afterAll(() => dv?.stop());

describe('drill withdraw', () => {
  it.each([
    ['prove:ready', 'prove'],
    ['finalize:ready', 'finalize'],
  ] as const)(
    'treats an on-chain "already done" as progress when another party wins the race at %s',
    async (pauseAt, stage) => {
      // Proving and finalizing are permissionless. Drill A stops right before sending a stage; drill B,
      // on a copy of A's journal (another host, a restored backup), resumes the same withdrawal and
      // finishes it; then A continues and its transaction reverts "already …".
      const stateA = dv.newState();
      const stateB = dv.newState();
      const before = await dv.withdrawalsInitiated();
      const a = dv.startDrill(stateA, ['--execute', '--wait'], { L2PREFLIGHT_PAUSE_AT: pauseAt });
      expect(await eventually(() => a.output().includes(`paused at ${pauseAt}`), 90_000)).toBe(true);
      // the plan, which needs no lock, says who is running A's drill (paused, so surely still running)
      const plan = await dv.drill(stateA);
      expect(plan.stdout).toContain(`running     pid ${a.child.pid} on ${hostname()} since `);
      await mkdir(join(stateB, 'devnet'), { recursive: true });
      await copyFile(journalFile(stateA), journalFile(stateB));
      const b = await dv.drill(stateB, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toContain('— finalized');
      a.child.kill('SIGCONT');
      const done = await a.done;
      expect(done.stderr).not.toContain('internal error');
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toMatch(
        new RegExp(
          // the legacy portal reverts; OptimismPortal2 would take a second proof, so the drill looks first
          `${stage}: already done on chain \\((already been (proven|finalized)|done by another transaction while this one was prepared)\\); the withdrawal is finalized`,
        ),
      );
      expect(done.stdout).toMatch(new RegExp(`${stage} +done on chain by another transaction`));
      expect(done.stdout).toContain('— finalized');
      expect(await dv.withdrawalsInitiated()).toBe(before + 1n);
    },
    180_000,
  );
});
