/**
 * Which dispute game an OP Stack fault-proof portal would accept, judged the way OptimismPortal2 does
 * (contracts-bedrock, `proveWithdrawalTransaction` and `checkWithdrawal`): of the respected game type,
 * not blacklisted or retired (created at or after `respectedGameTypeUpdatedAt`), not resolved
 * CHALLENGER_WINS. Portals that moved these rules into the AnchorStateRegistry (`isGameProper`,
 * `isGameRespected`) are read through it. A game the portal accepts is still worthless to a user
 * when its root claim is not the chain's output root — so the honest root is recomputed from the L2.
 */
import {
  type Address,
  type ContractFunctionParameters,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseAbi,
} from 'viem';
import { MeasurementError, RpcEndpointError, walkCauses } from '../core/errors.js';
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

type ReadResult = { status: 'success'; result: unknown } | { status: 'failure'; error: Error };

/**
 * Reads `contracts` in one eth_call at the reader's head (Multicall3's aggregate3, or its code run in
 * the call where the chain has none): one EVM execution, so one state. Reads made separately do not
 * have that, even pinned at one block number: anvil answers a read at its head that waited behind the
 * block it is mining from that new block's state, and a later read at the same number from the block's
 * own; a load-balanced endpoint can answer one number from two forks around a reorg.
 */
async function readInOneState(
  l1: ChainReader,
  contracts: readonly ContractFunctionParameters[],
): Promise<ReadResult[]> {
  const client = await l1.client();
  const head = await l1.stateHead();
  return client.multicall({
    contracts,
    blockNumber: head.number ?? undefined,
    // Never split in chunks: each chunk would be a read of its own again.
    batchSize: 0,
    deployless: client.chain?.contracts?.multicall3 === undefined,
  }) as Promise<ReadResult[]>;
}

/** The value of a read, or the error it failed with (a revert throws here, as readContract would). */
function value<T>(read: ReadResult | undefined): T {
  if (read?.status !== 'success')
    throw read?.error ?? new Error('a multicall answered fewer results than asked');
  // viem types a list of one function's calls, not of several: the caller reads it as faultProofAbi says.
  return read.result as T;
}

/** An entry of the factory's list of games, as gameAtIndex gives it: once listed, it never changes. */
export interface ListedGame {
  index: number;
  gameType: number;
  /** Seconds. */
  createdAt: number;
  address: Address;
}

/**
 * The newest `limit` entries of the factory's list of games, newest first. The list only grows, and an
 * entry once listed never changes: two states agree on every index below the smaller of their lengths.
 * So the entries are read with the list's length in one state, and only those it includes are kept,
 * however the endpoint split the reads between blocks (a length from one block and gameAtIndex from the
 * other reverted "out of bounds": anvil answers a read at its head that waited behind a block being
 * mined from the new block's state). `hint`: the length as read before, which only chooses the indices
 * to ask for (read here when not given).
 */
export async function readGameList(
  l1: ChainReader,
  factory: Address,
  limit: number,
  hint?: number,
): Promise<ListedGame[]> {
  const abi = faultProofAbi;
  const countCall = { address: factory, abi, functionName: 'gameCount' } as const;
  const length = hint ?? Number(await l1.readContract(countCall));
  const indices = Array.from({ length: Math.min(limit, length) }, (_, i) => length - 1 - i);
  if (indices.length === 0) return [];
  const [listLength, ...entries] = await readInOneState(l1, [
    countCall,
    ...indices.map(
      (index) => ({ address: factory, abi, functionName: 'gameAtIndex', args: [BigInt(index)] }) as const,
    ),
  ]);
  return indices.flatMap((index, i) => {
    if (index >= Number(value<bigint>(listLength))) return [];
    const [gameType, createdAt, address] = value<readonly [number, bigint, Address]>(entries[i]);
    return [{ index, gameType, createdAt: Number(createdAt), address }];
  });
}

/**
 * The newest `limit` games of the factory (any type), newest first, with what the portal judges. The
 * list is read as readGameList reads it; the games' details with the list's length again in one state,
 * and only the games that both lengths include are kept. Each game's index, type, creation time and
 * address are what the list says (a listed entry never changes); its status, root claim, L2 block and
 * the portal's judgement are what the second state says. The two states may differ: a game may resolve
 * between them, and that is read as the second state has it.
 */
export async function readNewestGames(
  l1: ChainReader,
  options: { portal: Address; factory: Address; anchorStateRegistry?: Address; limit: number },
): Promise<GameView[]> {
  const abi = faultProofAbi;
  const { factory, portal } = options;
  const asr = options.anchorStateRegistry;
  const countCall = { address: factory, abi, functionName: 'gameCount' } as const;
  const listed = await readGameList(l1, factory, options.limit);
  if (listed.length === 0) return [];

  const judged = (address: Address) =>
    asr
      ? ([
          { address: asr, abi, functionName: 'isGameProper', args: [address] },
          { address: asr, abi, functionName: 'isGameRespected', args: [address] },
        ] as const)
      : ([{ address: portal, abi, functionName: 'disputeGameBlacklist', args: [address] }] as const);
  const perGame = 3 + (asr ? 2 : 1);
  const [detailsLength, ...details] = await readInOneState(l1, [
    countCall,
    ...listed.flatMap(({ address }) => [
      { address, abi, functionName: 'status' } as const,
      { address, abi, functionName: 'rootClaim' } as const,
      { address, abi, functionName: 'l2BlockNumber' } as const,
      ...judged(address),
    ]),
  ]);
  const known = Number(value<bigint>(detailsLength));
  return listed.flatMap(({ index, gameType, createdAt, address }, i): GameView[] => {
    if (index >= known) return [];
    const [status, rootClaim, l2BlockNumber, first, second] = details.slice(i * perGame, (i + 1) * perGame);
    return [
      {
        index,
        address,
        gameType,
        createdAt,
        l2BlockNumber: Number(value<bigint>(l2BlockNumber)),
        rootClaim: value<Hex>(rootClaim),
        status: STATUS[value<number>(status)] ?? 'IN_PROGRESS',
        blacklisted: asr ? undefined : value<boolean>(first),
        proper: asr ? value<boolean>(first) : undefined,
        respected: asr ? value<boolean>(second) : undefined,
      },
    ];
  });
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
        // The endpoint failing (a timeout, a 503) is not the node lacking the state: said as what it is.
        if (walkCauses(error, (e) => e instanceof RpcEndpointError)) throw error;
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
