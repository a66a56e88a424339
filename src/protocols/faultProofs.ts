/**
 * Which dispute game an OP Stack fault-proof portal would accept, judged the way OptimismPortal2 does
 * (contracts-bedrock, `proveWithdrawalTransaction` and `checkWithdrawal`): of the respected game type,
 * not blacklisted or retired (created at or after `respectedGameTypeUpdatedAt`), not resolved
 * CHALLENGER_WINS. Portals that moved these rules into the AnchorStateRegistry (`isGameProper`,
 * `isGameRespected`) are read through it. A game the portal accepts is still worthless to a user
 * when its root claim is not the chain's output root — so the honest root is recomputed from the L2.
 */
import { type Address, encodeAbiParameters, type Hex, keccak256, parseAbi } from 'viem';
import { MeasurementError } from '../core/errors.js';
import { L2_TO_L1_MESSAGE_PASSER } from '../core/wellKnown.js';
import { readIfPresent } from '../rpc/probe.js';
import type { ChainReader } from '../rpc/reader.js';

export const faultProofAbi = parseAbi([
  'function respectedGameType() view returns (uint32)',
  'function respectedGameTypeUpdatedAt() view returns (uint64)',
  'function disputeGameBlacklist(address game) view returns (bool)',
  'function anchorStateRegistry() view returns (address)',
  'function isGameProper(address game) view returns (bool)',
  'function isGameRespected(address game) view returns (bool)',
  'function gameImpls(uint32 gameType) view returns (address)',
  'function gameCount() view returns (uint256)',
  'function gameAtIndex(uint256 index) view returns (uint32 gameType, uint64 timestamp, address proxy)',
  'function status() view returns (uint8)',
  'function rootClaim() pure returns (bytes32)',
  'function l2BlockNumber() pure returns (uint256)',
  'function maxClockDuration() view returns (uint64)',
]);

/** GameStatus of the dispute game contracts. */
const STATUS = ['IN_PROGRESS', 'CHALLENGER_WINS', 'DEFENDER_WINS'] as const;
export type GameStatus = (typeof STATUS)[number];

export interface PortalRules {
  respectedGameType: number;
  /** Games created before this (seconds) were retired by the guardian. */
  respectedGameTypeUpdatedAt?: number;
}

export interface GameView {
  index: number;
  address: Address;
  gameType: number;
  /** Seconds. */
  createdAt: number;
  l2BlockNumber: number;
  rootClaim: Hex;
  status: GameStatus;
  /** Portal 3.x: the guardian's blacklist. */
  blacklisted?: boolean;
  /** AnchorStateRegistry portals: isGameProper / isGameRespected. */
  proper?: boolean;
  respected?: boolean;
}

/** Why the portal would refuse a withdrawal proven against `game` (empty: it would accept it). */
export function portalRefusals(game: GameView, rules: PortalRules): string[] {
  const reasons: string[] = [];
  if (game.respected === false || (game.respected === undefined && game.gameType !== rules.respectedGameType))
    reasons.push(`game type ${game.gameType} is not the respected type ${rules.respectedGameType}`);
  if (game.blacklisted) reasons.push('blacklisted by the guardian');
  if (game.proper === false) reasons.push('not proper (blacklisted, retired or paused)');
  if (rules.respectedGameTypeUpdatedAt !== undefined && game.createdAt < rules.respectedGameTypeUpdatedAt)
    reasons.push('retired: created before respectedGameTypeUpdatedAt');
  if (game.status === 'CHALLENGER_WINS') reasons.push('resolved CHALLENGER_WINS');
  return reasons;
}

/**
 * The withdrawal delay of a fault-proof portal: a proof must mature, and the game must also resolve
 * (an unchallenged root claim after its max clock duration) and then sit out the finality airgap.
 */
export function faultProofWithdrawalDelaySeconds(delays: {
  proofMaturityDelaySeconds: number;
  disputeGameFinalityDelaySeconds: number;
  maxClockDurationSeconds?: number;
}): number {
  return Math.max(
    delays.proofMaturityDelaySeconds,
    (delays.maxClockDurationSeconds ?? 0) + delays.disputeGameFinalityDelaySeconds,
  );
}

/** The portal's game rules; `anchorStateRegistry` when the portal delegates them to one. */
export async function readPortalRules(
  l1: ChainReader,
  portal: Address,
): Promise<PortalRules & { anchorStateRegistry?: Address }> {
  const abi = faultProofAbi;
  const [respectedGameType, updatedAt, anchorStateRegistry] = await Promise.all([
    l1.readContract({ address: portal, abi, functionName: 'respectedGameType' }),
    // Portals before 3.x have no retirement, and before 4.x no registry: only a revert means "none".
    readIfPresent(l1, { address: portal, abi, functionName: 'respectedGameTypeUpdatedAt' }),
    readIfPresent(l1, { address: portal, abi, functionName: 'anchorStateRegistry' }),
  ]);
  return {
    respectedGameType,
    respectedGameTypeUpdatedAt: updatedAt === undefined ? undefined : Number(updatedAt),
    anchorStateRegistry,
  };
}

