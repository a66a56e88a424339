/**
 * The devnet's governance on L1, from the real contracts: a Safe (2 of 3, anvil accounts 4–6) that
 * proposes to an OpenZeppelin TimelockController with a 31-day delay — long enough that the exit
 * window (delay − the bridge's 12 s withdrawal delay) is in L2BEAT's green band. Deployed right after
 * the bridge, in a fixed order, so the addresses never change. Last, the portal's proxy is handed to a
 * ProxyAdmin the timelock owns — as on OP Mainnet, where the ProxyAdmin's owner is the upgrade
 * authority — so the exit-window check reads the real chain of custody.
 */
import {
  type Abi,
  type Address,
  encodeFunctionData,
  type Hex,
  numberToHex,
  pad,
  parseAbi,
  zeroAddress,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { addressInWord, EIP1967_ADMIN_SLOT } from '../protocols/upgradeAuthority.js';
import {
  ANVIL_MNEMONIC,
  DEVNET_BRIDGE,
  DEVNET_GOVERNANCE,
  DEVNET_UPGRADE_AUTHORITY,
  RECEIPT_TIMEOUT_MS,
} from './constants.js';
import { bedrockArtifact, packageJson } from './packageArtifacts.js';
import { anvilRpc, deploy, send, type VenueClients } from './venue-clients.js';

interface HardhatArtifact {
  abi: Abi;
  bytecode: Hex;
}

export const GOVERNANCE = {
  minDelaySeconds: 31 * 86_400,
  owners: [4, 5, 6].map((addressIndex) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex }).address),
  threshold: 2,
} as const;

/**
 * Storage slots the `instant-upgrades` scenario rewrites (checked against the deployed contracts at
 * boot, so a package upgrade that moves them fails loudly): OpenZeppelin 5's TimelockController keeps
 * `_minDelay` after AccessControl's roles and its own timestamps; Safe 1.5 keeps `threshold` after
 * singleton, modules, owners and ownerCount.
 */
const TIMELOCK_MIN_DELAY_SLOT = 2;
const SAFE_THRESHOLD_SLOT = 4;

const safeArtifact = (name: string) =>
  packageJson<HardhatArtifact>('@safe-global/safe-smart-account', `build/artifacts/contracts/${name}`);

async function storageAt(l1: VenueClients, address: Address, slot: number): Promise<bigint> {
  return BigInt((await l1.public.getStorageAt({ address, slot: numberToHex(slot) })) ?? '0x0');
}

function drifted(what: string, got: string, expected: string): never {
  throw new Error(`devnet ${what} drifted: ${got}, expected ${expected}`);
}

export async function deployGovernance(l1: VenueClients): Promise<void> {
  const [safe, factory, timelock] = await Promise.all([
    safeArtifact('Safe.sol/Safe.json'),
    safeArtifact('proxies/SafeProxyFactory.sol/SafeProxyFactory.json'),
    packageJson<HardhatArtifact>('@openzeppelin/contracts', 'build/contracts/TimelockController.json'),
  ]);
  const singleton = await deploy(l1, safe, []);
  const factoryAddress = await deploy(l1, factory, []);
  const setup = encodeFunctionData({
    abi: safe.abi,
    functionName: 'setup',
    args: [
      GOVERNANCE.owners,
      BigInt(GOVERNANCE.threshold),
      zeroAddress,
      '0x',
      zeroAddress,
      zeroAddress,
      0n,
      zeroAddress,
    ],
  });
  const create = {
    address: factoryAddress,
    abi: factory.abi,
    functionName: 'createProxyWithNonce',
    args: [singleton, setup, 0n],
  } as const;
  const { result: proxy } = await l1.public.simulateContract({ ...create, account: l1.wallet.account });
  const hash = await l1.wallet.writeContract(create);
  await l1.public.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: RECEIPT_TIMEOUT_MS });
  const timelockAddress = await deploy(l1, timelock, [
    BigInt(GOVERNANCE.minDelaySeconds),
    [proxy],
    [proxy],
    zeroAddress,
  ]);

  if ((proxy as string).toLowerCase() !== DEVNET_GOVERNANCE.safe.toLowerCase())
    drifted('Safe', proxy as string, DEVNET_GOVERNANCE.safe);
  if (timelockAddress.toLowerCase() !== DEVNET_GOVERNANCE.timelock.toLowerCase())
    drifted('timelock', timelockAddress, DEVNET_GOVERNANCE.timelock);
  if ((await storageAt(l1, timelockAddress, TIMELOCK_MIN_DELAY_SLOT)) !== BigInt(GOVERNANCE.minDelaySeconds))
    drifted('timelock storage layout', `slot ${TIMELOCK_MIN_DELAY_SLOT}`, '_minDelay');
  if ((await storageAt(l1, DEVNET_GOVERNANCE.safe, SAFE_THRESHOLD_SLOT)) !== BigInt(GOVERNANCE.threshold))
    drifted('Safe storage layout', `slot ${SAFE_THRESHOLD_SLOT}`, 'threshold');
  await handPortalToGovernance(l1, timelockAddress);
}

