/**
 * Arbitrum (BoLD) rollup reads on L1, for withdrawal.path. viem ships no Arbitrum ABIs, so the view
 * functions are declared here with the signatures of OffchainLabs' nitro-contracts RollupCore (BoLD):
 * `latestConfirmed() → bytes32` and `getAssertion(bytes32) → AssertionNode`.
 */
import { type Address, type Hex, parseAbi, parseAbiItem, zeroHash } from 'viem';
import { MeasurementError } from '../core/errors.js';
import { readIfPresent } from '../rpc/probe.js';
import type { ChainReader } from '../rpc/reader.js';
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

/** Only the indexed topics are used; the full signature is needed to match the event. */
const assertionCreatedEvent = parseAbiItem([
  'event AssertionCreated(bytes32 indexed assertionHash, bytes32 indexed parentAssertionHash, AssertionInputs assertion, bytes32 afterInboxBatchAcc, uint256 inboxMaxCount, bytes32 wasmModuleRoot, uint256 requiredStake, address challengeManager, uint64 confirmPeriodBlocks)',
  'struct GlobalState { bytes32[2] bytes32Vals; uint64[2] u64Vals; }',
  'struct AssertionState { GlobalState globalState; uint8 machineStatus; bytes32 endHistoryRoot; }',
  'struct ConfigData { bytes32 wasmModuleRoot; uint256 requiredStake; address challengeManager; uint64 confirmPeriodBlocks; uint64 nextInboxPosition; }',
  'struct BeforeStateData { bytes32 prevPrevAssertionHash; bytes32 sequencerBatchAcc; ConfigData configData; }',
  'struct AssertionInputs { BeforeStateData beforeStateData; AssertionState beforeState; AssertionState afterState; }',
]);

/**
 * The latest confirmed assertion and how old the L2 data it confirms is. A BoLD assertion consumes the
 * sequencer inbox up to its parent's nextInboxPosition, which the rollup fixed from the inbox size when
 * the *parent* was created (RollupCore.createNewAssertion). So the confirmed L2 state reaches the
 * batches posted before the parent's creation, and that — not the assertion's own creation, and
 * certainly not its confirmation — is what says whether recent withdrawals are executable: a validator
 * that stalls for a month and then asserts on its month-old assertion gets a fresh assertion confirmed
 * that still covers nothing of that month. `latestProposal.timestamp` is therefore the parent's
 * creation time (the genesis assertion, which has no parent, counts from its own creation), as an
 * output root's timestamp is its L2 block's; `latestProposal.index` stays the L1 block the confirmed
 * assertion was created at.
 */
export async function readArbitrumRollup(
  l1: ChainReader,
  rollup: Address,
  inbox?: Address,
): Promise<BridgeState> {
  const abi = arbitrumRollupAbi;
  const [paused, confirmPeriodBlocks, latestConfirmed, inboxPaused] = await Promise.all([
    l1.readContract({ address: rollup, abi, functionName: 'paused' }),
    l1.readContract({ address: rollup, abi, functionName: 'confirmPeriodBlocks' }),
    l1.readContract({ address: rollup, abi, functionName: 'latestConfirmed' }),
    // The SequencerInbox has the same `paused()` view as the rollup.
    inbox ? l1.readContract({ address: inbox, abi, functionName: 'paused' }) : Promise.resolve(undefined),
  ]);
  const createdAt = async (hash: Hex) =>
    (await l1.readContract({ address: rollup, abi, functionName: 'getAssertion', args: [hash] }))
      .createdAtBlock;
  const createdAtBlock = await createdAt(latestConfirmed);
  const base: BridgeState = {
    portal: rollup,
    version: 'BoLD',
    proofSystem: 'arbitrum-bold',
    portalPaused: paused,
    superchainConfig: inbox,
    superchainPaused: inboxPaused,
    finalizationPeriodSeconds: Number(confirmPeriodBlocks) * L1_BLOCK_SECONDS,
    proposals: rollup,
  };
  // createdAtBlock 0 is AssertionStatus.NoAssertion: nothing was ever confirmed.
  if (createdAtBlock === 0n) return base;
  const logs = await (await l1.client()).getLogs({
    address: rollup,
    event: assertionCreatedEvent,
    args: { assertionHash: latestConfirmed },
    fromBlock: createdAtBlock,
    toBlock: createdAtBlock,
  });
  const parent = logs[0]?.args.parentAssertionHash;
  if (parent === undefined)
    throw new MeasurementError(
      `the rollup's AssertionCreated log for its latest confirmed assertion ${latestConfirmed} is missing at L1 block ${createdAtBlock} (does the endpoint serve logs that old?)`,
    );
  const inboxFixedAtBlock = parent === zeroHash ? createdAtBlock : await createdAt(parent);
  const [created, inboxFixed] = await Promise.all([l1.block(createdAtBlock), l1.block(inboxFixedAtBlock)]);
  return {
    ...base,
    latestProposal: {
      timestamp: Number(inboxFixed.timestamp),
      l2BlockNumber: undefined,
      index: Number(createdAtBlock),
    },
    confirmedAssertion: {
      hash: latestConfirmed,
      createdAtBlock: Number(createdAtBlock),
      createdAt: Number(created.timestamp),
      parent,
      inboxFixedAtBlock: Number(inboxFixedAtBlock),
      inboxFixedAt: Number(inboxFixed.timestamp),
    },
  };
}

