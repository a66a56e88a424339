/**
 * Arbitrum (BoLD) rollup reads on L1, for withdrawal.path. viem ships no Arbitrum ABIs, so the view
 * functions are declared here with the signatures of OffchainLabs' nitro-contracts RollupCore (BoLD):
 * `latestConfirmed() → bytes32` and `getAssertion(bytes32) → AssertionNode`.
 */
import { type Address, type Hex, parseAbi } from 'viem';
import type { ChainReader } from '../engine/reader.js';
import type { BridgeState } from './opStack.js';

export const arbitrumRollupAbi = parseAbi([
  'function paused() view returns (bool)',
  'function confirmPeriodBlocks() view returns (uint64)',
  'function latestConfirmed() view returns (bytes32)',
  'struct AssertionNode { uint64 firstChildBlock; uint64 secondChildBlock; uint64 createdAtBlock; bool isFirstChild; uint8 status; bytes32 configHash; }',
  'function getAssertion(bytes32 assertionHash) view returns (AssertionNode)',
]);

/** Ethereum's slot time: the rollup counts its challenge period in L1 blocks. */
export const L1_BLOCK_SECONDS = 12;

export async function readArbitrumRollup(
  l1: ChainReader,
  rollup: Address,
  inbox?: Address,
): Promise<BridgeState> {
  const read = <T>(address: Address, functionName: string, args: unknown[] = []) =>
    l1.readContract({ address, abi: arbitrumRollupAbi, functionName, args } as never) as Promise<T>;
  const [paused, confirmPeriodBlocks, latestConfirmed, inboxPaused] = await Promise.all([
    read<boolean>(rollup, 'paused'),
    read<bigint>(rollup, 'confirmPeriodBlocks'),
    read<Hex>(rollup, 'latestConfirmed'),
    inbox ? read<boolean>(inbox, 'paused') : Promise.resolve(undefined),
  ]);
  const assertion = await read<{ createdAtBlock: bigint }>(rollup, 'getAssertion', [latestConfirmed]);
  const created = assertion.createdAtBlock > 0n ? await l1.block(assertion.createdAtBlock) : undefined;
  return {
    portal: rollup,
    version: 'BoLD',
    proofSystem: 'arbitrum-bold',
    portalPaused: paused,
    superchainConfig: inbox,
    superchainPaused: inboxPaused,
    finalizationPeriodSeconds: Number(confirmPeriodBlocks) * L1_BLOCK_SECONDS,
    proposals: rollup,
    latestProposal: created
      ? {
          timestamp: Number(created.timestamp),
          l2BlockNumber: undefined,
          index: Number(assertion.createdAtBlock),
        }
      : undefined,
  };
}
