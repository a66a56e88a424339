import type { Address } from 'viem';
import { z } from 'zod';
import { address, duration } from '../../checklist/params.js';
import { formatDuration } from '../../checklist/units.js';
import { readArbitrumRollup } from '../../venues/arbitrum.js';
import { type BridgeState, readBridge } from '../../venues/opStack.js';
import { defineCheck, MeasurementError } from '../define.js';

export const path = defineCheck({
  type: 'withdrawal.path',
  readsClock: true,
  summary:
    'Can funds get out: bridge not paused, finalization period, proposer liveness (OP Stack, Arbitrum)',
  description:
    'Reads the OP Stack bridge on L1 from its OptimismPortal: whether the portal or the SuperchainConfig is ' +
    'paused (withdrawals can then be neither proven nor finalized), the finalization period (legacy ' +
    'L2OutputOracle) or proof maturity delay (fault proofs, OptimismPortal2 3.x) against ' +
    '`maxFinalizationPeriod`, and the age of the latest output root or dispute game of the respected type ' +
    'against `maxOutputAge` — a stalled proposer means new withdrawals cannot be proven at all. The ' +
    'addresses actually read are in the evidence. OP Mainnet and Base take 7 days (proof maturity) plus ' +
    "dispute game finality. Arbitrum (BoLD): give `rollup` (and `inbox`) instead of `portal` — the rollup's " +
    "and inbox's pause, the confirm period (confirmPeriodBlocks × 12 s of L1 slots; ~6.4 days on Arbitrum " +
    'One) and the age of the latest *confirmed* assertion, which on a healthy chain is about the confirm ' +
    'period plus the assertion interval — set `maxOutputAge` accordingly (e.g. 8d).',
  params: z.object({
    portal: address('OP Stack: the OptimismPortal proxy on L1 (or $name).').optional(),
    rollup: address('Arbitrum (BoLD): the Rollup proxy on L1 (or $name).').optional(),
    inbox: address('Arbitrum: the Inbox on L1, whose pause blocks deposits and force inclusion.').optional(),
    maxFinalizationPeriod: duration('Longest acceptable wait between proving and finalizing.', '7d'),
    maxOutputAge: duration('Oldest acceptable latest output root / dispute game.', '3h'),
  }),
  example: { portal: '$portal', maxFinalizationPeriod: '7d', maxOutputAge: '3h' },
  validate(params) {
    if ((params.portal === undefined) === (params.rollup === undefined))
      return 'give either portal (OP Stack) or rollup (Arbitrum)';
    if (params.inbox !== undefined && params.rollup === undefined) return 'inbox goes with rollup (Arbitrum)';
    return undefined;
  },
  async read(ctx, params): Promise<BridgeState> {
    if (!ctx.l1) throw new MeasurementError('the bridge lives on L1: declare venue.l1 in the checklist');
    if (params.rollup) return readArbitrumRollup(ctx.l1, params.rollup, params.inbox);
    return readBridge(ctx.l1, params.portal as Address);
  },
  evaluate(params, bridge, now) {
    const ageMs = bridge.latestProposal
      ? Math.max(0, now - bridge.latestProposal.timestamp * 1000)
      : undefined;
    const periodMs = bridge.finalizationPeriodSeconds * 1000;
    const paused = bridge.portalPaused || bridge.superchainPaused === true;
    const what = {
      'fault-proofs': 'dispute game',
      'output-oracle': 'output root',
      'arbitrum-bold': 'confirmed assertion',
    }[bridge.proofSystem];
    const pausedPart =
      bridge.proofSystem === 'arbitrum-bold'
        ? bridge.superchainPaused
          ? 'Inbox'
          : 'rollup'
        : bridge.superchainPaused
          ? 'SuperchainConfig'
          : 'portal';
    const problems = [
      paused ? `the ${pausedPart} is PAUSED: withdrawals can be neither proven nor finalized` : '',
      periodMs > params.maxFinalizationPeriod
        ? `finalization takes ${formatDuration(periodMs)}, over ${formatDuration(params.maxFinalizationPeriod)}`
        : '',
      ageMs === undefined
        ? `no ${what} was ever proposed: no withdrawal can be proven`
        : ageMs > params.maxOutputAge
          ? `the latest ${what} is ${formatDuration(ageMs)} old (proposer stalled?)`
          : '',
    ].filter(Boolean);
    return {
      holds: problems.length === 0,
      observed: `${paused ? 'paused' : 'open'}, finalization ${formatDuration(periodMs)}, ${ageMs === undefined ? `no ${what}` : `${what} ${formatDuration(ageMs)} old`}`,
      threshold: `open, finalization <= ${formatDuration(params.maxFinalizationPeriod)}, ${what} <= ${formatDuration(params.maxOutputAge)}`,
      message: problems.length
        ? problems.join('; ')
        : `${bridge.proofSystem === 'arbitrum-bold' ? 'rollup' : 'portal'} ${bridge.version} open; finalization ${formatDuration(periodMs)}; latest ${what} #${bridge.latestProposal?.index} ${formatDuration(ageMs ?? 0)} old`,
      value: ageMs === undefined ? undefined : { value: ageMs / 1000, unit: 'seconds' },
      evidence: { ...bridge },
    };
  },
});
