/**
 * viem clients for a drill: chain definitions built from the checklist (the L2 names its L1 as
 * `sourceId` and carries the bridge addresses keyed by the L1 chain id, as viem's op-stack actions
 * expect), and a wallet transport that journals every signed transaction before it is broadcast.
 */
import {
  type Account,
  type Address,
  type Chain,
  type ChainContract,
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

/** A contract deployed on the L1, keyed by the L1's chain id (viem's op-stack `TargetChain` shape). */
type OnL1 = { [l1ChainId: number]: ChainContract };

/** An L2 whose proposals live in `proposals` on its L1, beside the portal. */
type OpStackL2<Proposals extends string> = Chain & {
  sourceId: number;
  contracts: { portal: OnL1; l2ToL1MessagePasser: ChainContract } & { [_ in Proposals]: OnL1 };
};

/**
 * The L2 as viem's op-stack actions take it for `targetChain`: its L1 as `sourceId`, the portal, and
 * where proposals live — the L2OutputOracle (legacy) or the DisputeGameFactory (fault proofs). The
 * union is at the top so that each member matches one of the shapes viem's parameters accept.
 */
export type DrillL2Chain = OpStackL2<'l2OutputOracle'> | OpStackL2<'disputeGameFactory'>;

export interface DrillChains {
  l1: Chain;
  l2: DrillL2Chain;
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
  const onL1 = (address: Address) => ({ [options.l1.chainId]: { address } });
  const l2 = {
    id: options.l2.chainId,
    name: `L2 ${options.l2.chainId}`,
    nativeCurrency: eth,
    rpcUrls: { default: { http: options.l2.rpc } },
    sourceId: options.l1.chainId,
  };
  const bridge = { portal: onL1(options.portal), l2ToL1MessagePasser: { address: L2_TO_L1_MESSAGE_PASSER } };
  return {
    l1,
    l2:
      'l2OutputOracle' in options.proposals
        ? defineChain({
            ...l2,
            contracts: { ...bridge, l2OutputOracle: onL1(options.proposals.l2OutputOracle) },
          })
        : defineChain({
            ...l2,
            contracts: { ...bridge, disputeGameFactory: onL1(options.proposals.disputeGameFactory) },
          }),
  };
}

export function publicClient<C extends Chain>(chain: C): PublicClient<Transport, C> {
  return createPublicClient({
    chain,
    transport: http(chain.rpcUrls.default.http[0]),
    pollingInterval: 250,
  });
}

/** Called with the signed transaction and its hash before it reaches the network. */
export type BeforeBroadcast = (raw: Hex, hash: Hex) => Promise<void>;

/** A transport that hands every eth_sendRawTransaction to `beforeBroadcast` first (the journal). */
export function journalingTransport(url: string, beforeBroadcast: BeforeBroadcast): Transport {
  const inner = http(url, { retryCount: 0 })({});
  return custom({
    async request({ method, params }: { method: string; params?: unknown }) {
      if (method === 'eth_sendRawTransaction') {
        const raw = (params as [Hex])[0];
        await beforeBroadcast(raw, keccak256(raw));
      }
      return inner.request({ method, params });
    },
  });
}

export function walletClient<C extends Chain>(
  chain: C,
  account: Account,
  beforeBroadcast: BeforeBroadcast,
): WalletClient<Transport, C, Account> {
  return createWalletClient({
    chain,
    account,
    transport: journalingTransport(chain.rpcUrls.default.http[0] as string, beforeBroadcast),
  });
}
