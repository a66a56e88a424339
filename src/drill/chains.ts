/**
 * viem clients for a drill: chain definitions built from the checklist (the L2 names its L1 as
 * `sourceId` and carries the bridge addresses keyed by the L1 chain id, as viem's op-stack actions
 * expect), and a wallet transport that journals every signed transaction before it is broadcast.
 */
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { L2_TO_L1_MESSAGE_PASSER, MULTICALL3 } from '../core/wellKnown.js';

export interface DrillChains {
  l1: Chain;
  l2: Chain;
}

export function drillChains(options: {
  l1: { chainId: number; rpc: string[] };
  l2: { chainId: number; rpc: string[] };
  portal: Address;
  /** Where proposals live: the L2OutputOracle (legacy) or the DisputeGameFactory (fault proofs). */
  proposals: { l2OutputOracle: Address } | { disputeGameFactory: Address };
}): DrillChains {
  const eth = { name: 'Ether', symbol: 'ETH', decimals: 18 };
  const l1 = defineChain({
    id: options.l1.chainId,
    name: `L1 ${options.l1.chainId}`,
    nativeCurrency: eth,
    rpcUrls: { default: { http: options.l1.rpc } },
    contracts: { multicall3: { address: MULTICALL3 } },
  });
  const l2 = defineChain({
    id: options.l2.chainId,
    name: `L2 ${options.l2.chainId}`,
    nativeCurrency: eth,
    rpcUrls: { default: { http: options.l2.rpc } },
    sourceId: options.l1.chainId,
    contracts: {
      portal: { [options.l1.chainId]: { address: options.portal } },
      ...('l2OutputOracle' in options.proposals
        ? { l2OutputOracle: { [options.l1.chainId]: { address: options.proposals.l2OutputOracle } } }
        : {
            disputeGameFactory: { [options.l1.chainId]: { address: options.proposals.disputeGameFactory } },
          }),
      l2ToL1MessagePasser: { address: L2_TO_L1_MESSAGE_PASSER },
    },
  });
  return { l1, l2 };
}

export function publicClient(chain: Chain): PublicClient {
  return createPublicClient({
    chain,
    transport: http(chain.rpcUrls.default.http[0]),
    pollingInterval: 250,
  }) as PublicClient;
}

/** Called with the signed transaction and its hash before it reaches the network. */
export type BeforeBroadcast = (raw: Hex, hash: Hex) => Promise<void>;

/** A transport that hands every eth_sendRawTransaction to `beforeBroadcast` first (the journal). */
export function journalingTransport(url: string, beforeBroadcast: BeforeBroadcast): Transport {
  const inner = http(url, { retryCount: 0 })({});
  return custom({
    async request({ method, params }) {
      if (method === 'eth_sendRawTransaction') {
        const raw = (params as [Hex])[0];
        await beforeBroadcast(raw, keccak256(raw));
      }
      return inner.request({ method, params } as never);
    },
  });
}

export function walletClient(chain: Chain, account: Account, beforeBroadcast: BeforeBroadcast): WalletClient {
  return createWalletClient({
    chain,
    account,
    transport: journalingTransport(chain.rpcUrls.default.http[0] as string, beforeBroadcast),
  });
}
