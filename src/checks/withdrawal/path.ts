import type { Address } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { readArbitrumRollup } from '../../protocols/arbitrum.js';
import { type GameJudgement, judgeGames, readNewestGames } from '../../protocols/faultProofs.js';
import { type BridgeState, readBridge, withdrawalDelaySeconds } from '../../protocols/opStack.js';
import { defineCheck, type Judgement, type Measurement } from '../define.js';
import { address, duration } from '../params.js';

/** How many of the newest dispute games (of any type) the check reads. */
const GAME_SCAN = 30;

type PathObservation = BridgeState & {
  /** Fault proofs: the newest game a withdrawal can use, and the newer ones that do not count. */
  games?: GameJudgement;
  l2SafeTimestamp?: number;
};

interface PathParams {
  maxFinalizationPeriod: number;
  maxOutputAge: number;
}

const short = (address: string) => `${address.slice(0, 10)}…`;

/**
 * The age of the proposal a withdrawal can use, the headline, with its limit: pauses and the
 * finalization period are judged too, so a fail may lie within this limit.
 */
function outputAge(ageMs: number | undefined, params: PathParams): Measurement | undefined {
  if (ageMs === undefined) return undefined;
  return { value: ageMs / 1000, unit: 'seconds', limit: { value: params.maxOutputAge / 1000, kind: 'max' } };
}

/**
 * Fault proofs: liveness is the newest game the portal would accept whose root claim is the chain's
 * own output root — not the newest game, which anyone can create with any root on a permissionless
 * chain — and its L2 block must be near the L2 safe head.
 */
