/** viem clients for a devnet node and the few raw anvil calls the devnet needs. */
import {
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
import { DEVNET_L2_CHAIN_ID, deployer, RECEIPT_TIMEOUT_MS } from './constants.js';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

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
  // viem's public RPC schema lists no anvil_/evm_ methods: the override types this one request.
  return clients.public.request<{ Parameters: unknown[]; ReturnType: T }>({ method, params });
}

/** Waits until every transaction is mined, and fails if one reverted. */
export async function mined(clients: VenueClients, hashes: readonly Hex[]): Promise<void> {
  for (const hash of hashes) {
    const receipt = await clients.public.waitForTransactionReceipt({
      hash,
      pollingInterval: 50,
      timeout: RECEIPT_TIMEOUT_MS,
    });
    if (receipt.status !== 'success') throw new Error(`devnet transaction ${hash} reverted`);
  }
}

export async function send(clients: VenueClients, tx: Promise<Hex>): Promise<void> {
  await mined(clients, [await tx]);
}

export async function deploy(
  clients: VenueClients,
  artifact: { abi: readonly unknown[]; bytecode: Hex },
  args: unknown[],
) {
  const hash = await clients.wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
  });
  const receipt = await clients.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (!receipt.contractAddress) throw new Error('devnet deployment produced no contract');
  return receipt.contractAddress;
}

/** Mines a 1-second block history up to now, then keeps mining one block a second like a sequencer. */
export async function catchUpAndMine(clients: VenueClients): Promise<void> {
  const latest = await clients.public.getBlock({ blockTag: 'latest' });
  const missing = nowSeconds() - Number(latest.timestamp) - 1;
  if (missing > 0) await anvilRpc(clients, 'anvil_mine', [`0x${missing.toString(16)}`, '0x1']);
  await anvilRpc(clients, 'evm_setIntervalMining', [1]);
}
