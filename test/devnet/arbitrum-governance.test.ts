/**
 * governance.exit-window on the real Arbitrum upgrade path (nitro-contracts 3.2.0 through
 * RollupCreator): the rollup and the ProxyAdmin are owned by an UpgradeExecutor, and who can upgrade
 * is whoever holds its EXECUTOR_ROLE.
 */
import {
  type Abi,
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  stringToHex,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weakestHolder } from '../../src/checks/governance/exitWindow.js';
import type { ArbitrumDeployment } from '../../src/devnet/arbitrum/deploy.js';
import { deployer } from '../../src/devnet/constants.js';
import { packageJson } from '../../src/devnet/packageArtifacts.js';
import { anvilRpc, deploy, send, type VenueClients } from '../../src/devnet/venue-clients.js';
import { type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';

const EXECUTOR_ROLE = keccak256(stringToHex('EXECUTOR_ROLE'));
/** Longer than L2BEAT's 30-day green edge plus Arbitrum One's withdrawal delay. */
const TIMELOCK_DELAY_SECONDS = 45 * 86_400;
const upgradeExecutorAbi = parseAbi([
  'function executeCall(address target, bytes targetCallData) payable',
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
]);

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

/** A call the UpgradeExecutor makes to itself, sent by a holder of EXECUTOR_ROLE (the deployer). */
function executeOnSelf(functionName: 'grantRole' | 'revokeRole', account: Address): Promise<void> {
  const targetCallData = encodeFunctionData({
    abi: upgradeExecutorAbi,
    functionName,
    args: [EXECUTOR_ROLE, account],
  });
  return send(
    l1,
    l1.wallet.writeContract({
      address: arb.upgradeExecutor,
      abi: upgradeExecutorAbi,
      functionName: 'executeCall',
      args: [arb.upgradeExecutor, targetCallData],
    }),
  );
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
    const timelock = await packageJson<{ abi: Abi; bytecode: Hex }>(
      '@openzeppelin/contracts',
      'build/contracts/TimelockController.json',
    );
    // Anyone may propose and execute: only the delay matters to the exit window.
    const address = getAddress(
      await deploy(l1, timelock, [
        BigInt(TIMELOCK_DELAY_SECONDS),
        [deployer.address],
        [deployer.address],
        deployer.address,
      ]),
    );
    await executeOnSelf('grantRole', address);
    await executeOnSelf('revokeRole', deployer.address);
    const hasRole = (account: Address) =>
      l1.public.readContract({
        address: arb.upgradeExecutor,
        abi: upgradeExecutorAbi,
        functionName: 'hasRole',
        args: [EXECUTOR_ROLE, account],
      });
    expect(await hasRole(address)).toBe(true);
    expect(await hasRole(deployer.address)).toBe(false);

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