/** The newest `limit` games of the factory (any type), newest first, with what the portal judges. */
export async function readNewestGames(
  l1: ChainReader,
  options: { portal: Address; factory: Address; anchorStateRegistry?: Address; limit: number },
): Promise<GameView[]> {
  const abi = faultProofAbi;
  const count = Number(await l1.readContract({ address: options.factory, abi, functionName: 'gameCount' }));
  const indices = Array.from({ length: Math.min(options.limit, count) }, (_, i) => count - 1 - i);
  return Promise.all(
    indices.map(async (index): Promise<GameView> => {
      const [gameType, createdAt, address] = await l1.readContract({
        address: options.factory,
        abi,
        functionName: 'gameAtIndex',
        args: [BigInt(index)],
      });
      const asr = options.anchorStateRegistry;
      const [status, rootClaim, l2BlockNumber, blacklisted, proper, respected] = await Promise.all([
        l1.readContract({ address, abi, functionName: 'status' }),
        l1.readContract({ address, abi, functionName: 'rootClaim' }),
        l1.readContract({ address, abi, functionName: 'l2BlockNumber' }),
        asr
          ? undefined
          : l1.readContract({
              address: options.portal,
              abi,
              functionName: 'disputeGameBlacklist',
              args: [address],
            }),
        asr
          ? l1.readContract({ address: asr, abi, functionName: 'isGameProper', args: [address] })
          : undefined,
        asr
          ? l1.readContract({ address: asr, abi, functionName: 'isGameRespected', args: [address] })
          : undefined,
      ]);
      return {
        index,
        address,
        gameType,
        createdAt: Number(createdAt),
        l2BlockNumber: Number(l2BlockNumber),
        rootClaim,
        status: STATUS[status] ?? 'IN_PROGRESS',
        blacklisted,
        proper,
        respected,
      };
    }),
  );
}

/** Output root version 0: keccak256(abi.encode(0, stateRoot, messagePasserStorageRoot, blockHash)). */
export function outputRootV0(parts: { stateRoot: Hex; messagePasserStorageRoot: Hex; blockHash: Hex }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [`0x${'0'.repeat(64)}`, parts.stateRoot, parts.messagePasserStorageRoot, parts.blockHash],
    ),
  );
}

/** The chain's output root at `blockNumber`, recomputed from the L2 node (undefined: beyond its head). */
export async function honestOutputRoot(
  l2: ChainReader,
  blockNumber: number,
): Promise<{ root: Hex; timestamp: number } | undefined> {
  const head = await l2.latestBlock();
  if (blockNumber > Number(head.number)) return undefined;
  const client = await l2.client();
  const [block, proof] = await Promise.all([
    l2.block(BigInt(blockNumber)),
    client
      .getProof({ address: L2_TO_L1_MESSAGE_PASSER, storageKeys: [], blockNumber: BigInt(blockNumber) })
      .catch((error: unknown) => {
        throw new MeasurementError(
          `cannot recompute the output root at L2 block ${blockNumber}: the L2 node has no state for it (eth_getProof failed: ${(error as { shortMessage?: string }).shortMessage ?? String(error)}); an archive L2 endpoint is needed`,
        );
      }),
  ]);
  return {
    root: outputRootV0({
      stateRoot: block.stateRoot,
      messagePasserStorageRoot: proof.storageHash,
      blockHash: block.hash as Hex,
    }),
    timestamp: Number(block.timestamp),
  };
}

export interface JudgedGame extends GameView {
  /** Why the portal would refuse it, or why it does not help a user (wrong root). */
  problems: string[];
}

export interface GameJudgement {
  /** The newest game the portal accepts whose root claim is the chain's output root. */
  honest?: GameView & { l2BlockTimestamp: number };
  /** Games newer than `honest` that do not count, with the reasons (a wrong root is a concern). */
  discounted: JudgedGame[];
  /** How many of the newest games were looked at. */
  scanned: number;
}

/** How many acceptable games to check against the L2 before giving up (each costs an eth_getProof). */
const ROOT_CHECKS = 10;

/**
 * Walks the newest games (newest first) to the first that the portal accepts and whose root claim is
 * the L2's own output root at the game's block; every newer game is returned with why it did not count.
 */
export async function judgeGames(
  l2: ChainReader,
  games: readonly GameView[],
  rules: PortalRules,
): Promise<GameJudgement> {
  const discounted: JudgedGame[] = [];
  let rootChecks = 0;
  for (const game of games) {
    const refusals = portalRefusals(game, rules);
    if (refusals.length > 0) {
      discounted.push({ ...game, problems: refusals });
      continue;
    }
    if (rootChecks >= ROOT_CHECKS) {
      discounted.push({ ...game, problems: ['not checked against the L2 (too many wrong roots before it)'] });
      continue;
    }
    rootChecks += 1;
    const honest = await honestOutputRoot(l2, game.l2BlockNumber);
    if (!honest) {
      // A block this endpoint has not seen: a lagging endpoint, or a claim about the future.
      discounted.push({
        ...game,
        problems: [
          `claims L2 block ${game.l2BlockNumber}, beyond the L2 endpoint's head: its root cannot be checked`,
        ],
      });
      continue;
    }
    if (honest.root.toLowerCase() !== game.rootClaim.toLowerCase()) {
      discounted.push({
        ...game,
        problems: [`WRONG ROOT: its root claim is not the L2's output root at block ${game.l2BlockNumber}`],
      });
      continue;
    }
    return { honest: { ...game, l2BlockTimestamp: honest.timestamp }, discounted, scanned: games.length };
  }
  return { discounted, scanned: games.length };
}
