/**
 * The `rollup-paused` and `inbox-paused` scenarios on the real Arbitrum rollup (nitro-contracts 3.2.0,
 * created through RollupCreator): the owner pauses through the UpgradeExecutor, and withdrawal.path,
 * reading the real RollupProxy and Inbox, must fail until they are un-paused.
 */
import { parseAbi, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArbitrumDeployment } from '../../src/devnet/arbitrum/deploy.js';
import { pauseInbox, pauseRollup, resumeRollup, unpauseInbox } from '../../src/devnet/arbitrum/scenarios.js';
import type { VenueClients } from '../../src/devnet/venue-clients.js';
import { ARBITRUM_L1_CHAIN_ID, type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';

const pausableAbi = parseAbi([
  'function paused() view returns (bool)',
  'function depositEth() payable returns (uint256)',
]);

let venue: ArbitrumVenue;
let l1: VenueClients;
let arb: ArbitrumDeployment;

beforeAll(async () => {
  venue = await startArbitrumVenue();
  ({ l1, arb } = venue);
}, 60_000);

afterAll(() => venue?.stop());

function withdrawalPath() {
  return venue.check(`type: withdrawal.path
rollup: "${arb.rollup}"
inbox: "${arb.inbox}"
maxFinalizationPeriod: 7d
maxOutputAge: 8d`);
}

const paused = (address: `0x${string}`) =>
  l1.public.readContract({ address, abi: pausableAbi, functionName: 'paused' });

describe('withdrawal.path on the real Arbitrum rollup and Inbox', () => {
  it('passes as deployed: both open, the genesis assertion confirmed', async () => {
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('pass');
    expect(result.evidence).toMatchObject({ portalPaused: false, superchainPaused: false });
  });

  it('rollup-paused: fails while the owner has paused the rollup through the UpgradeExecutor', async () => {
    await pauseRollup(venue.l1Node.url, ARBITRUM_L1_CHAIN_ID, arb);
    expect(await paused(arb.rollup)).toBe(true);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the rollup is PAUSED');
    expect(result.message).not.toContain('Inbox');
    expect(result.evidence).toMatchObject({ portalPaused: true, superchainPaused: false });
  });

  it('names both when the rollup and the Inbox are paused', async () => {
    await pauseInbox(venue.l1Node.url, ARBITRUM_L1_CHAIN_ID, arb);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the rollup is PAUSED');
    expect(result.message).toContain('the Inbox is PAUSED');
  });

  it('inbox-paused: fails while only the Inbox is paused (deposits and force inclusion blocked)', async () => {
    await resumeRollup(venue.l1Node.url, ARBITRUM_L1_CHAIN_ID, arb);
    expect(await paused(arb.rollup)).toBe(false);
    expect(await paused(arb.inbox)).toBe(true);
    // The pause is real: the Inbox refuses a deposit, the first step of a force inclusion.
    await expect(
      l1.public.simulateContract({
        account: l1.wallet.account,
        address: arb.inbox,
        abi: pausableAbi,
        functionName: 'depositEth',
        value: parseEther('1'),
      }),
    ).rejects.toThrow(/paused/i);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the Inbox is PAUSED');
    expect(result.message).not.toContain('rollup is PAUSED');
    expect(result.evidence).toMatchObject({ portalPaused: false, superchainPaused: true });
  });

  it('passes again once the owner un-pauses the Inbox', async () => {
    await unpauseInbox(venue.l1Node.url, ARBITRUM_L1_CHAIN_ID, arb);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('pass');
  });
});
