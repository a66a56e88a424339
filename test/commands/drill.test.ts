import { type ChildProcess, spawn } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAbi, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployer, L2_TO_L1_MESSAGE_PASSER } from '../../src/devnet/constants.js';
import { devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { type CliResult, cli, eventually, ROOT } from '../helpers/cli.js';
import { applyScenario, startTestVenue } from '../helpers/venue.js';

/** anvil's first test key: public, only ever holds devnet ether. */
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const RECIPIENT = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const messagePasserAbi = parseAbi(['function messageNonce() view returns (uint256)']);

let venue: RunningVenue;
let env: Record<string, string>;
let dir: string;
let states = 0;

beforeAll(async () => {
  venue = await startTestVenue();
  env = devnetEnvironment(venue);
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-drill-'));
});
afterAll(() => venue?.stop());

const withdrawalsInitiated = () =>
  venue.clients.public.readContract({
    address: L2_TO_L1_MESSAGE_PASSER,
    abi: messagePasserAbi,
    functionName: 'messageNonce',
  });
const recipientBalance = () => venue.l1.clients.public.getBalance({ address: RECIPIENT });
const drill = (state: string, extra: string[] = [], more: Record<string, string> = {}) =>
  cli(['drill', 'withdraw', 'checks/devnet.yaml', '--state', state, ...extra], { ...env, ...more });

/** A drill process the test can signal while it runs: `cli` only hands back the finished result. */
function startDrill(
  state: string,
  extra: string[],
  more: Record<string, string> = {},
): { child: ChildProcess; output: () => string; done: Promise<CliResult> } {
  const child = spawn(
    process.execPath,
    ['bin/l2preflight.js', 'drill', 'withdraw', 'checks/devnet.yaml', '--state', state, ...extra],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '', CI: 'true', ...env, L2PREFLIGHT_DRILL_KEY: KEY, ...more },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, output: () => stdout + stderr, done };
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const journalFile = (state: string) => join(state, 'devnet', 'drill.json');
const lockFile = (state: string) => join(state, 'devnet', 'drill.lock');

describe('drill withdraw', () => {
  it('plans without a key and without sending anything', async () => {
    const before = await withdrawalsInitiated();
    const { code, stdout } = await drill(join(dir, `s${++states}`));
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
    const withKey = await drill(join(dir, `s${++states}`), ['--key-file', keyFile], {
      L2PREFLIGHT_DRILL_KEY: '',
    });
    expect(withKey.stdout).toContain(`sender      ${deployer.address}`);
    expect(withKey.stdout).toMatch(/initiate +on L2: .*~\d+ gas ≈ [\d.]+ ETH/);
    expect(withKey.stdout + withKey.stderr).not.toContain(KEY.slice(2));
    const missing = await drill(join(dir, `s${++states}`), ['--key-file', join(dir, 'nope.key')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key-file: cannot read');
    expect(await withdrawalsInitiated()).toBe(before);
  });

  it('refuses, sending nothing, a wrong chain id, an amount over the cap, or a missing key', async () => {
    const before = await venue.clients.public.getTransactionCount({ address: deployer.address });
    const wrongChain = join(dir, 'wrong-chain.yaml');
    await writeFile(
      wrongChain,
      (await readFile(join(ROOT, 'checks/devnet.yaml'), 'utf8')).replace('chainId: 900', 'chainId: 1'),
    );
    const chain = await cli(
      ['drill', 'withdraw', wrongChain, '--execute', '--state', join(dir, `s${++states}`)],
      { ...env, L2PREFLIGHT_DRILL_KEY: KEY },
    );
    expect(chain.code).toBe(2);
    expect(chain.stderr).toContain('serves chain id 900, but');
    expect(chain.stderr).toContain('refusing to sign anything');
    const cap = await drill(join(dir, `s${++states}`), ['--execute', '--amount', '1 ether'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
    });
    expect(cap.code).toBe(2);
    expect(cap.stderr).toContain("over the checklist's drill.maxAmount 0.01 ETH");
    const noKey = await drill(join(dir, `s${++states}`), ['--execute'], { L2PREFLIGHT_DRILL_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--execute needs the drill key');
    const badKey = await drill(join(dir, `s${++states}`), ['--execute'], {
      L2PREFLIGHT_DRILL_KEY: `${KEY.slice(0, 40)}zz`,
    });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).not.toContain(KEY.slice(2, 40));
    expect(await venue.clients.public.getTransactionCount({ address: deployer.address })).toBe(before);
  }, 60_000);

  it('survives a kill before and after each broadcast and after each mining, with exactly one withdrawal', async () => {
    const state = join(dir, `s${++states}`);
    const [nonceBefore, balanceBefore] = await Promise.all([withdrawalsInitiated(), recipientBalance()]);
    for (const point of [
      'initiate:journaled',
      'initiate:mined',
      'prove:journaled',
      'prove:mined',
      'finalize:sent',
      'finalize:mined',
    ]) {
      const killed = await drill(state, ['--execute', '--wait'], {
        L2PREFLIGHT_DRILL_KEY: KEY,
        L2PREFLIGHT_CRASH_AT: point,
      });
      expect(killed.code, `killed at ${point}: ${killed.stderr.slice(-1500)}`).toBe(null);
      expect(killed.stdout + killed.stderr).not.toContain(KEY.slice(2));
      // SIGKILL cannot be caught: the lock stays, naming a process that no longer runs
      expect(await exists(lockFile(state))).toBe(true);
    }
    const done = await drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/took over the drill lock of pid \d+ on .*: that process no longer runs/);
    expect(await exists(lockFile(state))).toBe(false);
    // within or OVER the 1m SLA: the kills and restarts count into it, so that depends on the machine
    expect(done.stdout).toMatch(/finalize +0x[0-9a-f]{64} mined .*(within|OVER) SLA 1m/);
    expect(done.stdout).toContain('— finalized');
    expect(await withdrawalsInitiated()).toBe(nonceBefore + 1n);
    expect((await recipientBalance()) - balanceBefore).toBe(parseEther('0.001'));
    // The finished drill is closed: running again plans a new one rather than resuming.
    expect((await drill(state)).stdout).toContain('open drill  none');
    // and the checklist's withdrawal.drill check sees it, judged by the times the journal recorded:
    // six kills and restarts count into them, so on a loaded machine they may pass the SLA (30 s to
    // prove, 1 m in all) — then the check must say so, never pass.
    const check = await cli(
      ['run', 'checks/devnet.yaml', '--only', 'drill-sla', '--state', state, '--format', 'json'],
      env,
    );
    const [result] = JSON.parse(check.stdout).results as {
      status: string;
      message: string;
      evidence: { proveMs: number; totalMs: number; status: string };
    }[];
    expect(result?.evidence.status).toBe('finalized');
    const withinSla = (result?.evidence.proveMs ?? 0) <= 30_000 && (result?.evidence.totalMs ?? 0) <= 60_000;
    expect(result?.status, result?.message).toBe(withinSla ? 'pass' : 'fail');
    expect(check.code, check.stdout).toBe(withinSla ? 0 : 1);
    if (!withinSla) expect(result?.message).toContain('missed its SLA');
  }, 120_000);

  it('resumes after a kill right after the initiating broadcast without initiating twice', async () => {
    const state = join(dir, `s${++states}`);
    const before = await withdrawalsInitiated();
    const killed = await drill(state, ['--execute'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
      L2PREFLIGHT_CRASH_AT: 'initiate:sent',
    });
    expect(killed.code).toBe(null);
    const resumed = await drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming drill');
    expect(await withdrawalsInitiated()).toBe(before + 1n);
    // without --wait it stops at the first wait and says what it waits for
    expect(resumed.stdout).toMatch(/initiate +0x[0-9a-f]{64} mined/);
  }, 60_000);
  it('fails, naming why, when the game it proved against is retired by the guardian', async () => {
    const state = join(dir, `s${++states}`);
    const killed = await drill(state, ['--execute', '--wait'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
      L2PREFLIGHT_CRASH_AT: 'prove:mined',
    });
    expect(killed.code).toBe(null);
    await applyScenario(venue, 'games-retired');
    try {
      const resumed = await drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(resumed.code).toBe(1);
      expect(resumed.stdout).toMatch(
        /failed: the dispute game #\d+ \(0x[0-9a-fA-F]{40}\) the withdrawal was proven against no longer counts: retired: created before respectedGameTypeUpdatedAt/,
      );
    } finally {
      await applyScenario(venue, 'healthy');
    }
  }, 90_000);

  it('a second drill on the same journal while one runs names the holder and exits 2; the first finishes alone', async () => {
    // the repro: a cron drill overlapping a manual one on one state directory
    const state = join(dir, `s${++states}`);
    const [nonceBefore, balanceBefore] = await Promise.all([withdrawalsInitiated(), recipientBalance()]);
    const first = startDrill(state, ['--execute', '--wait']);
    expect(await eventually(() => exists(journalFile(state)), 60_000)).toBe(true);
    const second = await drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toContain(
      `error: another drill is running on this journal: pid ${first.child.pid} on ${hostname()}, since `,
    );
    expect(second.stderr).toContain(`lock file ${lockFile(state)}`);
    expect(second.stderr).not.toContain('resuming drill');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('— finalized');
    expect(await withdrawalsInitiated()).toBe(nonceBefore + 1n);
    expect((await recipientBalance()) - balanceBefore).toBe(parseEther('0.001'));
    expect(await exists(lockFile(state))).toBe(false);
  }, 120_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    'releases the lock on %s, and the next run resumes the same drill',
    async (signal, code) => {
      const state = join(dir, `s${++states}`);
      const before = await withdrawalsInitiated();
      const running = startDrill(state, ['--execute', '--wait']);
      expect(await eventually(() => exists(journalFile(state)), 60_000)).toBe(true);
      running.child.kill(signal);
      const stopped = await running.done;
      expect(stopped.code).toBe(code);
      expect(await exists(lockFile(state))).toBe(false);
      // without --wait: it takes the lock, resumes the same drill and stops at the first wait
      const resumed = await drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('resuming drill');
      expect(resumed.stderr).not.toContain('took over');
      expect(await withdrawalsInitiated()).toBe(before + 1n);
    },
    120_000,
  );

  it('respects a lock held on another host: it cannot tell whether that drill still runs', async () => {
    const state = join(dir, `s${++states}`);
    await mkdir(join(state, 'devnet'), { recursive: true });
    const since = new Date(Date.now() - 90_000).toISOString();
    await writeFile(lockFile(state), JSON.stringify({ pid: 4242, host: 'ci-runner-7', since, token: 'x' }));
    const refused = await drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`pid 4242 on ci-runner-7, since ${since} (1m`);
    expect(refused.stderr).toContain('if ci-runner-7 no longer runs it, delete the lock file');
    expect(await exists(journalFile(state))).toBe(false);
  }, 60_000);

  it.each([
    ['prove:ready', 'prove'],
    ['finalize:ready', 'finalize'],
  ] as const)(
    'treats an on-chain "already done" as progress when another party wins the race at %s',
    async (pauseAt, stage) => {
      // Proving and finalizing are permissionless. Drill A stops right before sending a stage; drill B,
      // on a copy of A's journal (another host, a restored backup), resumes the same withdrawal and
      // finishes it; then A continues and its transaction reverts "already …".
      const stateA = join(dir, `s${++states}`);
      const stateB = join(dir, `s${++states}`);
      const before = await withdrawalsInitiated();
      const a = startDrill(stateA, ['--execute', '--wait'], { L2PREFLIGHT_PAUSE_AT: pauseAt });
      expect(await eventually(() => a.output().includes(`paused at ${pauseAt}`), 90_000)).toBe(true);
      // the plan, which needs no lock, says who is running A's drill (paused, so surely still running)
      const plan = await drill(stateA);
      expect(plan.stdout).toContain(`running     pid ${a.child.pid} on ${hostname()} since `);
      await mkdir(join(stateB, 'devnet'), { recursive: true });
      await copyFile(journalFile(stateA), journalFile(stateB));
      const b = await drill(stateB, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
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
      expect(await withdrawalsInitiated()).toBe(before + 1n);
    },
    180_000,
  );
});
