/**
 * OP Stack bridge reads on L1. viem's op-stack actions cover withdrawals end to end but export neither
 * their ABIs nor a "bridge health" read, so the few view functions needed are declared here, with
 * the signatures of @eth-optimism/contracts-bedrock (OptimismPortal 2.x, OptimismPortal2 3.x,
 * L2OutputOracle, DisputeGameFactory, SuperchainConfig).
 */
import { type Address, type Hex, parseAbi, zeroAddress } from 'viem';
import { readIfPresent } from '../rpc/probe.js';
import type { ChainReader } from '../rpc/reader.js';
import { faultProofWithdrawalDelaySeconds, readGameList, readPortalRules } from './faultProofs.js';

export const opStackAbi = parseAbi([
  'function version() view returns (string)',
  'function paused() view returns (bool)',
  'function superchainConfig() view returns (address)',
  'function l2Oracle() view returns (address)',
  'function finalizationPeriodSeconds() view returns (uint256)',
  'function latestOutputIndex() view returns (uint256)',
  'function getL2Output(uint256 index) view returns ((bytes32 outputRoot, uint128 timestamp, uint128 l2BlockNumber))',
  'function proofMaturityDelaySeconds() view returns (uint256)',
  'function disputeGameFinalityDelaySeconds() view returns (uint256)',
  'function disputeGameFactory() view returns (address)',
  'function respectedGameType() view returns (uint32)',
  'function gameCount() view returns (uint256)',
  'function gameImpls(uint32 gameType) view returns (address)',
  'function maxClockDuration() view returns (uint64)',
]);

export interface BridgeState {
  portal: Address;
  version: string;
  proofSystem: 'output-oracle' | 'fault-proofs' | 'arbitrum-bold';
  portalPaused: boolean;
  superchainConfig?: Address;
  superchainPaused?: boolean;
  /**
   * Seconds between proving (or the output) and finalizing a withdrawal, as the portal states it:
   * the legacy finalization period, or the fault-proof portal's proof maturity delay.
   */
  finalizationPeriodSeconds: number;
  disputeGameFinalitySeconds?: number;
  /** Fault proofs: the respected game type's max clock duration (its unchallenged time to resolve). */
  maxClockDurationSeconds?: number;
  /**
   * How long a withdrawal takes from proving to finalizing: on fault proofs max(proof maturity, max
   * clock duration + dispute-game finality delay); see withdrawalDelaySeconds.
   */
  withdrawalDelaySeconds?: number;
  respectedGameType?: number;
  /** Fault proofs (portal 3.x): games created before this (seconds) were retired. */
  respectedGameTypeUpdatedAt?: number;
  anchorStateRegistry?: Address;
  /** Where the latest output root / dispute game lives. */
  proposals: Address;
  latestProposal?: { timestamp: number; l2BlockNumber?: number; index: number };
  /**
   * Arbitrum (BoLD): the latest confirmed assertion, when it was created, and its parent's creation
   * (block, seconds): the moment the inbox it confirms was fixed, which latestProposal.timestamp is.
   */
  confirmedAssertion?: {
    hash: Hex;
    createdAtBlock: number;
    createdAt: number;
    parent: Hex;
    inboxFixedAtBlock: number;
    inboxFixedAt: number;
  };
}

/** How far back to look for a game of the respected type among the newest games. */
const GAME_SCAN = 50;

/** The wait between proving and finalizing: what withdrawal.path and governance.exit-window both use. */
export function withdrawalDelaySeconds(bridge: BridgeState): number {
  return bridge.withdrawalDelaySeconds ?? bridge.finalizationPeriodSeconds;
}

export function proofSystemOf(version: string): 'output-oracle' | 'fault-proofs' {
  const major = Number.parseInt(version.split('.')[0] ?? '0', 10);
  return major >= 3 ? 'fault-proofs' : 'output-oracle';
}

export async function readBridge(l1: ChainReader, portal: Address): Promise<BridgeState> {
  const abi = opStackAbi;
  const [version, portalPaused, superchainConfig] = await Promise.all([
    l1.readContract({ address: portal, abi, functionName: 'version' }),
    l1.readContract({ address: portal, abi, functionName: 'paused' }),
    // Portals from before the SuperchainConfig revert: only then is there none to read the pause from.
    readIfPresent(l1, { address: portal, abi, functionName: 'superchainConfig' }),
  ]);
  const superchainPaused = superchainConfig
    ? await l1.readContract({ address: superchainConfig, abi, functionName: 'paused' })
    : undefined;
  const base = { portal, version, portalPaused, superchainConfig, superchainPaused };

  if (proofSystemOf(version) === 'output-oracle') {
    const oracle = await l1.readContract({ address: portal, abi, functionName: 'l2Oracle' });
    const [period, latestIndex] = await Promise.all([
      l1.readContract({ address: oracle, abi, functionName: 'finalizationPeriodSeconds' }),
      // The oracle reverts when no output was ever proposed.
      readIfPresent(l1, { address: oracle, abi, functionName: 'latestOutputIndex' }),
    ]);
    const output =
      latestIndex === undefined
        ? undefined
        : await l1.readContract({ address: oracle, abi, functionName: 'getL2Output', args: [latestIndex] });
    return {
      ...base,
      proofSystem: 'output-oracle',
      finalizationPeriodSeconds: Number(period),
      proposals: oracle,
      latestProposal:
        output && latestIndex !== undefined
          ? {
              timestamp: Number(output.timestamp),
              l2BlockNumber: Number(output.l2BlockNumber),
              index: Number(latestIndex),
            }
          : undefined,
    };
  }

  const [maturity, finality, factory, rules] = await Promise.all([
    l1.readContract({ address: portal, abi, functionName: 'proofMaturityDelaySeconds' }),
    l1.readContract({ address: portal, abi, functionName: 'disputeGameFinalityDelaySeconds' }),
    l1.readContract({ address: portal, abi, functionName: 'disputeGameFactory' }),
    readPortalRules(l1, portal),
  ]);
  const respected = rules.respectedGameType;
  const [count, implementation] = await Promise.all([
    l1.readContract({ address: factory, abi, functionName: 'gameCount' }).then(Number),
    l1.readContract({ address: factory, abi, functionName: 'gameImpls', args: [respected] }),
  ]);
  // A game type without an implementation (or one without a chess clock) adds no clock to the delay.
  const maxClock =
    implementation === zeroAddress
      ? undefined
      : await readIfPresent(l1, { address: implementation, abi, functionName: 'maxClockDuration' });
  const delays = {
    proofMaturityDelaySeconds: Number(maturity),
    disputeGameFinalityDelaySeconds: Number(finality),
    maxClockDurationSeconds: maxClock === undefined ? undefined : Number(maxClock),
  };
  const newest = (await readGameList(l1, factory, GAME_SCAN, count)).find(
    (game) => game.gameType === respected,
  );
  return {
    ...base,
    proofSystem: 'fault-proofs',
    finalizationPeriodSeconds: Number(maturity),
    disputeGameFinalitySeconds: Number(finality),
    maxClockDurationSeconds: delays.maxClockDurationSeconds,
    withdrawalDelaySeconds: faultProofWithdrawalDelaySeconds(delays),
    respectedGameType: respected,
    respectedGameTypeUpdatedAt: rules.respectedGameTypeUpdatedAt,
    anchorStateRegistry: rules.anchorStateRegistry,
    proposals: factory,
    latestProposal: newest ? { timestamp: newest.createdAt, index: newest.index } : undefined,
  };
}
