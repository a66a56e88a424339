/**
 * governance.exit-window on the real Arbitrum upgrade path (nitro-contracts 3.2.0 through
 * RollupCreator): the rollup and the ProxyAdmin are owned by an UpgradeExecutor, and who can upgrade
 * is whoever holds its EXECUTOR_ROLE.
 */
import { getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weakestHolder } from '../../src/checks/governance/exitWindow.js';
import type { ArbitrumDeployment } from '../../src/devnet/arbitrum/deploy.js';
import { handOverToTimelock, hasExecutorRole } from '../../src/devnet/arbitrum/governance.js';
import { deployer } from '../../src/devnet/constants.js';
import { anvilRpc, type VenueClients } from '../../src/devnet/venue-clients.js';
import { type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';

let venue: ArbitrumVenue;
let l1: VenueClients;
let arb: ArbitrumDeployment;

beforeAll(async () => {
  venue = await startArbitrumVenue();
  ({ l1, arb } = venue);
}, 60_000);

afterAll(() => venue?.stop());

/** Runs governance.exit-window with the UpgradeExecutor as the admin and the SequencerInbox as the proxy. */
function exitWindow(extra = '') {
  return venue.check(`type: governance.exit-window
admin: "${arb.upgradeExecutor}"
proxy: "${arb.sequencerInbox}"
sequencerInbox: "${arb.sequencerInbox}"
withdrawalDelay: 6d10h
minExitWindow: 7d
${extra}`);
}

describe('governance.exit-window through the UpgradeExecutor', () => {
  it('fails as deployed: the deployer key holds EXECUTOR_ROLE, so upgrades are instant', async () => {
    const result = await exitWindow();
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain(deployer.address);
    expect(result.message).toContain('instant upgrades');
    expect(result.evidence?.admin).toMatchObject({
      kind: 'executor',
      weakest: { kind: 'eoa', address: deployer.address },
    });
  });

  it('passes once EXECUTOR_ROLE is held only by a TimelockController with a long delay', async () => {
    const address = getAddress(await handOverToTimelock(l1, arb.upgradeExecutor));
    expect(await hasExecutorRole(l1, arb.upgradeExecutor, address)).toBe(true);
    expect(await hasExecutorRole(l1, arb.upgradeExecutor, deployer.address)).toBe(false);

    const result = await exitWindow();
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toContain(`timelock ${address}`);
    expect(result.message).toContain('upgrade delay 45d');
    // The deployer was granted the role at creation and has been revoked: the logs saw both.
    expect(result.evidence?.admin).toMatchObject({
      kind: 'executor',
      holders: [{ kind: 'timelock', address }],
      revoked: [deployer.address],
    });
  });

  it('is error, never pass, when the role logs cannot be read within the bound or hold no grant', async () => {
    await anvilRpc(l1, 'anvil_mine', ['0xc8']);
    const head = Number(await l1.public.getBlockNumber());
    const bounded = await exitWindow('logRange: 1');
    expect(bounded.status, bounded.message).toBe('error');
    expect(bounded.message).toContain('over the bound of 100');
    const late = await exitWindow(`executorFromBlock: ${head - 10}`);
    expect(late.status, late.message).toBe('error');
    expect(late.message).toContain('no account holds EXECUTOR_ROLE');
  });
});

describe('weakestHolder', () => {
  const key = { kind: 'eoa', address: '0x0000000000000000000000000000000000000001' } as const;
  const safe = (threshold: number) =>
    ({ kind: 'safe', address: '0x0000000000000000000000000000000000000002', threshold, owners: 5 }) as const;
  const timelock = {
    kind: 'timelock',
    address: '0x0000000000000000000000000000000000000003',
    delayMs: 86_400_000,
  } as const;

  it('picks the shortest delay, then a key before a Safe, then the Safe needing fewest signatures', () => {
    expect(weakestHolder([timelock, safe(3), key])).toBe(key);
    expect(weakestHolder([timelock, safe(3)])).toEqual(safe(3));
    expect(weakestHolder([safe(4), safe(2)])).toEqual(safe(2));
    expect(weakestHolder([timelock])).toBe(timelock);
    expect(weakestHolder([])).toBeUndefined();
  });
});
