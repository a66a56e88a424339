/**
 * Built-in venue presets: chain ids, the stack, public RPC defaults (overridable from the environment)
 * and well-known contracts. A checklist says `venue: { preset: base }` and its own `contracts` override
 * the preset's. Addresses from viem's chain definitions are read from viem; every other address is
 * cited next to it. Numbers change with upgrades: a preset is a default, never a hard-code.
 */
import { type Address, getAddress } from 'viem';
import { arbitrum, base, mainnet, optimism } from 'viem/chains';
import type { Stack } from '../core/result.js';

export interface PresetChain {
  chainId: number;
  /** Environment variable that overrides the public RPC (it may carry an API key). */
  rpcEnv: string;
  /** A public endpoint: rate-limited, fine to try the tool, not for a desk's production runs. */
  publicRpc: string;
}

export interface PresetContract {
  address: Address;
  on: 'l1' | 'l2';
  /** Where the address was verified. */
  source: string;
}

export interface PresetEndpoint {
  env: string;
  url: string;
}

export interface VenuePreset {
  name: string;
  title: string;
  stack: Stack;
  summary: string;
  l2?: PresetChain;
  l1?: PresetChain;
  dydx?: { network: string; indexer: PresetEndpoint; rpc: PresetEndpoint; rest: PresetEndpoint };
  contracts: Record<string, PresetContract>;
}

const viemSource = (chain: string) => `viem 2.57 chain definition "${chain}"`;
const l1Contract = (chain: { contracts?: unknown }, name: string): Address => {
  const entry = (chain.contracts as Record<string, Record<number, { address: Address }>>)[name]?.[mainnet.id];
  if (!entry) throw new Error(`viem has no ${name} on L1 for this chain`);
  return getAddress(entry.address);
};
const l2 = (address: string, source: string): PresetContract => ({
  address: getAddress(address),
  on: 'l2',
  source,
});
const l1 = (address: string, source: string): PresetContract => ({
  address: getAddress(address),
  on: 'l1',
  source,
});

const ETHEREUM: PresetChain = {
  chainId: mainnet.id,
  rpcEnv: 'ETH_RPC_URL',
  publicRpc: mainnet.rpcUrls.default.http[0],
};

// Chainlink: https://docs.chain.link/data-feeds/l2-sequencer-feeds (sequencer uptime feeds) and
// https://docs.chain.link/data-feeds/price-feeds/addresses (price feeds; heartbeats in the shipped
// checklists). Cross-checked against smartcontractkit/hardhat-chainlink src/registries/json
// (DataFeeds.json, L2Sequencers.json) for OP Mainnet and Arbitrum One.
const CHAINLINK_DOCS = 'docs.chain.link/data-feeds';
// Circle: https://developers.circle.com/stablecoins/usdc-contract-addresses (native USDC, 6 decimals).
const CIRCLE = 'developers.circle.com/stablecoins/usdc-contract-addresses';
// ethereum-optimism/superchain-registry superchain/configs/mainnet/<chain>.toml and
// superchain/extra/addresses/addresses.json.
const REGISTRY = 'ethereum-optimism/superchain-registry configs/mainnet';

