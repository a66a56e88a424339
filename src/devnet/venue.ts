/**
 * The devnet venue on an L2 anvil: a Chainlink-compatible ETH/USD feed with a day of hourly rounds, a
 * sequencer uptime feed, a USDC-like collateral token and an insurance fund holding it and ether.
 * `bootVenue` deploys it and writes a block history that ends now; the admin helpers below are what
 * scenarios use to put it into good and bad states.
 */
import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  type HttpTransport,
  http,
  type PublicClient,
  type WalletClient,
} from 'viem';
import type { HDAccount } from 'viem/accounts';
import { type AnvilNode, startAnvil } from './anvil.js';
import {
  DevnetAggregatorArtifact,
  DevnetMulticall3Artifact,
  DevnetTokenArtifact,
  InsuranceFundArtifact,
} from './artifacts.generated.js';
import { DEVNET_ADDRESSES, DEVNET_FUND, DEVNET_L2_CHAIN_ID, deployer, HISTORY_SECONDS } from './constants.js';

export const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

/** The deployer's wallet: account and chain fixed, so admin writes name only the call. */
type DevnetWallet = WalletClient<HttpTransport, Chain, HDAccount>;

export interface VenueClients {
  url: string;
  public: PublicClient;
  wallet: DevnetWallet;
}

export function venueClients(url: string, chainId = DEVNET_L2_CHAIN_ID): VenueClients {
  const chain = defineChain({
    id: chainId,
    name: 'l2preflight devnet L2',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  return {
    url,
    public: createPublicClient({ chain, transport: http(url), pollingInterval: 100 }) as PublicClient,
    wallet: createWalletClient({ chain, transport: http(url), account: deployer }),
  };
}

/** Raw anvil/evm RPC methods that viem's test actions would need a test client for. */
export async function anvilRpc<T = unknown>(
  clients: VenueClients,
  method: string,
  params: unknown[] = [],
): Promise<T> {
  return (await clients.public.request({ method: method as never, params: params as never })) as T;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A deterministic ETH/USD path around 3000 USD (8 decimals, like Chainlink's USD feeds). */
export function devnetPrice(index: number): bigint {
  return BigInt(Math.round((3000 + 40 * Math.sin(index / 3)) * 100)) * 10n ** 6n;
}

async function send(clients: VenueClients, tx: Promise<Hex>): Promise<void> {
  const hash = await tx;
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success') throw new Error(`devnet transaction ${hash} reverted`);
}

async function deploy(
  clients: VenueClients,
  artifact: { abi: readonly unknown[]; bytecode: Hex },
  args: unknown[],
) {
  const hash = await clients.wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
  } as never);
  const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (!receipt.contractAddress) throw new Error('devnet deployment produced no contract');
  return receipt.contractAddress;
}

export const admin = {
  pushRound(clients: VenueClients, feed: Address, answer: bigint, startedAt: number, updatedAt: number) {
    return send(
      clients,
      clients.wallet.writeContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'pushRound',
        args: [answer, BigInt(startedAt), BigInt(updatedAt)],
      }),
    );
  },
  async latestRound(clients: VenueClients, feed: Address): Promise<bigint> {
    return BigInt(
      await clients.public.readContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'latestRound',
      }),
    );
  },
  async setLatestTimestamps(clients: VenueClients, feed: Address, startedAt: number, updatedAt: number) {
    const round = await admin.latestRound(clients, feed);
    return send(
      clients,
      clients.wallet.writeContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'setRoundTimestamps',
        args: [round, BigInt(startedAt), BigInt(updatedAt)],
      }),
    );
  },
  async setLatestAnswer(clients: VenueClients, feed: Address, answer: bigint) {
    const round = await admin.latestRound(clients, feed);
    return send(
      clients,
      clients.wallet.writeContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'setRoundAnswer',
        args: [round, answer],
      }),
    );
  },
  async tokenBalance(clients: VenueClients, holder: Address): Promise<bigint> {
    return clients.public.readContract({
      address: DEVNET_ADDRESSES.usdc,
      abi: DevnetTokenArtifact.abi,
      functionName: 'balanceOf',
      args: [holder],
    }) as Promise<bigint>;
  },
  async fillFund(clients: VenueClients) {
    const have = await admin.tokenBalance(clients, DEVNET_ADDRESSES.insuranceFund);
    if (have < DEVNET_FUND.usdc) {
      await send(
        clients,
        clients.wallet.writeContract({
          address: DEVNET_ADDRESSES.usdc,
          abi: DevnetTokenArtifact.abi,
          functionName: 'mint',
          args: [DEVNET_ADDRESSES.insuranceFund, DEVNET_FUND.usdc - have],
        }),
      );
    }
    await anvilRpc(clients, 'anvil_setBalance', [
      DEVNET_ADDRESSES.insuranceFund,
      `0x${DEVNET_FUND.ether.toString(16)}`,
    ]);
  },
  async drainFund(clients: VenueClients) {
    const have = await admin.tokenBalance(clients, DEVNET_ADDRESSES.insuranceFund);
    if (have > 0n) {
      await send(
        clients,
        clients.wallet.writeContract({
          address: DEVNET_ADDRESSES.insuranceFund,
          abi: InsuranceFundArtifact.abi,
          functionName: 'withdraw',
          args: [DEVNET_ADDRESSES.usdc, deployer.address, have],
        }),
      );
    }
    await anvilRpc(clients, 'anvil_setBalance', [DEVNET_ADDRESSES.insuranceFund, '0x0']);
  },
  /** The sequencer has been up for two hours: well past Chainlink's one-hour reference grace period. */
  setSequencerUp(clients: VenueClients, sinceSeconds = 7_200) {
    const since = nowSeconds() - sinceSeconds;
    return admin.pushRound(clients, DEVNET_ADDRESSES.sequencerUptimeFeed, 0n, since, since);
  },
  setSequencerDown(clients: VenueClients) {
    const now = nowSeconds();
    return admin.pushRound(clients, DEVNET_ADDRESSES.sequencerUptimeFeed, 1n, now, now);
  },
  /**
   * Plays the feed's keeper on a long-running devnet: a new round once the latest is 50 minutes old
   * (the devnet's heartbeat is 1 h). A round older than 2 h was made stale on purpose by the
   * `stale-oracle` scenario and is left alone until `healthy`.
   */
  async keepPriceFresh(clients: VenueClients): Promise<boolean> {
    const [, , , updatedAt] = await clients.public.readContract({
      address: DEVNET_ADDRESSES.ethUsdFeed,
      abi: DevnetAggregatorArtifact.abi,
      functionName: 'latestRoundData',
    });
    const age = nowSeconds() - Number(updatedAt);
    if (age < 50 * 60 || age > 2 * 3_600) return false;
    await admin.freshPrice(clients);
    return true;
  },
  /**
   * Replaces the last `depth` blocks with a competing branch. The branch carries a self-transfer from
   * the deployer: an empty re-mined block can hash the same as the one it replaces.
   */
  reorg(clients: VenueClients, depth: number) {
    const transfer = { from: deployer.address, to: deployer.address, value: '0x1' };
    return anvilRpc(clients, 'anvil_reorg', [depth, [[transfer, 0]]]);
  },
  freshPrice(clients: VenueClients) {
    const now = nowSeconds();
    return admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, devnetPrice(24), now, now);
  },
};

