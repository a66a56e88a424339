/**
 * The `rollup-paused` and `inbox-paused` scenarios on the real Arbitrum rollup (nitro-contracts 3.2.0,
 * created through RollupCreator): the owner pauses through the UpgradeExecutor, and withdrawal.path,
 * reading the real RollupProxy and Inbox, must fail until they are un-paused.
 */
import { parseAbi, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import {
  ARBITRUM_DEVNET_CHAIN_ID,
  type ArbitrumDeployment,
  deployArbitrum,
} from '../../src/devnet/arbitrum/deploy.js';
import { pauseInbox, pauseRollup, resumeRollup, unpauseInbox } from '../../src/devnet/arbitrum/scenarios.js';
import { type VenueClients, venueClients } from '../../src/devnet/venue-clients.js';
import type { CheckResult } from '../../src/engine/result.js';
import { runChecklist } from '../../src/engine/run.js';
import { checklistYaml } from '../helpers/venue.js';

const L1_CHAIN_ID = 900;
const pausableAbi = parseAbi([
  'function paused() view returns (bool)',
  'function depositEth() payable returns (uint256)',
]);

let l1Node: AnvilNode;
/** A plain EVM node answering the Arbitrum chain id: the checklist needs an L2; withdrawal.path reads L1. */
let l2Node: AnvilNode;
let l1: VenueClients;
let arb: ArbitrumDeployment;

beforeAll(async () => {
  l1Node = await startAnvil({ port: await freePort(), chainId: L1_CHAIN_ID });
  l2Node = await startAnvil({ port: await freePort(), chainId: ARBITRUM_DEVNET_CHAIN_ID });
  l1 = venueClients(l1Node.url, L1_CHAIN_ID);
  arb = await deployArbitrum(l1Node.url, L1_CHAIN_ID);
}, 60_000);

afterAll(async () => {
  await Promise.all([l1Node?.stop(), l2Node?.stop()]);
});

async function withdrawalPath(): Promise<CheckResult & { evidence?: Record<string, unknown> }> {
  const check = `  - id: path
    type: withdrawal.path
    rollup: "${arb.rollup}"
    inbox: "${arb.inbox}"
    maxFinalizationPeriod: 7d
    maxOutputAge: 8d
`;
  const yaml = checklistYaml(l2Node.url, check, ARBITRUM_DEVNET_CHAIN_ID, l1Node.url, 'arbitrum');
  const { run } = await runChecklist(parseChecklist(yaml, 'arbitrum.yaml', { env: {} }));
  const [result] = run.results;
  if (!result || result.status === 'skip') throw new Error('no result');
  return result;
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
    await pauseRollup(l1Node.url, L1_CHAIN_ID, arb);
    expect(await paused(arb.rollup)).toBe(true);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the rollup is PAUSED');
    expect(result.message).not.toContain('Inbox');
    expect(result.evidence).toMatchObject({ portalPaused: true, superchainPaused: false });
  });

  it('names both when the rollup and the Inbox are paused', async () => {
    await pauseInbox(l1Node.url, L1_CHAIN_ID, arb);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the rollup is PAUSED');
    expect(result.message).toContain('the Inbox is PAUSED');
  });

  it('inbox-paused: fails while only the Inbox is paused (deposits and force inclusion blocked)', async () => {
    await resumeRollup(l1Node.url, L1_CHAIN_ID, arb);
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
    await unpauseInbox(l1Node.url, L1_CHAIN_ID, arb);
    const result = await withdrawalPath();
    expect(result.status, result.message).toBe('pass');
  });
});
