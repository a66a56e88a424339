/**
 * Who can upgrade a proxy, read from the chain rather than trusted from a checklist: the EIP-1967 admin
 * slot, then — when that admin is a ProxyAdmin-style contract — its `owner()`. OP Stack proxies (OP
 * `Proxy` behind a ProxyAdmin) and Arbitrum's TransparentUpgradeableProxy (behind a ProxyAdmin owned by
 * the UpgradeExecutor) both keep the admin in this slot.
 */
import {
  type Address,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  parseAbiItem,
  stringToHex,
  zeroAddress,
} from 'viem';
import { MeasurementError } from '../core/errors.js';
import { readIfPresent } from '../rpc/probe.js';
import type { ChainReader } from '../rpc/reader.js';

/** bytes32(uint256(keccak256('eip1967.proxy.admin')) - 1), EIP-1967. */
export const EIP1967_ADMIN_SLOT: Hex = '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103';

const ownableAbi = parseAbi(['function owner() view returns (address)']);

export interface UpgradeAuthority {
  proxy: Address;
  /** The address in the proxy's EIP-1967 admin slot. */
  proxyAdmin: Address;
  /** `owner()` of that admin, when it is a contract that answers it (a ProxyAdmin). */
  proxyAdminOwner?: Address;
  /** Who can upgrade: the ProxyAdmin's owner, else the slot's admin itself. */
  authority: Address;
}

/** The address held in the low 20 bytes of a storage word. */
export function addressInWord(word: Hex | undefined): Address {
  return getAddress(`0x${(word ?? '0x').replace(/^0x/, '').padStart(64, '0').slice(-40)}`);
}

export async function readUpgradeAuthority(reader: ChainReader, proxy: Address): Promise<UpgradeAuthority> {
  const proxyAdmin = addressInWord(await reader.storageAt(proxy, EIP1967_ADMIN_SLOT));
  if (proxyAdmin === zeroAddress) {
    throw new MeasurementError(
      `${proxy} has no admin in its EIP-1967 admin slot: it is not an EIP-1967 proxy, so who can upgrade it cannot be read`,
    );
  }
  const code = await reader.code(proxyAdmin);
  if (!code || code === '0x') return { proxy, proxyAdmin, authority: proxyAdmin };
  // A contract without owner() (a timelock or Safe administering the proxy directly) is the authority.
  const owner = await readIfPresent(reader, { address: proxyAdmin, abi: ownableAbi, functionName: 'owner' });
  return owner === undefined
    ? { proxy, proxyAdmin, authority: proxyAdmin }
    : { proxy, proxyAdmin, proxyAdminOwner: owner, authority: owner };
}

/**
 * Arbitrum's UpgradeExecutor (@offchainlabs/upgrade-executor): owner of the rollup and of the
 * ProxyAdmin; whoever holds its EXECUTOR_ROLE (OpenZeppelin AccessControl) can make it upgrade anything.
 */
export const EXECUTOR_ROLE: Hex = keccak256(stringToHex('EXECUTOR_ROLE'));

const upgradeExecutorAbi = parseAbi([
  'function EXECUTOR_ROLE() view returns (bytes32)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
]);
const roleEvents = [
  parseAbiItem('event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)'),
  parseAbiItem('event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)'),
] as const;

/** Whether `address` answers EXECUTOR_ROLE() with keccak256("EXECUTOR_ROLE"): an UpgradeExecutor. */
export async function isUpgradeExecutor(reader: ChainReader, address: Address): Promise<boolean> {
  const role = await readIfPresent(reader, {
    address,
    abi: upgradeExecutorAbi,
    functionName: 'EXECUTOR_ROLE',
  });
  return role?.toLowerCase() === EXECUTOR_ROLE;
}

export interface ExecutorHolders {
  executor: Address;
  /** Accounts that hold EXECUTOR_ROLE at the run's head (granted in the searched logs, confirmed by hasRole). */
  holders: Address[];
  /** Granted in the searched range but no longer held. */
  revoked: Address[];
  fromBlock: number;
  toBlock: number;
  requests: number;
}

/**
 * Who holds EXECUTOR_ROLE. AccessControl is not enumerable, so the candidates are the accounts of
 * RoleGranted/RoleRevoked logs from `fromBlock` to the run's head (in chunks of `logRange`, at most
 * `maxRequests` of them), each confirmed with hasRole at the head. A grant older than `fromBlock` is
 * not seen: fromBlock must be at or before the executor's deployment.
 */
export async function readExecutorHolders(
  reader: ChainReader,
  executor: Address,
  options: { fromBlock: number; logRange: number; maxRequests: number },
): Promise<ExecutorHolders> {
  const head = (await reader.stateHead()).number ?? 0n;
  const from = BigInt(options.fromBlock);
  if (from > head) {
    throw new MeasurementError(`executorFromBlock ${options.fromBlock} is past the L1 head ${head}`);
  }
  const chunks = (head - from) / BigInt(options.logRange) + 1n;
  if (chunks > BigInt(options.maxRequests)) {
    throw new MeasurementError(
      `reading EXECUTOR_ROLE grants of ${executor} from block ${options.fromBlock} to ${head} takes ${chunks} eth_getLogs requests of ${options.logRange} blocks, over the bound of ${options.maxRequests}: give executorFromBlock (the executor's deployment block) or a larger logRange`,
    );
  }
  const client = await reader.client();
  const candidates = new Map<string, Address>();
  let requests = 0;
  for (let start = from; start <= head; start += BigInt(options.logRange)) {
    const end = start + BigInt(options.logRange) - 1n > head ? head : start + BigInt(options.logRange) - 1n;
    requests += 1;
    const logs = await client.getLogs({
      address: executor,
      events: roleEvents,
      fromBlock: start,
      toBlock: end,
      strict: true,
    });
    for (const log of logs) {
      if (log.args.role.toLowerCase() !== EXECUTOR_ROLE) continue;
      candidates.set(log.args.account.toLowerCase(), getAddress(log.args.account));
    }
  }
  const accounts = [...candidates.values()];
  const held = await Promise.all(
    accounts.map((account) =>
      reader.readContract({
        address: executor,
        abi: upgradeExecutorAbi,
        functionName: 'hasRole',
        args: [EXECUTOR_ROLE, account],
      }),
    ),
  );
  return {
    executor,
    holders: accounts.filter((_, i) => held[i]),
    revoked: accounts.filter((_, i) => !held[i]),
    fromBlock: options.fromBlock,
    toBlock: Number(head),
    requests: requests + accounts.length,
  };
}
