/**
 * `devnet up --stack arbitrum` as a user meets it: the running Arbitrum devnet (real nitro-contracts,
 * a batch poster, a validator, a 45-day timelock) passes the committed checks/devnet-arbitrum.yaml, and
 * each of its scenarios makes the check that should catch it fail, through the real CLI where the
 * state changes at once, and with L1 blocks mined forward where only time reveals it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeroHash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { freePort } from '../../src/devnet/anvil.js';
import { ARBITRUM_DEVNET_CONTRACTS } from '../../src/devnet/arbitrum/addresses.js';
import { rollupValidatorAbi } from '../../src/devnet/arbitrum/assertions.js';
import { arbBatchPoster } from '../../src/devnet/arbitrum/deploy.js';
import { ARBITRUM_SCENARIOS } from '../../src/devnet/arbitrum/scenarios.js';
import { bootArbitrumVenue, type RunningArbitrumVenue } from '../../src/devnet/arbitrum/venue.js';
import { anvilRpc } from '../../src/devnet/venue-clients.js';
import { runChecklist } from '../../src/engine/run.js';
import { arbitrumRollupAbi } from '../../src/protocols/arbitrum.js';
import { cli, ROOT } from '../helpers/cli.js';

let venue: RunningArbitrumVenue;
let state: string;
let env: Record<string, string>;
let ports: string[];

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'l2preflight-arb-devnet-'));
  const [l1, l2] = [await freePort(), await freePort()];
  // No background cycles: each test decides when the poster and the validator act.
  venue = await bootArbitrumVenue({ l1, l2 }, { cycleIntervalMs: 3_600_000 });
  env = {
    L2PREFLIGHT_DEVNET_ARB_L2_RPC: venue.l2.node.url,
    L2PREFLIGHT_DEVNET_ARB_L1_RPC: venue.l1.node.url,
  };
  ports = ['--stack', 'arbitrum', '--l1-port', String(l1), '--l2-port', String(l2)];
}, 60_000);

afterAll(() => venue?.stop());

const CHECKLIST = 'checks/devnet-arbitrum.yaml';

async function run(): Promise<{
  code: number | null;
  statuses: Record<string, string>;
  messages: Record<string, string>;
}> {
  const result = await cli(['run', CHECKLIST, '--format', 'json', '--state', state], env);
  const report = JSON.parse(result.stdout) as { results: { id: string; status: string; message: string }[] };
  return {
    code: result.code,
    statuses: Object.fromEntries(report.results.map((r) => [r.id, r.status])),
    messages: Object.fromEntries(report.results.map((r) => [r.id, r.message])),
  };
}

const scenario = (name: string) => cli(['devnet', 'scenario', name, ...ports]);

/** Mines L1 `seconds` ahead (one block a second) and runs the shipped checklist with the clock moved as far. */
async function runAfter(seconds: number) {
  await anvilRpc(venue.l1.clients, 'anvil_mine', [`0x${seconds.toString(16)}`, '0x1']);
  const text = await readFile(`${ROOT}/${CHECKLIST}`, 'utf8');
  const checklist = parseChecklist(text, CHECKLIST, { env });
  const head = await venue.l1.clients.public.getBlock({ blockTag: 'latest' });
  const now = () => Number(head.timestamp) * 1_000 + 2_000;
  // The L2 did not move with L1: its head's age is not what these tests are about.
  const { run } = await runChecklist(checklist, { now, maxBlockAgeMs: 3_600_000 });
  return Object.fromEntries(run.results.map((r) => [r.id, r]));
}

/**
 * Mines the rollup's confirm period (read from the deployed rollup) in L1 blocks that share one
 * timestamp: the rollup counts blocks, while every age the checks measure stays real elapsed time.
 */
async function mineConfirmPeriod(): Promise<void> {
  const blocks = await venue.l1.clients.public.readContract({
    address: venue.arb.rollup,
    abi: arbitrumRollupAbi,
    functionName: 'confirmPeriodBlocks',
  });
  await anvilRpc(venue.l1.clients, 'anvil_mine', [`0x${blocks.toString(16)}`, '0x0']);
}

