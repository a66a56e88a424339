/**
 * `drill withdraw` without the bridge's delays: the plan, every refusal that must come before a
 * signature, and the runs that stop at their first wait — resumed after a kill, or stopped by a signal.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployer } from '../../src/devnet/constants.js';
import { cli, eventually, ROOT } from '../helpers/cli.js';
import { type DrillVenue, exists, journalFile, KEY, lockFile, startDrillVenue } from '../helpers/drill.js';

let dv: DrillVenue;

// Real time: the plan prints the chain's delays and L1 gas price as a user's devnet has them, and a
// drill without --wait stops at its first wait (fast chains would only let it do more before it stops).
beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: false });
});
afterAll(() => dv?.stop());

describe('drill withdraw', () => {
  it('plans without a key and without sending anything', async () => {
    const { dir } = dv;
    const before = await dv.withdrawalsInitiated();
    const { code, stdout } = await dv.drill(dv.newState());
    expect(code).toBe(0);
    expect(stdout).toContain('every RPC answered with the declared chain id');
    expect(stdout).toContain('amount      0.001 ETH (cap 0.01 ETH)');
    expect(stdout).toMatch(/portal 0x[0-9a-fA-F]{40} 3\.10\.0 \(fault-proofs\), open/);
    expect(stdout).toContain('prove     on L1, once a dispute game covers the withdrawal');
    // max(proof maturity 6 s, game clock 8 s + finality airgap 4 s)
    expect(stdout).toContain(
      'finalize  on L1, 12s after proving (once the game has resolved and its finality airgap passed)',
    );
    expect(stdout).toMatch(
      /L1 gas +prove ~300000 \+ finalize ~150000 gas \(typical\) ≈ [\d.]+ ETH at [\d.]+ gwei/,
    );
    const keyFile = join(dir, 'drill.key');
    await writeFile(keyFile, `${KEY}\n`, { mode: 0o600 });
    const withKey = await dv.drill(dv.newState(), ['--key-file', keyFile], {
      L2PREFLIGHT_DRILL_KEY: '',
    });
    expect(withKey.stdout).toContain(`sender      ${deployer.address}`);
    expect(withKey.stdout).toMatch(/initiate +on L2: .*~\d+ gas ≈ [\d.]+ ETH/);
    expect(withKey.stdout + withKey.stderr).not.toContain(KEY.slice(2));
    const missing = await dv.drill(dv.newState(), ['--key-file', join(dir, 'nope.key')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key-file: cannot read');
    expect(await dv.withdrawalsInitiated()).toBe(before);
  }, 60_000);

  it('refuses, sending nothing, a wrong chain id, an amount over the cap, or a missing key', async () => {
    const { venue, env, dir } = dv;
    const before = await venue.clients.public.getTransactionCount({ address: deployer.address });
    const wrongChain = join(dir, 'wrong-chain.yaml');
    await writeFile(
      wrongChain,
      (await readFile(join(ROOT, 'checks/devnet.yaml'), 'utf8')).replace('chainId: 900', 'chainId: 1'),
    );
    const chain = await cli(['drill', 'withdraw', wrongChain, '--execute', '--state', dv.newState()], {
      ...env,
      L2PREFLIGHT_DRILL_KEY: KEY,
    });
    expect(chain.code).toBe(2);
    expect(chain.stderr).toContain('serves chain id 900, but');
    expect(chain.stderr).toContain('refusing to sign anything');
    const cap = await dv.drill(dv.newState(), ['--execute', '--amount', '1 ether'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
    });
    expect(cap.code).toBe(2);
    expect(cap.stderr).toContain("over the checklist's drill.maxAmount 0.01 ETH");
    const noKey = await dv.drill(dv.newState(), ['--execute'], { L2PREFLIGHT_DRILL_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--execute needs the drill key');
    const badKey = await dv.drill(dv.newState(), ['--execute'], {
      L2PREFLIGHT_DRILL_KEY: `${KEY.slice(0, 40)}zz`,
    });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).not.toContain(KEY.slice(2, 40));
    expect(await venue.clients.public.getTransactionCount({ address: deployer.address })).toBe(before);
  }, 60_000);

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

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'releases the lock on %s, and the next run resumes the same drill',
    async (signal, code) => {
      const state = dv.newState();
      const before = await dv.withdrawalsInitiated();
      const running = dv.startDrill(state, ['--execute', '--wait']);
      // A drill that ends before writing its journal says why in its output, rather than in a 60 s wait.
      await eventually(
        async () => (await exists(journalFile(state))) || running.child.exitCode !== null,
        60_000,
      );
      expect(await exists(journalFile(state)), running.output()).toBe(true);
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
