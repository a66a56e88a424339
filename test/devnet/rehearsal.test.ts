/**
 * README's rehearsal, as a user types it: `run` → `devnet scenario reorg` → `run`, with one state
 * directory across the runs and a few seconds between the commands.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { cli } from '../helpers/cli.js';
import { startTestVenue } from '../helpers/venue.js';

describe('rehearsing a reorg on the devnet', () => {
  let venue: RunningVenue;
  let env: Record<string, string>;
  beforeAll(async () => {
    venue = await startTestVenue();
    env = devnetEnvironment(venue);
  });
  afterAll(() => venue?.stop());

  it('run, devnet scenario reorg, run: the second run fails reorg.probe, and the head stays fresh', async () => {
    const state = await mkdtemp(join(tmpdir(), 'l2p-rehearsal-'));
    const run = (only: string) =>
      cli(['run', 'checks/devnet.yaml', '--only', only, '--state', state, '--format', 'json'], env);
    const first = await run('no-reorg,head-fresh');
    expect(first.code).toBe(0);
    const seenHead = JSON.parse(first.stdout).results.find((r: { id: string }) => r.id === 'no-reorg')
      .evidence.head as number;
    // A person takes a few seconds to type the next command: more blocks than the old depth of 3.
    while ((await venue.clients.public.getBlockNumber()) < BigInt(seenHead + 5))
      await new Promise((r) => setTimeout(r, 100));
    const scenario = await cli([
      'devnet',
      'scenario',
      'reorg',
      '--l2-rpc',
      env.L2PREFLIGHT_DEVNET_L2_RPC ?? '',
      '--l1-rpc',
      env.L2PREFLIGHT_DEVNET_L1_RPC ?? '',
      '--l2-replica-rpc',
      env.L2PREFLIGHT_DEVNET_L2_REPLICA_RPC ?? '',
    ]);
    expect(scenario.code).toBe(0);
    expect(scenario.stdout).toMatch(/blocks \d+–\d+ were replaced by a competing branch/);
    const second = await run('no-reorg,head-fresh');
    expect(second.code).toBe(1);
    const results = JSON.parse(second.stdout).results as {
      id: string;
      status: string;
      message: string;
      value: number;
    }[];
    const probe = results.find((r) => r.id === 'no-reorg');
    expect(probe?.status).toBe('fail');
    expect(probe?.message).toContain('changed since (depth 12)');
    // the replacement blocks sit on the same grid: the head did not move into the past
    const fresh = results.find((r) => r.id === 'head-fresh');
    expect(fresh?.status).toBe('pass');
    expect(fresh?.value).toBeLessThan(5);
  });
});
