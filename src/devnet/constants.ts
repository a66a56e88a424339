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

export { L2_TO_L1_MESSAGE_PASSER, MULTICALL3 } from '../core/wellKnown.js';

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

/**
 * The ETH/USD aggregator's minAnswer/maxAnswer (8 decimals): 1,000 and 10,000 USD. Inside the demo
 * checklist's plausible range (500–20,000), so only the bounds themselves can tell a price pinned at one.
 */
export const DEVNET_ETH_USD_BOUNDS = { min: 1_000n * 10n ** 8n, max: 10_000n * 10n ** 8n } as const;

/** The devnet market's open interest: 20 million USD (6 decimals). */
export const DEVNET_OPEN_INTEREST = 20_000_000n * 10n ** 6n;

/** On L1: the first deployment of the same deployer. */
export const DEVNET_L1_ADDRESSES = {
  batchInbox: at(0n),
} as const;

/**
 * The OP Stack bridge on L1 — the fault-proof system, as on OP Mainnet and Base — deployed right
 * after the inbox. Each Proxy follows its implementation and is initialized by one upgradeToAndCall
 * (nonces 3, 7, 10, 13 and 22 are those calls; 18 and 19 register the two game types).
 */
export const DEVNET_BRIDGE = {
  superchainConfig: at(2n),
  systemConfig: at(4n),
  disputeGameFactory: at(6n),
  anchorStateRegistry: at(9n),
  delayedWeth: at(12n),
  preimageOracle: at(14n),
  mips: at(15n),
  /** The permissionless game (CANNON, type 0): the portal's respected game type. */
  faultDisputeGame: at(16n),
  /** The permissioned game (PERMISSIONED_CANNON, type 1): only the proposer may create it. */
  permissionedDisputeGame: at(17n),
  portal: at(21n),
} as const;

/** Game types of the OP Stack (op-service GameType constants). */
export const GAME_TYPES = { cannon: 0, permissionedCannon: 1 } as const;

/**
 * The legacy bridge (L2OutputOracle + OptimismPortal 2.x) that chains before fault proofs ran; the
 * devnet deploys it instead when booted with `proofSystem: 'output-oracle'` (no governance then).
 */
export const DEVNET_LEGACY_BRIDGE = {
  superchainConfig: at(2n),
  systemConfig: at(4n),
  l2OutputOracle: at(6n),
  portal: at(9n),
} as const;

/** The first deployer nonce after the bridge. */
const GOVERNANCE_NONCE = 23n;

/**
 * Governance on L1, deployed right after the bridge (nonces 23–26): Safe singleton, SafeProxyFactory,
 * the 2-of-3 Safe (a CREATE2 proxy of the factory), and the TimelockController it proposes to.
 */
export const DEVNET_GOVERNANCE = {
  safe: '0xdfb79B6bcfc148CF31F1c4317DdD753E632c108a' as const,
  timelock: at(GOVERNANCE_NONCE + 3n),
} as const;

/**
 * Deployed last of all on L1, right after governance (the admin handover is the next nonce), so no
 * earlier address moves: the contracts-bedrock ProxyAdmin, owned by the timelock, which administers the
 * portal's proxy.
 */
export const DEVNET_UPGRADE_AUTHORITY = {
  proxyAdmin: at(GOVERNANCE_NONCE + 4n),
} as const;

/** How often the devnet batcher posts a batch to L1. */
export const BATCH_INTERVAL_MS = 5_000;
export const BATCHER_BALANCE = 10_000n * 10n ** 18n;

export const DEVNET_FUND = { usdc: 5_000_000n * 10n ** 6n, ether: 1_000n * 10n ** 18n } as const;

/** How far back the devnet's block history reaches at boot, so cadence has a window to read. */
export const HISTORY_SECONDS = 300;

/**
 * The devnet L2's block time. Like op-node, the devnet only makes blocks at parent + block time (the
 * OP Stack timestamp grid), so a stall that has ended leaves no gap in the block timestamps.
 */
export const L2_BLOCK_TIME_SECONDS = 1;

/** At boot the uptime feed says the sequencer has been up this long: longer than any outage lookback. */
export const SEQUENCER_UP_AT_BOOT_SECONDS = 7 * 24 * 3_600;

/** The `reorg` scenario's default: replace every block of this window, so a run made in it saw them. */
export const REORG_WINDOW_SECONDS = 120;

/**
 * How long the devnet waits for one of its own transactions to be mined. Scenarios run in another
 * process than `devnet up`'s proposer, batcher and keeper, sometimes from the same account: a
 * transaction replaced or dropped in that race must end in an error (and a retry on the next tick),
 * never in a wait that holds the proposer — or a scenario — forever.
 */
export const RECEIPT_TIMEOUT_MS = 30_000;