const opMainnet: VenuePreset = {
  name: 'op-mainnet',
  title: 'OP Mainnet',
  stack: 'op-stack',
  summary: 'OP Mainnet (chain 10) on Ethereum: OP Stack with fault proofs',
  l2: { chainId: optimism.id, rpcEnv: 'OP_MAINNET_RPC_URL', publicRpc: optimism.rpcUrls.default.http[0] },
  l1: ETHEREUM,
  contracts: {
    portal: { address: l1Contract(optimism, 'portal'), on: 'l1', source: viemSource('optimism') },
    disputeGameFactory: {
      address: l1Contract(optimism, 'disputeGameFactory'),
      on: 'l1',
      source: viemSource('optimism'),
    },
    l1StandardBridge: {
      address: l1Contract(optimism, 'l1StandardBridge'),
      on: 'l1',
      source: viemSource('optimism'),
    },
    superchainConfig: l1('0x95703e0982140D16f8ebA6d158FccEde42f04a4C', `${REGISTRY} superchain.toml`),
    systemConfig: l1('0x229047fed2591dbec1eF1118d64F7aF3dB9EB290', `${REGISTRY}/op.toml`),
    batchInbox: l1('0xFF00000000000000000000000000000000000010', `${REGISTRY}/op.toml batch_inbox_addr`),
    batcher: l1('0x6887246668a3b87F54DeB3b94Ba47a6f63F32985', `${REGISTRY}/op.toml batcherAddress`),
    proxyAdminOwner: l1('0x5a0Aae59D09fccBdDb6C6CcEB07B7279367C3d2A', `${REGISTRY}/op.toml [roles]`),
    sequencerUptimeFeed: l2(
      '0x371EAD81c9102C9BF4874A9075FFFf170F2Ee389',
      `${CHAINLINK_DOCS}/l2-sequencer-feeds`,
    ),
    ethUsdFeed: l2('0x13e3Ee699D1909E989722E753853AE30b17e08c5', `${CHAINLINK_DOCS} (OP, ETH / USD)`),
    btcUsdFeed: l2('0xD702DD976Fb76Fffc2D3963D037dfDae5b04E593', `${CHAINLINK_DOCS} (OP, BTC / USD)`),
    usdcUsdFeed: l2('0x16a9FA2FDa030272Ce99B29CF780dFA30361E0f3', `${CHAINLINK_DOCS} (OP, USDC / USD)`),
    usdc: l2('0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85', CIRCLE),
  },
};

const basePreset: VenuePreset = {
  name: 'base',
  title: 'Base',
  stack: 'op-stack',
  summary: 'Base (chain 8453) on Ethereum: OP Stack with fault proofs',
  l2: { chainId: base.id, rpcEnv: 'BASE_RPC_URL', publicRpc: base.rpcUrls.default.http[0] },
  l1: ETHEREUM,
  contracts: {
    portal: { address: l1Contract(base, 'portal'), on: 'l1', source: viemSource('base') },
    disputeGameFactory: {
      address: l1Contract(base, 'disputeGameFactory'),
      on: 'l1',
      source: viemSource('base'),
    },
    l1StandardBridge: { address: l1Contract(base, 'l1StandardBridge'), on: 'l1', source: viemSource('base') },
    // Base left the superchain registry on 2026-04-27 (#1212); these are its last entries there
    // (commit 5b055be4), when Base already ran its own SuperchainConfig and guardian.
    superchainConfig: l1('0xb535ff7F118260a952CE65e7fF41B1743De8EE6c', `${REGISTRY} addresses.json@5b055be4`),
    systemConfig: l1('0x73a79Fab69143498Ed3712e519A88a918e1f4072', `${REGISTRY}/base.toml@5b055be4`),
    batchInbox: l1('0xFf00000000000000000000000000000000008453', `${REGISTRY}/base.toml@5b055be4`),
    batcher: l1('0x5050F69a9786F081509234F1a7F4684b5E5b76C9', `${REGISTRY}/base.toml@5b055be4`),
    proxyAdminOwner: l1(
      '0x7bB41C3008B3f03FE483B28b8DB90e19Cf07595c',
      `${REGISTRY}/base.toml@5b055be4 [roles]`,
    ),
    sequencerUptimeFeed: l2(
      '0xBCF85224fc0756B9Fa45aA7892530B47e10b6433',
      `${CHAINLINK_DOCS}/l2-sequencer-feeds`,
    ),
    ethUsdFeed: l2('0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70', `${CHAINLINK_DOCS} (Base, ETH / USD)`),
    btcUsdFeed: l2('0x64c911996D3c6aC71f9b455B1E8E7266BcbD848F', `${CHAINLINK_DOCS} (Base, BTC / USD)`),
    usdcUsdFeed: l2('0x7e860098F58bBFC8648a4311b374B1D669a2bc6B', `${CHAINLINK_DOCS} (Base, USDC / USD)`),
    usdc: l2('0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', CIRCLE),
  },
};

