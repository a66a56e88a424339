/**
 * The Arbitrum devnet's upgrade path, set up as a Stage-1 chain has it: the UpgradeExecutor (owner of
 * the rollup and admin of every proxy) takes orders only from holders of its EXECUTOR_ROLE, and after
 * boot the only holder is a TimelockController with a long delay — the deployer's key, which
 * RollupCreator made the first executor, is revoked. The `instant-upgrades` scenario grants the role to
 * a plain key, which is what governance.exit-window must catch.
 */
import {
  type Abi,
  type Address,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  parseAbi,
  stringToHex,
} from 'viem';
import { deployer } from '../constants.js';
import { UNKNOWN_UPGRADER } from '../governance.js';
import { packageJson } from '../packageArtifacts.js';
import { anvilRpc, deploy, send, type VenueClients } from '../venue-clients.js';

export const EXECUTOR_ROLE = keccak256(stringToHex('EXECUTOR_ROLE'));

/** Longer than L2BEAT's 30-day green edge plus the devnet's withdrawal delay. */
export const ARBITRUM_TIMELOCK_DELAY_SECONDS = 45 * 86_400;

const upgradeExecutorAbi = parseAbi([
  'function executeCall(address target, bytes targetCallData) payable',
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
]);

/** A call the UpgradeExecutor makes to itself, ordered by a holder of EXECUTOR_ROLE (the deployer, at boot). */
function executeOnSelf(
  l1: VenueClients,
  upgradeExecutor: Address,
  functionName: 'grantRole' | 'revokeRole',
  account: Address,
): Promise<void> {
  const targetCallData = encodeFunctionData({
    abi: upgradeExecutorAbi,
    functionName,
    args: [EXECUTOR_ROLE, account],
  });
  return send(
    l1,
    l1.wallet.writeContract({
      address: upgradeExecutor,
      abi: upgradeExecutorAbi,
      functionName: 'executeCall',
      args: [upgradeExecutor, targetCallData],
    }),
  );
}

/** Deploys the timelock, makes it the only executor, and returns its address. */
export async function handOverToTimelock(l1: VenueClients, upgradeExecutor: Address): Promise<Address> {
  const artifact = await packageJson<{ abi: Abi; bytecode: Hex }>(
    '@openzeppelin/contracts',
    'build/contracts/TimelockController.json',
  );
  // Anyone may propose and execute: only the delay matters to the exit window.
  const timelock = await deploy(l1, artifact, [
    BigInt(ARBITRUM_TIMELOCK_DELAY_SECONDS),
    [deployer.address],
    [deployer.address],
    deployer.address,
  ]);
  await executeOnSelf(l1, upgradeExecutor, 'grantRole', timelock);
  await executeOnSelf(l1, upgradeExecutor, 'revokeRole', deployer.address);
  return timelock;
}

export function hasExecutorRole(l1: VenueClients, upgradeExecutor: Address, account: Address) {
  return l1.public.readContract({
    address: upgradeExecutor,
    abi: upgradeExecutorAbi,
    functionName: 'hasRole',
    args: [EXECUTOR_ROLE, account],
  });
}

/**
 * Grants (or revokes) EXECUTOR_ROLE for UNKNOWN_UPGRADER, a plain key. Only the executor itself holds
 * the role's admin, and the real path goes through the timelock's 45 days, so the devnet sends the
 * call as the executor (anvil impersonation): the state it leaves is the state a takeover leaves.
 */
export async function setInstantUpgrader(
  l1: VenueClients,
  upgradeExecutor: Address,
  enabled: boolean,
): Promise<void> {
  if ((await hasExecutorRole(l1, upgradeExecutor, UNKNOWN_UPGRADER)) === enabled) return;
  const data = encodeFunctionData({
    abi: upgradeExecutorAbi,
    functionName: enabled ? 'grantRole' : 'revokeRole',
    args: [EXECUTOR_ROLE, UNKNOWN_UPGRADER],
  });
  await asExecutor(l1, upgradeExecutor, upgradeExecutor, data);
}

/**
 * Sends `data` to `target` from the UpgradeExecutor itself (anvil impersonation; the node signs for
 * it as a JSON-RPC account). On the devnet only the 45-day timelock may order the executor, so this is
 * how scenarios leave the state an owner's call leaves.
 */
export async function asExecutor(
  l1: VenueClients,
  upgradeExecutor: Address,
  target: Address,
  data: Hex,
): Promise<void> {
  await anvilRpc(l1, 'anvil_impersonateAccount', [upgradeExecutor]);
  await anvilRpc(l1, 'anvil_setBalance', [upgradeExecutor, '0xde0b6b3a7640000']);
  try {
    const executor = createWalletClient({
      chain: l1.wallet.chain,
      transport: http(l1.url),
      account: upgradeExecutor,
    });
    await send(l1, executor.sendTransaction({ to: target, data }));
  } finally {
    await anvilRpc(l1, 'anvil_stopImpersonatingAccount', [upgradeExecutor]);
  }
}
