/**
 * Test support for `drill withdraw`: a devnet venue per test file, the drill run as the real binary,
 * and the journal's paths. The drill tests are split over several files so that vitest runs them on
 * different workers; what they share lives here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAbi } from 'viem';
import { expect } from 'vitest';
import { L2_TO_L1_MESSAGE_PASSER } from '../../src/devnet/constants.js';
import { anvilRpc, devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { type CliResult, cli, eventually, ROOT } from './cli.js';
import { startTestVenue } from './venue.js';

/** anvil's first test key: public, only ever holds devnet ether. */
export const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const RECIPIENT = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const messagePasserAbi = parseAbi(['function messageNonce() view returns (uint256)']);

export const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
export const journalFile = (state: string) => join(state, 'devnet', 'drill.json');
export const lockFile = (state: string) => join(state, 'devnet', 'drill.lock');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the devnet's chains ahead of the wall clock until the returned function is called: every tick
 * moves L1's clock on by `l1Seconds` and mines a block on each chain, and lets the proposer act.
 * A withdrawal drill waits on the protocol's own delays — L2 blocks for a game to cover its
 * withdrawal, then the game's clock, the proof maturity and the finality airgap, all in L1 block time
 * (the portal judges them, and the drill reads them, at the L1 head). So the drill still waits out
 * every delay the chain enforces, only in less wall time. Test-only: `devnet up` keeps real time.
 * Afterwards L1's head is dated ahead of this machine's clock, which `run` reads as a slow clock
 * (pass --clock-tolerance to run a check there).
 */
export function runChainsFast(
  venue: RunningVenue,
  options: { tickMs?: number; l1Seconds?: number; proposeEveryTicks?: number } = {},
): () => Promise<void> {
  const { tickMs = 250, l1Seconds = 2, proposeEveryTicks = 4 } = options;
  let running = true;
  const loop = (async () => {
    for (let tick = 1; running; tick += 1) {
      try {
        await anvilRpc(venue.l1.clients, 'evm_increaseTime', [l1Seconds]);
        await anvilRpc(venue.l1.clients, 'evm_mine');
        await anvilRpc(venue.clients, 'anvil_mine', ['0x1']);
        // The proposer's own timer acts every 2 s (it skips a call while one runs). Prompting it more
        // often shortens the waits for a game and its resolution; every tick would cost more CPU
        // (it reads its newest games each time) than it saves on a 2-core machine.
        if (tick % proposeEveryTicks === 0) await venue.bridge.proposeUpToHead();
      } catch {
        // the nodes are stopping, or a scenario stalled the proposer (games-retired): look again next tick
      }
      await sleep(tickMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

export interface DrillVenue {
  venue: RunningVenue;
  env: Record<string, string>;
  /** A new, empty state directory for one drill's journal. */
  newState(): string;
  /** A scratch directory for files a test writes (checklists, key files). */
  dir: string;
  withdrawalsInitiated(): Promise<bigint>;
  recipientBalance(): Promise<bigint>;
  /** Runs `drill withdraw checks/devnet.yaml --state STATE ...extra` to its end. */
  drill(state: string, extra?: string[], more?: Record<string, string>): Promise<CliResult>;
  /** A drill process the test can signal while it runs (with the drill key set). */
  startDrill(
    state: string,
    extra: string[],
    more?: Record<string, string>,
  ): { child: ChildProcess; output: () => string; done: Promise<CliResult> };
  stop(): Promise<void>;
}

/** Boots the devnet venue for one drill test file; `fastChains` runs its chains ahead of the clock. */
export async function startDrillVenue(options: { fastChains: boolean }): Promise<DrillVenue> {
  const venue = await startTestVenue();
  const env = devnetEnvironment(venue);
  const dir = await mkdtemp(join(tmpdir(), 'l2preflight-drill-'));
  const stopFast = options.fastChains ? runChainsFast(venue) : async () => {};
  let states = 0;
  return {
    venue,
    env,
    dir,
    newState: () => join(dir, `s${++states}`),
    withdrawalsInitiated: () =>
      venue.clients.public.readContract({
        address: L2_TO_L1_MESSAGE_PASSER,
        abi: messagePasserAbi,
        functionName: 'messageNonce',
      }),
    recipientBalance: () => venue.l1.clients.public.getBalance({ address: RECIPIENT }),
    drill: (state, extra = [], more = {}) =>
      cli(['drill', 'withdraw', 'checks/devnet.yaml', '--state', state, ...extra], { ...env, ...more }),
    startDrill(state, extra, more = {}) {
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
    },
    stop: async () => {
      await stopFast();
      await venue.stop();
    },
  };
}

/**
 * Proving and finalizing are permissionless. Drill A stops right before sending `stage`; drill B, on a
 * copy of A's journal (another host, a restored backup), resumes the same withdrawal and finishes it;
 * then A continues and its transaction reverts "already …": that must be progress, never a crash.
 * Each stage's case runs in its own test file (drill-race-*.test.ts), so the two run side by side.
 */
export async function expectAnotherPartyWinsTheRace(
  dv: DrillVenue,
  pauseAt: 'prove:ready' | 'finalize:ready',
  stage: 'prove' | 'finalize',
): Promise<void> {
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
}