/**
 * Does what `devnet up`'s background cycles do, which this file's venue leaves to its tests: cycles
 * the poster and the validator, with L1 mined forward by the rollup's confirm period between cycles,
 * until the latest confirmed assertion's parent was itself made here. withdrawal.path counts the age
 * from that parent's creation, so only then is the confirmed assertion fresh however long the earlier
 * tests took on a busy machine. The CLI reads the machine's clock, and mineConfirmPeriod leaves L1 time
 * on it, so the age it reports is the real time since that parent was made.
 */
async function confirmFreshAssertion(): Promise<void> {
  const { public: l1 } = venue.l1.clients;
  const rollup = venue.arb.rollup;
  const start = await l1.getBlockNumber();
  // Three cycles do it: one makes the parent, the next its child, the third confirms the child.
  for (let cycles = 0; cycles < 5; cycles++) {
    await venue.cycle();
    const confirmed = await l1.readContract({
      address: rollup,
      abi: arbitrumRollupAbi,
      functionName: 'latestConfirmed',
    });
    const [created] = await l1.getContractEvents({
      address: rollup,
      abi: rollupValidatorAbi,
      eventName: 'AssertionCreated',
      args: { assertionHash: confirmed },
      fromBlock: 0n,
      strict: true,
    });
    const parent = created?.args.parentAssertionHash;
    if (parent && parent !== zeroHash) {
      const node = await l1.readContract({
        address: rollup,
        abi: arbitrumRollupAbi,
        functionName: 'getAssertion',
        args: [parent],
      });
      if (node.createdAtBlock > start) return;
    }
    await mineConfirmPeriod();
  }
  throw new Error('five validator cycles confirmed no assertion whose parent they made');
}