/**
 * SequencerInbox views that bound force inclusion (OffchainLabs/nitro-contracts
 * src/bridge/ISequencerInbox.sol): `maxTimeVariation()` returns four uint256 in every version (a
 * struct getter in older ones, an explicit tuple in delay-buffer ones); `isDelayBufferable()` and
 * `forceInclusionDeadline(uint64)` exist only in delay-buffer versions.
 */
export const sequencerInboxDelayAbi = parseAbi([
  'function maxTimeVariation() view returns (uint256 delayBlocks, uint256 futureBlocks, uint256 delaySeconds, uint256 futureSeconds)',
  'function isDelayBufferable() view returns (bool)',
  'function forceInclusionDeadline(uint64 blockNumber) view returns (uint64)',
]);

export interface ForceInclusionDelay {
  delayBlocks: number;
  delaySeconds: number;
  /** Delay-buffer inboxes: how many blocks a message posted now waits (min(delayBlocks, buffer)). */
  bufferedBlocks?: number;
}

/**
 * How long a user censored by the sequencer waits before anyone may force-include their message.
 * Older inboxes require both `delayBlocks` and `delaySeconds` to pass (SequencerInbox.forceInclusion
 * reverts ForceIncludeBlockTooSoon / ForceIncludeTimeTooSoon); delay-buffer inboxes count blocks only,
 * possibly fewer than `delayBlocks` once the buffer is depleted. Taking the larger of blocks × 12 s and
 * seconds never understates the wait, so it never overstates an exit window.
 */
export function forceInclusionDelaySeconds(delay: ForceInclusionDelay): number {
  const blocks = delay.bufferedBlocks ?? delay.delayBlocks;
  return Math.max(blocks * L1_BLOCK_SECONDS, delay.delaySeconds);
}

export async function readForceInclusionDelay(l1: ChainReader, inbox: Address): Promise<ForceInclusionDelay> {
  const abi = sequencerInboxDelayAbi;
  const [variation, bufferable] = await Promise.all([
    l1.readContract({ address: inbox, abi, functionName: 'maxTimeVariation' }),
    // Inboxes from before the delay buffer have no isDelayBufferable: they revert, which means "no".
    readIfPresent(l1, { address: inbox, abi, functionName: 'isDelayBufferable' }),
  ]);
  const [delayBlocks, , delaySeconds] = variation;
  const delay = { delayBlocks: Number(delayBlocks), delaySeconds: Number(delaySeconds) };
  if (!bufferable) return delay;
  const head = (await l1.latestBlock()).number ?? 0n;
  const deadline = await l1.readContract({
    address: inbox,
    abi,
    functionName: 'forceInclusionDeadline',
    args: [head],
  });
  return { ...delay, bufferedBlocks: Number(deadline - head) };
}