/**
 * The bridge deployer administers the portal's OP Proxy until here; `changeAdmin` (callable only by
 * the current admin) moves it to a contracts-bedrock ProxyAdmin owned by the timelock. Runs at the
 * very end of the L1 deployment so the deterministic addresses before it stay where they are.
 */
async function handPortalToGovernance(l1: VenueClients, timelock: Address): Promise<void> {
  const [proxyAdmin, proxy] = await Promise.all([bedrockArtifact('ProxyAdmin'), bedrockArtifact('Proxy')]);
  const proxyAdminAddress = await deploy(l1, { abi: proxyAdmin.abi, bytecode: proxyAdmin.bytecode.object }, [
    timelock,
  ]);
  if (proxyAdminAddress.toLowerCase() !== DEVNET_UPGRADE_AUTHORITY.proxyAdmin.toLowerCase())
    drifted('ProxyAdmin', proxyAdminAddress, DEVNET_UPGRADE_AUTHORITY.proxyAdmin);
  await send(
    l1,
    l1.wallet.writeContract({
      address: DEVNET_BRIDGE.portal,
      abi: proxy.abi,
      functionName: 'changeAdmin',
      args: [proxyAdminAddress],
    }),
  );
  const admin = await portalAdmin(l1);
  if (admin.toLowerCase() !== proxyAdminAddress.toLowerCase())
    drifted("portal proxy's EIP-1967 admin", admin, proxyAdminAddress);
  const owner = await l1.public.readContract({
    address: proxyAdminAddress,
    abi: parseAbi(['function owner() view returns (address)']),
    functionName: 'owner',
  });
  if (owner.toLowerCase() !== timelock.toLowerCase()) drifted('ProxyAdmin owner', owner, timelock);
}

async function portalAdmin(l1: VenueClients): Promise<Address> {
  return addressInWord(
    await l1.public.getStorageAt({ address: DEVNET_BRIDGE.portal, slot: EIP1967_ADMIN_SLOT }),
  );
}

/** Whoever holds the admin key of the `admin-takeover` scenario: an address nobody pinned. */
export const UNKNOWN_UPGRADER: Address = '0x000000000000000000000000000000000000dEaD';

/**
 * A takeover of the upgrade path: the portal proxy's EIP-1967 admin slot now names an unknown
 * address (rewritten in storage, as an upgrade of the admin or a leaked ProxyAdmin key would leave it).
 * The timelock and the Safe are untouched, so only a check that reads the slot can see it.
 */
export async function adminTakeover(l1: VenueClients, enabled: boolean): Promise<void> {
  const admin = enabled ? UNKNOWN_UPGRADER : DEVNET_UPGRADE_AUTHORITY.proxyAdmin;
  await anvilRpc(l1, 'anvil_setStorageAt', [DEVNET_BRIDGE.portal, EIP1967_ADMIN_SLOT, pad(admin)]);
}

/**
 * A governance takeover in one step: the timelock's delay becomes 0 and the Safe's threshold 1, as
 * if an upgrade had shortened them (rewritten in storage: the real path takes the full delay).
 */
export async function instantUpgrades(l1: VenueClients, enabled: boolean): Promise<void> {
  const delay = enabled ? 0 : GOVERNANCE.minDelaySeconds;
  const threshold = enabled ? 1 : GOVERNANCE.threshold;
  const word = (n: number) => numberToHex(n, { size: 32 });
  await anvilRpc(l1, 'anvil_setStorageAt', [
    DEVNET_GOVERNANCE.timelock,
    word(TIMELOCK_MIN_DELAY_SLOT),
    word(delay),
  ]);
  await anvilRpc(l1, 'anvil_setStorageAt', [
    DEVNET_GOVERNANCE.safe,
    word(SAFE_THRESHOLD_SLOT),
    word(threshold),
  ]);
}
