/**
 * The devnet's fixed facts. Deployment is deterministic (fixed deployer, fixed order), so the
 * addresses below are what `checks/devnet.yaml` commits to; a test keeps them in step.
 */
import { getContractAddress } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

export const DEVNET_L2_CHAIN_ID = 901;
export const DEVNET_L1_CHAIN_ID = 900;

export interface DevnetPorts {
  l2: number;
  l2Replica: number;
  l1: number;
}

export const DEVNET_PORTS: DevnetPorts = { l2: 9545, l1: 9546, l2Replica: 9547 };

/** anvil's well-known test mnemonic: its keys are public and only ever hold devnet ether. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const deployer = mnemonicToAccount(ANVIL_MNEMONIC);
/** The devnet batcher posts L2 batches to L1 from anvil's second test account. */
export const batcher = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });
/** The devnet proposer posts L2 output roots to L1 from anvil's third test account. */
export const proposer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 2 });

export { L2_TO_L1_MESSAGE_PASSER, MULTICALL3 } from '../venues/wellKnown.js';

const at = (nonce: bigint) => getContractAddress({ from: deployer.address, nonce });

export const DEVNET_ADDRESSES = {
  usdc: at(0n),
  ethUsdFeed: at(1n),
  sequencerUptimeFeed: at(2n),
  insuranceFund: at(3n),
  perpMarket: at(4n),
  pyth: at(5n),
} as const;

/** Pyth's real ETH/USD price id, which the devnet's Pyth publishes too. */
export const PYTH_ETH_USD_ID = '0xff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace';

/** The devnet market's open interest: 20 million USD (6 decimals). */
export const DEVNET_OPEN_INTEREST = 20_000_000n * 10n ** 6n;

/** On L1: the first deployment of the same deployer. */
export const DEVNET_L1_ADDRESSES = {
  batchInbox: at(0n),
} as const;

/**
 * The OP Stack bridge on L1, deployed right after the inbox: each Proxy follows its implementation
 * and is initialized by one upgradeToAndCall (nonce 3 and 7 and 10 are those calls).
 */
export const DEVNET_BRIDGE = {
  superchainConfig: at(2n),
  systemConfig: at(4n),
  l2OutputOracle: at(6n),
  portal: at(9n),
} as const;

/**
 * Governance on L1, deployed right after the bridge (nonces 11–14): Safe singleton, SafeProxyFactory,
 * the 2-of-3 Safe (a CREATE2 proxy of the factory), and the TimelockController it proposes to.
 */
export const DEVNET_GOVERNANCE = {
  safe: '0xF089cc02711fAa33078aDe291Aebb7d1d62dcdf4' as const,
  timelock: at(14n),
} as const;

/**
 * Deployed last of all on L1 (nonce 15; the admin handover is nonce 16), so no earlier address moves:
 * the contracts-bedrock ProxyAdmin, owned by the timelock, which administers the portal's proxy.
 */
export const DEVNET_UPGRADE_AUTHORITY = {
  proxyAdmin: at(15n),
} as const;

/** How often the devnet batcher posts a batch to L1. */
export const BATCH_INTERVAL_MS = 5_000;
export const BATCHER_BALANCE = 10_000n * 10n ** 18n;

export const DEVNET_FUND = { usdc: 5_000_000n * 10n ** 6n, ether: 1_000n * 10n ** 18n } as const;

/** How far back the devnet's block history reaches at boot, so cadence has a window to read. */
export const HISTORY_SECONDS = 300;