// Arbitrum: https://docs.arbitrum.io/build-decentralized-apps/reference/useful-addresses, generated from
// @arbitrum/sdk (networks.ts, mainnetETHBridge). The rollup is the BoLD rollup of February 2025.
const ARBITRUM_DOCS = 'docs.arbitrum.io useful-addresses';

const arbitrumOne: VenuePreset = {
  name: 'arbitrum-one',
  title: 'Arbitrum One',
  stack: 'arbitrum',
  summary: 'Arbitrum One (chain 42161) on Ethereum: Nitro with BoLD',
  l2: { chainId: arbitrum.id, rpcEnv: 'ARBITRUM_ONE_RPC_URL', publicRpc: arbitrum.rpcUrls.default.http[0] },
  l1: ETHEREUM,
  contracts: {
    rollup: l1('0x4DCeB440657f21083db8aDd07665f8ddBe1DCfc0', ARBITRUM_DOCS),
    inbox: l1('0x4Dbd4fc535Ac27206064B68FfCf827b0A60BAB3f', ARBITRUM_DOCS),
    sequencerInbox: l1('0x1c479675ad559DC151F6Ec7ed3FbF8ceE79582B6', ARBITRUM_DOCS),
    bridge: l1('0x8315177aB297bA92A06054cE80a67Ed4DBd7ed3a', ARBITRUM_DOCS),
    outbox: l1('0x0B9857ae2D4A3DBe74ffE1d7DF045bb7F96E4840', ARBITRUM_DOCS),
    sequencerUptimeFeed: l2(
      '0xFdB631F5EE196F0ed6FAa767959853A9F217697D',
      `${CHAINLINK_DOCS}/l2-sequencer-feeds`,
    ),
    ethUsdFeed: l2('0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612', `${CHAINLINK_DOCS} (Arbitrum, ETH / USD)`),
    btcUsdFeed: l2('0x6ce185860a4963106506C203335A2910413708e9', `${CHAINLINK_DOCS} (Arbitrum, BTC / USD)`),
    usdcUsdFeed: l2('0x50834F3163758fcC1Df9973b6e91f0F0F0434aD3', `${CHAINLINK_DOCS} (Arbitrum, USDC / USD)`),
    usdc: l2('0xaf88d065e77c8cC2239327C5EDb3A432268e5831', CIRCLE),
  },
};

// dYdX v4 endpoints: dydxprotocol/v4-documentation docs/pages/interaction/endpoints.mdx (indexer
// mainnet; public node RPC and REST run by Allnodes' publicnode.com), chain id from network-constants.mdx.
const dydxV4: VenuePreset = {
  name: 'dydx-v4',
  title: 'dYdX v4',
  stack: 'dydx-v4',
  summary: 'dYdX v4 (dydx-mainnet-1), a Cosmos chain: indexer, CometBFT RPC and Cosmos REST',
  dydx: {
    network: 'dydx-mainnet-1',
    indexer: { env: 'DYDX_INDEXER_URL', url: 'https://indexer.dydx.trade/v4' },
    rpc: { env: 'DYDX_RPC_URL', url: 'https://dydx-rpc.publicnode.com:443' },
    rest: { env: 'DYDX_REST_URL', url: 'https://dydx-rest.publicnode.com:443' },
  },
  contracts: {},
};

export const PRESETS: ReadonlyMap<string, VenuePreset> = new Map(
  [opMainnet, basePreset, arbitrumOne, dydxV4].map((p) => [p.name, p]),
);

/** The environment variables a preset reads its endpoints from. */
export function presetEnvironment(preset: VenuePreset): string[] {
  return [
    preset.l2?.rpcEnv,
    preset.l1?.rpcEnv,
    preset.dydx?.indexer.env,
    preset.dydx?.rpc.env,
    preset.dydx?.rest.env,
  ].filter((name): name is string => name !== undefined);
}