describe('the Arbitrum devnet as `devnet up --stack arbitrum` runs it', () => {
  it('matches the committed checklist, and passes it: ROUTE', async () => {
    const text = await readFile(`${ROOT}/${CHECKLIST}`, 'utf8');
    for (const [name, address] of Object.entries(ARBITRUM_DEVNET_CONTRACTS)) {
      if (['rollup', 'inbox', 'sequencerInbox', 'upgradeExecutor'].includes(name))
        expect(text).toContain(address);
    }
    expect(text).toContain(arbBatchPoster.address);
    // The boot's last confirmed assertion counts from a parent made about 40 s before the boot ended.
    await confirmFreshAssertion();
    const { code, statuses, messages } = await run();
    expect(statuses, JSON.stringify(messages)).toEqual({
      'l2-head-fresh': 'pass',
      'batches-posted': 'pass',
      'withdrawals-open': 'pass',
      'exit-window': 'pass',
      'rollup-upgrade-path': 'pass',
    });
    expect(code).toBe(0);
    expect(messages['exit-window']).toContain('upgrade delay 45d');
  });

  it('instant-upgrades: a plain key gets EXECUTOR_ROLE, exit-window fails; healthy revokes it', async () => {
    expect((await scenario('instant-upgrades')).code).toBe(0);
    const held = await run();
    expect(held.statuses['exit-window'], held.messages['exit-window']).toBe('fail');
    expect(held.statuses['rollup-upgrade-path']).toBe('fail');
    expect(held.messages['exit-window']).toContain('0x000000000000000000000000000000000000dEaD');
    expect(held.code).toBe(1);
    expect((await scenario('healthy')).code).toBe(0);
    expect((await run()).statuses['exit-window']).toBe('pass');
  });

  it('rollup-paused and inbox-paused: withdrawals-open fails, naming the pause; healthy reopens both', async () => {
    expect((await scenario('rollup-paused')).code).toBe(0);
    const rollup = await run();
    expect(rollup.statuses['withdrawals-open']).toBe('fail');
    expect(rollup.messages['withdrawals-open']).toContain('the rollup is PAUSED');
    expect((await scenario('healthy')).code).toBe(0);
    expect((await scenario('inbox-paused')).code).toBe(0);
    const inbox = await run();
    expect(inbox.statuses['withdrawals-open']).toBe('fail');
    expect(inbox.messages['withdrawals-open']).toContain('the Inbox is PAUSED');
    expect((await scenario('healthy')).code).toBe(0);
    // One cycle is not enough: it confirms an assertion made long ago on a busy machine, whose parent
    // older still is where the age counts from.
    await confirmFreshAssertion();
    const healed = await run();
    expect(healed.statuses['withdrawals-open'], healed.messages['withdrawals-open']).toBe('pass');
  });

  it('batch-poster-stalled: the poster cannot post, and batch-age fails once its last batch ages', async () => {
    await ARBITRUM_SCENARIOS['batch-poster-stalled']?.apply({ l1: venue.l1.clients });
    await expect(venue.cycle()).rejects.toThrow();
    const stalled = await runAfter(70);
    expect(stalled['batches-posted']?.status, stalled['batches-posted']?.message).toBe('fail');
    // The same minute, with the poster funded again and posting: a pass. Time alone is not the failure.
    await ARBITRUM_SCENARIOS.healthy?.apply({ l1: venue.l1.clients });
    await venue.cycle();
    const healthy = await runAfter(5);
    expect(healthy['batches-posted']?.status, healthy['batches-posted']?.message).toBe('pass');
  });

  it('assertions-stalled: no assertion is made or confirmed, and withdrawals-open fails once the latest ages', async () => {
    await ARBITRUM_SCENARIOS['assertions-stalled']?.apply({ l1: venue.l1.clients });
    await expect(venue.cycle()).rejects.toThrow();
    const stalled = await runAfter(100);
    expect(stalled['withdrawals-open']?.status, stalled['withdrawals-open']?.message).toBe('fail');
    expect(stalled['withdrawals-open']?.message).toContain('old');
    // Funded again. The first new assertion builds on the one from before the stall and confirms the
    // inbox as it stood then, so its confirmation alone does not pass; the next one's does. The confirm
    // periods take no L1 time: the one that passes is then as old as the machine took to get here, not
    // two periods of mined seconds plus that, which a busy machine could push past maxOutputAge.
    await ARBITRUM_SCENARIOS.healthy?.apply({ l1: venue.l1.clients });
    await venue.cycle();
    await mineConfirmPeriod();
    await venue.cycle();
    const first = await runAfter(2);
    expect(first['withdrawals-open']?.status, first['withdrawals-open']?.message).toBe('fail');
    await mineConfirmPeriod();
    await venue.cycle();
    const healthy = await runAfter(2);
    expect(healthy['withdrawals-open']?.status, healthy['withdrawals-open']?.message).toBe('pass');
  });

  it('force-included: a deposit forced in past the window is not a batch; batch-age still fails', async () => {
    const progress: string[] = [];
    const said = await ARBITRUM_SCENARIOS['force-included']?.apply({
      l1: venue.l1.clients,
      progress: (text) => progress.push(text),
    });
    expect(progress.join()).toContain('waiting out the sequencer-only window');
    expect(said).toContain('force-included a deposit');
    // The force inclusion is 40 s old, the last real batch over 70 s: only the batch counts.
    const after = await runAfter(40);
    expect(after['batches-posted']?.status, after['batches-posted']?.message).toBe('fail');
    await ARBITRUM_SCENARIOS.healthy?.apply({ l1: venue.l1.clients });
    // The poster takes in the forced deposit's neighbours and continues the message count after it.
    await venue.cycle();
    expect((await runAfter(2))['batches-posted']?.status).toBe('pass');
  }, 90_000);

  it('refuses an unknown scenario with the list of Arbitrum ones, exit 2', async () => {
    const result = await scenario('sequencer-halt');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown Arbitrum devnet scenario "sequencer-halt"');
    expect(result.stderr).toContain('force-included');
    expect(result.stderr).not.toContain('    at ');
  });
});