function evaluateFaultProofs(
  params: PathParams,
  bridge: BridgeState & { games: GameJudgement; l2SafeTimestamp?: number },
  now: number,
): Judgement {
  const { honest, discounted, scanned } = bridge.games;
  const delayMs = withdrawalDelaySeconds(bridge) * 1000;
  const paused = bridge.portalPaused || bridge.superchainPaused === true;
  const ageMs = honest ? Math.max(0, now - honest.createdAt * 1000) : undefined;
  const behindSafeMs =
    honest && bridge.l2SafeTimestamp !== undefined
      ? Math.max(0, (bridge.l2SafeTimestamp - honest.l2BlockTimestamp) * 1000)
      : undefined;
  const wrongRoots = discounted.filter((game) => game.problems.some((p) => p.startsWith('WRONG ROOT')));
  const notCounted = discounted.length
    ? ` (${discounted.length} newer game(s) do not count: ${discounted
        .slice(0, 3)
        .map((game) => `#${game.index} ${game.problems.join(', ')}`)
        .join('; ')}${discounted.length > 3 ? '; …' : ''})`
    : '';
  const problems = [
    paused
      ? `the ${bridge.superchainPaused ? 'SuperchainConfig' : 'portal'} is PAUSED: withdrawals can be neither proven nor finalized`
      : '',
    delayMs > params.maxFinalizationPeriod
      ? `finalization takes ${formatDuration(delayMs)}, over ${formatDuration(params.maxFinalizationPeriod)}`
      : '',
    !honest
      ? `no dispute game among the newest ${scanned} is one the portal accepts with the chain's output root: no withdrawal can be proven${notCounted}`
      : ageMs !== undefined && ageMs > params.maxOutputAge
        ? `the newest dispute game a withdrawal can use (#${honest.index}) is ${formatDuration(ageMs)} old (proposer stalled?)${notCounted}`
        : '',
    honest && behindSafeMs !== undefined && behindSafeMs > params.maxOutputAge
      ? `the newest usable dispute game claims L2 block ${honest.l2BlockNumber}, ${formatDuration(behindSafeMs)} behind the L2 safe head`
      : '',
  ].filter(Boolean);
  const concern = wrongRoots.length
    ? `. CONCERN: ${wrongRoots.length} game(s) with a WRONG ROOT (${wrongRoots
        .slice(0, 3)
        .map((game) => `#${game.index} ${short(game.address)} for L2 block ${game.l2BlockNumber}`)
        .join(', ')}) — they do not count; a challenger must dispute them.`
    : '';
  const what = 'usable dispute game';
  return {
    holds: problems.length === 0,
    observed: `${paused ? 'paused' : 'open'}, finalization ${formatDuration(delayMs)}, ${ageMs === undefined ? `no ${what}` : `${what} ${formatDuration(ageMs)} old`}`,
    threshold: `open, finalization <= ${formatDuration(params.maxFinalizationPeriod)}, ${what} <= ${formatDuration(params.maxOutputAge)}`,
    message: `${
      problems.length
        ? problems.join('; ')
        : `portal ${bridge.version} open; finalization ${formatDuration(delayMs)} (max of proof maturity ${formatDuration(bridge.finalizationPeriodSeconds * 1000)}, game clock ${formatDuration((bridge.maxClockDurationSeconds ?? 0) * 1000)} + finality delay ${formatDuration((bridge.disputeGameFinalitySeconds ?? 0) * 1000)}); newest usable dispute game #${honest?.index} ${formatDuration(ageMs ?? 0)} old, its root checked against the L2`
    }${concern}`,
    value: outputAge(ageMs, params),
    evidence: { ...bridge },
  };
}

export const path = defineCheck({
  type: 'withdrawal.path',
  concern: 'withdrawals',
  // Fault-proof games are judged against output roots recomputed from the L2's own state.
  requires: { evm: true, contracts: { portal: 'l1', rollup: 'l1', inbox: 'l1' } },
  readsClock: true,
  summary:
    'Can funds get out: bridge not paused, finalization period, proposer liveness (OP Stack, Arbitrum)',
  description:
    'Reads the OP Stack bridge on L1 from its OptimismPortal: whether the portal or the SuperchainConfig is ' +
    'paused (withdrawals can then be neither proven nor finalized); the withdrawal delay against ' +
    '`maxFinalizationPeriod` — legacy L2OutputOracle: its finalization period; fault proofs (OptimismPortal2 3.x+): ' +
    "max(proof maturity, the respected game type's max clock duration + dispute-game finality delay); and proposer " +
    'liveness against `maxOutputAge` — legacy: the age of the latest output root; fault proofs: the newest dispute ' +
    'game the portal would accept (respected type, not blacklisted or retired, not CHALLENGER_WINS) whose root ' +
    "claim equals the output root recomputed from the L2 (needs the L2's state at the game's block), with its L2 " +
    'block near the L2 safe head. A game with a wrong root never counts and is named as a concern. OP Mainnet and ' +
    "Base take 7 days. Arbitrum (BoLD): give `rollup` (and `inbox`) instead of `portal` — the rollup's " +
    "and inbox's pause, the confirm period (confirmPeriodBlocks × 12 s of L1 slots; ~6.4 days on Arbitrum " +
    "One) and the age of the latest *confirmed* assertion, counted from its parent's creation (an assertion " +
    'confirms the inbox as it stood then, so that is how old the L2 data it makes withdrawable is; never ' +
    'from the confirmation, which can come late), about the confirm period plus two assertion intervals on ' +
    'a healthy chain — set `maxOutputAge` accordingly (e.g. 8d). Pending assertions never count.',
  params: () =>
    z.object({
      portal: address('OP Stack: the OptimismPortal proxy on L1 (or $name).').optional(),
      rollup: address('Arbitrum (BoLD): the Rollup proxy on L1 (or $name).').optional(),
      inbox: address(
        'Arbitrum: the Inbox on L1, whose pause blocks deposits and force inclusion.',
      ).optional(),
      maxFinalizationPeriod: duration('Longest acceptable wait between proving and finalizing.', '7d'),
      maxOutputAge: duration('Oldest acceptable latest output root / usable dispute game.', '3h'),
    }),
  example: { portal: '$portal', maxFinalizationPeriod: '7d', maxOutputAge: '3h' },
  validate(params) {
    if ((params.portal === undefined) === (params.rollup === undefined))
      return 'give either portal (OP Stack) or rollup (Arbitrum)';
    if (params.inbox !== undefined && params.rollup === undefined) return 'inbox goes with rollup (Arbitrum)';
    return undefined;
  },
  async read(ctx, params): Promise<PathObservation> {
    if (params.rollup) return readArbitrumRollup(ctx.l1, params.rollup, params.inbox);
    const bridge = await readBridge(ctx.l1, params.portal as Address);
    if (bridge.proofSystem !== 'fault-proofs' || bridge.respectedGameType === undefined) return bridge;
    const [games, safe] = await Promise.all([
      readNewestGames(ctx.l1, {
        portal: bridge.portal,
        factory: bridge.proposals,
        anchorStateRegistry: bridge.anchorStateRegistry,
        limit: GAME_SCAN,
      }),
      ctx.l2.taggedBlock('safe'),
    ]);
    const judgement = await judgeGames(ctx.l2, games, {
      respectedGameType: bridge.respectedGameType,
      respectedGameTypeUpdatedAt: bridge.respectedGameTypeUpdatedAt,
    });
    return { ...bridge, games: judgement, l2SafeTimestamp: Number(safe.timestamp) };
  },
  evaluate(params, bridge, now) {
    if (bridge.games) return evaluateFaultProofs(params, { ...bridge, games: bridge.games }, now);
    const ageMs = bridge.latestProposal
      ? Math.max(0, now - bridge.latestProposal.timestamp * 1000)
      : undefined;
    const periodMs = withdrawalDelaySeconds(bridge) * 1000;
    const paused = bridge.portalPaused || bridge.superchainPaused === true;
    const what = {
      'fault-proofs': 'dispute game',
      'output-oracle': 'output root',
      'arbitrum-bold': 'confirmed assertion',
    }[bridge.proofSystem];
    // Arbitrum's two pauses block different things, and both can hold at once: name each.
    const pauses =
      bridge.proofSystem === 'arbitrum-bold'
        ? [
            bridge.portalPaused
              ? 'the rollup is PAUSED: no assertion can be made or confirmed, so withdrawals not yet confirmed cannot be executed'
              : '',
            bridge.superchainPaused
              ? 'the Inbox is PAUSED: no deposit or delayed message can be sent, so nobody can force inclusion (the escape hatch)'
              : '',
          ]
        : [
            paused
              ? `the ${bridge.superchainPaused ? 'SuperchainConfig' : 'portal'} is PAUSED: withdrawals can be neither proven nor finalized`
              : '',
          ];
    // Arbitrum: the age counts from the confirmed assertion's parent's creation, when the inbox it
    // confirms was fixed (see readArbitrumRollup); say so, or "#N … old" reads as N's own age.
    const confirmed = bridge.confirmedAssertion;
    const fromParent = confirmed && confirmed.inboxFixedAtBlock !== confirmed.createdAtBlock;
    const staleDetail = fromParent
      ? `: #${confirmed.createdAtBlock} confirms the inbox as it stood at its parent's creation (L1 block ${confirmed.inboxFixedAtBlock}), and the age counts from there`
      : '';
    const freshDetail = fromParent
      ? ` (counted from its parent's creation at L1 block ${confirmed.inboxFixedAtBlock}: it confirms the inbox as it stood then)`
      : '';
    const stalled = bridge.proofSystem === 'arbitrum-bold' ? 'validator stalled?' : 'proposer stalled?';
    const problems = [
      ...pauses,
      periodMs > params.maxFinalizationPeriod
        ? `finalization takes ${formatDuration(periodMs)}, over ${formatDuration(params.maxFinalizationPeriod)}`
        : '',
      ageMs === undefined
        ? `no ${what} was ever proposed: no withdrawal can be proven`
        : ageMs > params.maxOutputAge
          ? `the latest ${what} is ${formatDuration(ageMs)} old (${stalled})${staleDetail}`
          : '',
    ].filter(Boolean);
    return {
      holds: problems.length === 0,
      observed: `${paused ? 'paused' : 'open'}, finalization ${formatDuration(periodMs)}, ${ageMs === undefined ? `no ${what}` : `${what} ${formatDuration(ageMs)} old`}`,
      threshold: `open, finalization <= ${formatDuration(params.maxFinalizationPeriod)}, ${what} <= ${formatDuration(params.maxOutputAge)}`,
      message: problems.length
        ? problems.join('; ')
        : `${bridge.proofSystem === 'arbitrum-bold' ? 'rollup' : 'portal'} ${bridge.version} open; finalization ${formatDuration(periodMs)}; latest ${what} #${bridge.latestProposal?.index} ${formatDuration(ageMs ?? 0)} old${freshDetail}`,
      value: outputAge(ageMs, params),
      evidence: { ...bridge },
    };
  },
});