async function installMulticall3(clients: VenueClients): Promise<void> {
  // Executing the creation code in an eth_call returns the runtime code without spending a nonce,
  // which keeps the deployer's nonces — and so every venue address — fixed.
  const { data } = await clients.public.call({ data: DevnetMulticall3Artifact.bytecode });
  if (!data) throw new Error('could not derive the Multicall3 runtime code');
  await anvilRpc(clients, 'anvil_setCode', [MULTICALL3_ADDRESS, data]);
}

/** Deploys the venue in a fixed order so its addresses never change (see DEVNET_ADDRESSES). */
export async function deployVenue(clients: VenueClients): Promise<void> {
  await installMulticall3(clients);
  const deployed = [
    await deploy(clients, DevnetTokenArtifact, ['Devnet USD Coin', 'USDC', 6]),
    await deploy(clients, DevnetAggregatorArtifact, [8, 'ETH / USD']),
    await deploy(clients, DevnetAggregatorArtifact, [0, 'L2 Sequencer Uptime Status Feed']),
    await deploy(clients, InsuranceFundArtifact, []),
  ];
  const expected = Object.values(DEVNET_ADDRESSES);
  if (deployed.some((a, i) => a.toLowerCase() !== expected[i]?.toLowerCase())) {
    throw new Error(
      `devnet addresses drifted: deployed ${deployed.join(', ')}, expected ${expected.join(', ')}`,
    );
  }
  const now = nowSeconds();
  for (let i = 0; i < 24; i += 1) {
    const at = now - (23 - i) * 3_600;
    await admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, devnetPrice(i), at, at);
  }
  await admin.setSequencerUp(clients);
  await admin.fillFund(clients);
}

/** Mines a 1-second block history up to now, then keeps mining one block a second like a sequencer. */
export async function catchUpAndMine(clients: VenueClients): Promise<void> {
  const latest = await clients.public.getBlock({ blockTag: 'latest' });
  const missing = nowSeconds() - Number(latest.timestamp) - 1;
  if (missing > 0) await anvilRpc(clients, 'anvil_mine', [`0x${missing.toString(16)}`, '0x1']);
  await anvilRpc(clients, 'evm_setIntervalMining', [1]);
}

export interface RunningVenue {
  node: AnvilNode;
  clients: VenueClients;
  stop(): Promise<void>;
}

export async function bootVenue(options: { port: number }): Promise<RunningVenue> {
  const node = await startAnvil({
    port: options.port,
    chainId: DEVNET_L2_CHAIN_ID,
    genesisTimestamp: nowSeconds() - HISTORY_SECONDS,
  });
  try {
    const clients = venueClients(node.url);
    await deployVenue(clients);
    await catchUpAndMine(clients);
    return { node, clients, stop: node.stop };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
