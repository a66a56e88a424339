/**
 * The shared devnet's reset (resetVenue.ts) proven on a venue of this file's own: every leftover a test
 * file can make is put on it at once, and after the reset none of it shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batcher, DEVNET_ADDRESSES, DEVNET_BRIDGE } from '../../src/devnet/constants.js';
import { sequencerHalted } from '../../src/devnet/sequencer.js';
import { type RunningVenue, venueClients } from '../../src/devnet/venue.js';
import { aggregatorV3Abi } from '../../src/protocols/chainlink.js';
import { applyScenario, bootOnFreePorts } from '../helpers/venue.js';
import { resetVenue, snapshotVenue, type VenueSnapshot } from './resetVenue.js';

const superchainPausedAbi = [
  { type: 'function', name: 'paused', inputs: [], outputs: [{ type: 'bool' }], stateMutability: 'view' },
] as const;

describe('resetVenue: a file leaves a wrecked venue, the next one finds it as booted', () => {
  let venue: RunningVenue;
  let snapshot: VenueSnapshot;
  beforeAll(async () => {
    venue = await bootOnFreePorts();
    snapshot = await snapshotVenue(venue);
  });
  afterAll(() => venue?.stop());

  const latestRound = () =>
    venue.clients.public.readContract({
      address: DEVNET_ADDRESSES.ethUsdFeed,
      abi: aggregatorV3Abi,
      functionName: 'latestRoundData',
    });

  it('undoes state, node settings, a halted sequencer, a split replica and pooled transactions', async () => {
    const bootRound = await latestRound();
    const bootNextBaseFee = snapshot.nextBaseFee.l2;
    const bootBatcherBalance = await venue.l1.clients.public.getBalance({ address: batcher.address });
    await applyScenario(venue, 'stale-oracle');
    await applyScenario(venue, 'paused-bridge');
    await applyScenario(venue, 'batcher-stalled');
    await applyScenario(venue, 'rpc-split');
    await applyScenario(venue, 'sequencer-halt');
    await applyScenario(venue, 'gas-spike');
    // A write sent while the sequencer is halted waits in the pool.
    const pooledHash = await venue.clients.wallet.sendTransaction({ to: batcher.address, value: 1n });
    expect(await sequencerHalted(venue.clients)).toBe(true);
    expect(await latestRound()).not.toEqual(bootRound);

    snapshot = await resetVenue(venue, snapshot);

    expect(await sequencerHalted(venue.clients)).toBe(false);
    expect(await latestRound()).toEqual(bootRound);
    expect(
      await venue.l1.clients.public.readContract({
        address: DEVNET_BRIDGE.superchainConfig,
        abi: superchainPausedAbi,
        functionName: 'paused',
      }),
    ).toBe(false);
    expect(await venue.l1.clients.public.getBalance({ address: batcher.address })).toBeGreaterThan(0n);
    expect(bootBatcherBalance).toBeGreaterThan(0n);
    // The head is fresh on the 1 s grid and never ahead of the wall clock; blocks keep coming.
    const head = await venue.clients.public.getBlock({ blockTag: 'latest' });
    const age = Date.now() / 1000 - Number(head.timestamp);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(3);
    const deadline = Date.now() + 10_000;
    while ((await venue.clients.public.getBlockNumber({ cacheTime: 0 })) <= head.number) {
      if (Date.now() > deadline) throw new Error('no block after the reset');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The replica answers the primary's chain again (split, it mined blocks of its own).
    const replica = venueClients(venue.replica.url);
    expect((await replica.public.getBlock({ blockNumber: head.number })).hash).toBe(head.hash);
    // The spiked base fee is gone: empty blocks only lower the boot's next base fee.
    expect(head.baseFeePerGas).toBeLessThanOrEqual(bootNextBaseFee);
    // The write pooled while halted was dropped, not left to land once the nonces catch up.
    expect(await venue.clients.public.getTransaction({ hash: pooledHash }).catch(() => null)).toBeNull();
  });
});
