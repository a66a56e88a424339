/**
 * Where a withdrawal stands on a fault-proof portal (OptimismPortal2 ≥ 3), read from the chain in
 * chain time. viem's getWithdrawalStatus cannot be used here: its game lookup calls
 * `l2SequenceNumber()`, which the FaultDisputeGame of contracts-bedrock 0.17.3 (1.2.0) does not
 * have, and its time to finalize is wall-clock arithmetic. The portal's own `checkWithdrawal`, run
 * as an eth_call at the L1 head, says exactly what it would say to a finalize transaction.
 */
import { type Address, type Chain, type Hash, type Hex, parseAbi } from 'viem';
import {
  type GameView,
  honestOutputRoot,
  portalRefusals,
  readNewestGames,
  readPortalRules,
} from '../protocols/faultProofs.js';
import { ChainReader } from '../rpc/reader.js';
import { Redactor } from '../rpc/redact.js';

const portalAbi = parseAbi([
  'function disputeGameFactory() view returns (address)',
  'function finalizedWithdrawals(bytes32 withdrawalHash) view returns (bool)',
  'function provenWithdrawals(bytes32 withdrawalHash, address submitter) view returns (address disputeGameProxy, uint64 timestamp)',
  'function checkWithdrawal(bytes32 withdrawalHash, address submitter) view',
]);

/** The game a withdrawal can be proven against: what a prove transaction names (index) and proves (root). */
export interface ProvableGame {
  index: bigint;
  l2BlockNumber: bigint;
  rootClaim: Hex;
  /** When the game was created (seconds). */
  timestamp: bigint;
}

export type FaultProofStatus =
  | { status: 'waiting-to-prove'; reason: string }
  | { status: 'ready-to-prove'; game: ProvableGame }
  | { status: 'waiting-to-finalize'; reason: string }
  | { status: 'ready-to-finalize' }
  | { status: 'finalized' }
  /** Proven against a game the portal no longer accepts: the proof cannot finalize. */
  | { status: 'void'; reason: string };

/** checkWithdrawal reverts that mean "later", each with what the drill is waiting for. */
const NOT_YET: [RegExp, string][] = [
  [/has not matured yet/, 'the proof to mature (proof maturity delay)'],
  [/air-gap/, "the resolved game's finality airgap (dispute-game finality delay)"],
  [/has not been validated/, 'the dispute game to resolve (its clock running out unchallenged)'],
];

/** How many of the newest games to look through for one covering the withdrawal. */
const GAME_SCAN = 50;

const reader = (label: 'l1' | 'l2', chain: Chain) =>
  new ChainReader({
    label,
    chainId: chain.id,
    urls: [...chain.rpcUrls.default.http],
    redactor: new Redactor(),
  });

/**
 * The game to prove against: the earliest-created (so the first to resolve) of the newest games that
 * the portal accepts, covers the withdrawal's L2 block and claims the chain's own output root.
 */
async function gameToProveAgainst(
  games: readonly GameView[],
  l2: ChainReader,
  rules: Parameters<typeof portalRefusals>[1],
  l2BlockNumber: bigint,
): Promise<GameView | undefined> {
  const candidates = games
    .filter((game) => BigInt(game.l2BlockNumber) >= l2BlockNumber && portalRefusals(game, rules).length === 0)
    .reverse();
  for (const game of candidates) {
    const honest = await honestOutputRoot(l2, game.l2BlockNumber);
    if (honest && honest.root.toLowerCase() === game.rootClaim.toLowerCase()) return game;
  }
  return undefined;
}

export async function faultProofWithdrawalStatus(options: {
  chains: { l1: Chain; l2: Chain };
  portal: Address;
  withdrawalHash: Hash;
  /** Who proves (and finalizes): the portal keeps one proof per submitter. */
  submitter: Address;
  l2BlockNumber: bigint;
}): Promise<FaultProofStatus> {
  const l1 = reader('l1', options.chains.l1);
  const client = await l1.client();
  const { portal, withdrawalHash, submitter } = options;
  const [finalized, [proofGame, provenAt]] = await Promise.all([
    client.readContract({
      address: portal,
      abi: portalAbi,
      functionName: 'finalizedWithdrawals',
      args: [withdrawalHash],
    }),
    client.readContract({
      address: portal,
      abi: portalAbi,
      functionName: 'provenWithdrawals',
      args: [withdrawalHash, submitter],
    }),
  ]);
  if (finalized) return { status: 'finalized' };

  const [rules, factory] = await Promise.all([
    readPortalRules(l1, portal),
    client.readContract({ address: portal, abi: portalAbi, functionName: 'disputeGameFactory' }),
  ]);
  if (provenAt === 0n) {
    const games = await readNewestGames(l1, {
      portal,
      factory,
      anchorStateRegistry: rules.anchorStateRegistry,
      limit: GAME_SCAN,
    });
    const game = await gameToProveAgainst(
      games,
      reader('l2', options.chains.l2),
      rules,
      options.l2BlockNumber,
    );
    if (!game)
      return {
        status: 'waiting-to-prove',
        reason: `waiting for a dispute game the portal accepts that covers L2 block ${options.l2BlockNumber}`,
      };
    return {
      status: 'ready-to-prove',
      game: {
        index: BigInt(game.index),
        l2BlockNumber: BigInt(game.l2BlockNumber),
        rootClaim: game.rootClaim,
        timestamp: BigInt(game.createdAt),
      },
    };
  }

  try {
    await client.readContract({
      address: portal,
      abi: portalAbi,
      functionName: 'checkWithdrawal',
      args: [withdrawalHash, submitter],
    });
    return { status: 'ready-to-finalize' };
  } catch (error) {
    const text = `${(error as { shortMessage?: string }).shortMessage ?? ''} ${(error as Error).message}`;
    if (!/revert/i.test(text)) throw error;
    const games = await readNewestGames(l1, {
      portal,
      factory,
      anchorStateRegistry: rules.anchorStateRegistry,
      limit: GAME_SCAN,
    });
    const game = games.find((g) => g.address.toLowerCase() === proofGame.toLowerCase());
    const refusals = game ? portalRefusals(game, rules) : [];
    if (refusals.length > 0)
      return {
        status: 'void',
        reason: `the dispute game #${game?.index} (${proofGame}) the withdrawal was proven against no longer counts: ${refusals.join(', ')}; prove it again against another game`,
      };
    const waitingFor = NOT_YET.find(([pattern]) => pattern.test(text));
    if (waitingFor) return { status: 'waiting-to-finalize', reason: `proven; waiting for ${waitingFor[1]}` };
    throw error;
  }
}
