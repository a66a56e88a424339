/**
 * The real Arbitrum rollup (nitro-contracts 3.2.0, created through RollupCreator) on an anvil L1:
 * what the chain's own contracts answer after creation.
 */
import { type Address, getAddress, type Hex, parseAbi, slice } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnvilNode } from '../../src/devnet/anvil.js';
import { postBatch } from '../../src/devnet/arbitrum/batches.js';
import {
  ARBITRUM_TIMING,
  type ArbitrumDeployment,
  arbBatchPoster,
  arbValidator,
} from '../../src/devnet/arbitrum/deploy.js';
import { forceIncludeDeposit } from '../../src/devnet/arbitrum/forceInclusion.js';
import { deployer } from '../../src/devnet/constants.js';
import { anvilRpc, type VenueClients } from '../../src/devnet/venue-clients.js';
import { ARBITRUM_L1_CHAIN_ID, type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';

/** EIP-1967 admin slot: the proxy's admin (a ProxyAdmin, or the UpgradeExecutor for the rollup). */
const ADMIN_SLOT = '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103';

const rollupAbi = parseAbi([
  'function bridge() view returns (address)',
  'function sequencerInbox() view returns (address)',
  'function inbox() view returns (address)',
  'function outbox() view returns (address)',
  'function confirmPeriodBlocks() view returns (uint64)',
  'function owner() view returns (address)',
  'function isValidator(address) view returns (bool)',
  'function challengeManager() view returns (address)',
]);
const sequencerInboxAbi = parseAbi([
  'function maxTimeVariation() view returns (uint256 delayBlocks, uint256 futureBlocks, uint256 delaySeconds, uint256 futureSeconds)',
  'function isBatchPoster(address) view returns (bool)',
  'function batchCount() view returns (uint256)',
]);
const ownableAbi = parseAbi(['function owner() view returns (address)']);
const upgradeExecutorAbi = parseAbi([
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function EXECUTOR_ROLE() view returns (bytes32)',
]);

let venue: ArbitrumVenue;
let l1Node: AnvilNode;
let l1: VenueClients;
let arb: ArbitrumDeployment;

beforeAll(async () => {
  venue = await startArbitrumVenue();
  ({ l1Node, l1, arb } = venue);
  console.log('arbitrum deployment', {
    ...arb.figures,
    gasUsed: arb.figures.gasUsed.toString(),
    createRollupGas: arb.figures.createRollupGas.toString(),
    rollup: arb.rollup,
    sequencerInbox: arb.sequencerInbox,
    upgradeExecutor: arb.upgradeExecutor,
  });
}, 60_000);

afterAll(() => venue?.stop());

const read = (address: Address, abi: typeof rollupAbi, functionName: string, args: unknown[] = []) =>
  l1.public.readContract({ address, abi, functionName, args } as never) as Promise<unknown>;

async function adminOf(proxy: Address): Promise<Address> {
  const word = (await l1.public.getStorageAt({ address: proxy, slot: ADMIN_SLOT })) as Hex;
  return getAddress(slice(word, 12));
}

describe('Arbitrum rollup created through RollupCreator', () => {
  it('wires the rollup to its bridge, sequencer inbox, inbox and outbox', async () => {
    expect(await read(arb.rollup, rollupAbi, 'bridge')).toBe(arb.bridge);
    expect(await read(arb.rollup, rollupAbi, 'sequencerInbox')).toBe(arb.sequencerInbox);
    expect(await read(arb.rollup, rollupAbi, 'inbox')).toBe(arb.inbox);
    expect(await read(arb.rollup, rollupAbi, 'outbox')).toBe(arb.outbox);
    expect(await read(arb.rollup, rollupAbi, 'challengeManager')).toBe(arb.challengeManager);
    expect(await read(arb.rollup, rollupAbi, 'confirmPeriodBlocks')).toBe(
      ARBITRUM_TIMING.confirmPeriodBlocks,
    );
    expect(await read(arb.rollup, rollupAbi, 'isValidator', [arbValidator.address])).toBe(true);
  });

  it('sets the force-inclusion delay and the batch poster on the sequencer inbox', async () => {
    const variation = (await l1.public.readContract({
      address: arb.sequencerInbox,
      abi: sequencerInboxAbi,
      functionName: 'maxTimeVariation',
    })) as readonly bigint[];
    const { delayBlocks, futureBlocks, delaySeconds, futureSeconds } = ARBITRUM_TIMING.maxTimeVariation;
    expect(variation).toEqual([delayBlocks, futureBlocks, delaySeconds, futureSeconds]);
    const isPoster = (who: Address) =>
      l1.public.readContract({
        address: arb.sequencerInbox,
        abi: sequencerInboxAbi,
        functionName: 'isBatchPoster',
        args: [who],
      });
    expect(await isPoster(arbBatchPoster.address)).toBe(true);
    expect(await isPoster(deployer.address)).toBe(false);
    // createRollup's initialization posts batch 0 (the rollup itself, an empty batch).
    expect(
      await l1.public.readContract({
        address: arb.sequencerInbox,
        abi: sequencerInboxAbi,
        functionName: 'batchCount',
      }),
    ).toBe(1n);
  });

  it('hands ownership to the upgrade executor, whose executor is the chain owner', async () => {
    expect(await read(arb.rollup, rollupAbi, 'owner')).toBe(arb.upgradeExecutor);
    // The rollup proxy's admin is the upgrade executor itself; the bridge contracts' admin is a
    // ProxyAdmin that the upgrade executor owns.
    expect(await adminOf(arb.rollup)).toBe(arb.upgradeExecutor);
    expect(await adminOf(arb.sequencerInbox)).toBe(arb.proxyAdmin);
    expect(await adminOf(arb.bridge)).toBe(arb.proxyAdmin);
    expect(
      await l1.public.readContract({ address: arb.proxyAdmin, abi: ownableAbi, functionName: 'owner' }),
    ).toBe(arb.upgradeExecutor);
    const role = await l1.public.readContract({
      address: arb.upgradeExecutor,
      abi: upgradeExecutorAbi,
      functionName: 'EXECUTOR_ROLE',
    });
    expect(
      await l1.public.readContract({
        address: arb.upgradeExecutor,
        abi: upgradeExecutorAbi,
        functionName: 'hasRole',
        args: [role, deployer.address],
      }),
    ).toBe(true);
  });

  it('reports what the deployment took', () => {
    expect(arb.figures.deploymentTxs).toBeGreaterThan(20);
    expect(arb.figures.contractsCreated).toBeGreaterThan(arb.figures.deploymentTxs);
    expect(arb.figures.gasUsed).toBeGreaterThan(0n);
  });
});

/** Runs sequencer.batch-age on the Arbitrum stack against the real SequencerInbox. */
function batchAge(now?: () => number) {
  return venue.check(
    `type: sequencer.batch-age
sequencerInbox: "${arb.sequencerInbox}"
max: 1h
lookback: 1000`,
    { now },
  );
}

describe('sequencer.batch-age on the real SequencerInbox', () => {
  it('fails before the batch poster has posted: the creation batch was not sent by a batch poster', async () => {
    const result = await batchAge();
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ batch: undefined, ignored: { notFromPoster: 1 } });
  });

  it('passes on a batch the batch poster posted through addSequencerL2BatchFromOrigin', async () => {
    const posted = await postBatch(l1Node.url, ARBITRUM_L1_CHAIN_ID, arb.sequencerInbox);
    expect(posted.sequenceNumber).toBe(1n);
    const result = await batchAge();
    expect(result.status, result.message).toBe('pass');
    expect(result.evidence).toMatchObject({
      batch: { tx: posted.tx, poster: arbBatchPoster.address.toLowerCase(), block: Number(posted.block) },
    });
  });

  it('fails once no batch has been posted for longer than max (L1 time warped past it)', async () => {
    await anvilRpc(l1, 'evm_increaseTime', [2 * 3_600]);
    await anvilRpc(l1, 'evm_mine');
    const head = await l1.public.getBlock({ blockTag: 'latest' });
    // The check's clock is the warped L1 head's: a machine clock behind the chain is refused.
    const result = await batchAge(() => Number(head.timestamp) * 1000);
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toMatch(/^last batch in L1 block \d+, 2h/);
    expect(result.evidence).toMatchObject({ batch: { poster: arbBatchPoster.address.toLowerCase() } });
  });

  it('does not count a force inclusion (NoData, sent by a user) as a batch', async () => {
    const forced = await forceIncludeDeposit(l1Node.url, ARBITRUM_L1_CHAIN_ID, arb);
    const head = await l1.public.getBlock({ blockTag: 'latest' });
    const result = await batchAge(() => Number(head.timestamp) * 1000);
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('1 force inclusion(s) (NoData)');
    expect(result.evidence).toMatchObject({
      batch: { poster: arbBatchPoster.address.toLowerCase() },
      ignored: { forceInclusions: 1 },
    });
    expect(forced.block).toBeGreaterThan(0n);
  });
});
