/**
 * Who can upgrade a proxy, read from the chain rather than trusted from a checklist: the EIP-1967 admin
 * slot, then — when that admin is a ProxyAdmin-style contract — its `owner()`. OP Stack proxies (OP
 * `Proxy` behind a ProxyAdmin) and Arbitrum's TransparentUpgradeableProxy (behind a ProxyAdmin owned by
 * the UpgradeExecutor) both keep the admin in this slot.
 */
import {
  type Address,
  ContractFunctionExecutionError,
  getAddress,
  type Hex,
  parseAbi,
  zeroAddress,
} from 'viem';
import { MeasurementError } from '../checks/define.js';
import type { ChainReader } from '../engine/reader.js';

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
  const owner = await reader
    .readContract({ address: proxyAdmin, abi: ownableAbi, functionName: 'owner' })
    .catch((error: unknown) => {
      // A contract without owner() (a timelock or Safe administering the proxy directly) is the authority.
      if (error instanceof ContractFunctionExecutionError) return undefined;
      throw error;
    });
  return owner === undefined
    ? { proxy, proxyAdmin, authority: proxyAdmin }
    : { proxy, proxyAdmin, proxyAdminOwner: owner, authority: owner };
}
