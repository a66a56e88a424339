/**
 * The devnet's L1: an anvil node holding the L2's batch inbox, and a batcher that posts a batch for
 * the L2 every few seconds, as a rollup's batcher does. The `batcher-stalled` scenario empties the
 * batcher's L1 balance, so its posts fail exactly as they would for a real batcher out of funds.
 */
import { createWalletClient, type Hex, http } from 'viem';
import { type AnvilNode, startAnvil } from './anvil.js';
import { DevnetSequencerInboxArtifact } from './artifacts.generated.js';
import {
  BATCH_INTERVAL_MS,
  BATCHER_BALANCE,
  batcher,
  DEVNET_L1_ADDRESSES,
  DEVNET_L1_CHAIN_ID,
  HISTORY_SECONDS,
  RECEIPT_TIMEOUT_MS,
} from './constants.js';
import {
  anvilRpc,
  catchUpAndMine,
  deploy,
  nowSeconds,
  type VenueClients,
  venueClients,
} from './venue-clients.js';

export interface RunningL1 {
  node: AnvilNode;
  clients: VenueClients;
  /** Posts one batch now (tests use it to control timing). */
  postBatch(): Promise<Hex>;
  stop(): Promise<void>;
}

export function batcherWallet(l1: VenueClients) {
  return createWalletClient({ chain: l1.wallet.chain, transport: http(l1.url), account: batcher });
}

export function setBatcherBalance(l1: VenueClients, wei: bigint) {
  return anvilRpc(l1, 'anvil_setBalance', [batcher.address, `0x${wei.toString(16)}`]);
}

/**
 * Starts the L1 node with automine and deploys the batch inbox; `beforeMining` deploys more (the
 * bridge) while transactions still mine instantly. Then it writes the block history up to now, posts a
 * first batch, and starts the batcher.
 */
export async function bootL1(options: {
  port: number;
  l2: VenueClients;
  batchIntervalMs?: number;
  beforeMining?: (l1: VenueClients) => Promise<void>;
}): Promise<RunningL1> {
  const node = await startAnvil({
    port: options.port,
    chainId: DEVNET_L1_CHAIN_ID,
    genesisTimestamp: nowSeconds() - HISTORY_SECONDS,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const clients = venueClients(node.url, DEVNET_L1_CHAIN_ID);
    const inbox = await deploy(clients, DevnetSequencerInboxArtifact, [batcher.address]);
    if (inbox.toLowerCase() !== DEVNET_L1_ADDRESSES.batchInbox.toLowerCase()) {
      throw new Error(`devnet L1 inbox drifted: ${inbox}, expected ${DEVNET_L1_ADDRESSES.batchInbox}`);
    }
    await options.beforeMining?.(clients);
    await setBatcherBalance(clients, BATCHER_BALANCE);
    const wallet = batcherWallet(clients);
    const postBatch = async () => {
      const head = await options.l2.public.getBlock({ blockTag: 'latest' });
      return wallet.writeContract({
        address: DEVNET_L1_ADDRESSES.batchInbox,
        abi: DevnetSequencerInboxArtifact.abi,
        functionName: 'addSequencerL2Batch',
        args: [head.hash as Hex],
      });
    };
    // History first, then a batch at the head: the venue boots with a fresh batch on L1.
    await catchUpAndMine(clients);
    const first = await postBatch();
    await clients.public.waitForTransactionReceipt({
      hash: first,
      pollingInterval: 50,
      timeout: RECEIPT_TIMEOUT_MS,
    });
    timer = setInterval(() => {
      // A batcher without funds (batcher-stalled) fails to post: that is the scenario, not an error.
      postBatch().catch(() => {});
    }, options.batchIntervalMs ?? BATCH_INTERVAL_MS);
    timer.unref();
    return {
      node,
      clients,
      postBatch,
      stop: async () => {
        clearInterval(timer);
        await node.stop();
      },
    };
  } catch (error) {
    clearInterval(timer);
    await node.stop();
    throw error;
  }
}
