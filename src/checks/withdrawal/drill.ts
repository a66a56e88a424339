import type { Address } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { type Drill, type LatestDrill, STAGES } from '../../drill/journal.js';
import { defineCheck, MeasurementError } from '../define.js';
import { duration } from '../params.js';

const at = (iso?: string) => (iso ? Date.parse(iso) : undefined);

function stageOf(drill: Drill): string {
  const next = STAGES.find((stage) => !drill.stages[stage]?.minedAt && !drill.doneOnChain?.[stage]);
  return next ?? 'finalize';
}

export const drillCheck = defineCheck({
  type: 'withdrawal.drill',
  concern: 'withdrawals',
  requires: { stacks: ['op-stack', 'evm'] },
  readsClock: true,
  summary: "The venue's last withdrawal drill: finished within its SLA, or stuck in a stage",
  description:
    'Reads the drill journal that `l2preflight drill withdraw` keeps in the state directory. The last drill ' +
    'finalized within `maxProveTime` (initiation to proof) and `maxTotalTime` (initiation to finalization) ' +
    'passes; a failed drill, or an open one past either limit, fails — collateral that cannot come out is ' +
    'the risk the drill exists to reveal. No drill yet, or a last drill older than `maxAge`, warns with how to ' +
    'run one. An unreadable journal is an error, never a pass (and is left untouched for the drill to report); so is ' +
    "a drill of another chain, or through another portal than this checklist's (drill.portal, else the venue's `portal`).",
  params: () =>
    z.object({
      maxProveTime: duration('Longest acceptable time from initiation to a mined proof.', '2h'),
      maxTotalTime: duration('Longest acceptable time from initiation to a mined finalization.', '7d12h'),
      maxAge: duration('A last drill older than this warns: drills should be routine.', '30d'),
    }),
  example: { maxProveTime: '2h', maxTotalTime: '7d12h', maxAge: '30d' },
  async read(ctx): Promise<LatestDrill> {
    if (!ctx.drillJournal)
      throw new MeasurementError('no state directory for this run: the drill journal cannot be read');
    const view = await ctx.drillJournal();
    if (view.kind !== 'ok') return view;
    const { drill } = view;
    // The journal is found by the checklist's file name: a drill of another chain under that name (a
    // copied checklist, a shared --state) says nothing about this venue's withdrawals.
    if (drill.l2ChainId !== ctx.l2.chainId)
      throw new MeasurementError(
        `the drill journal's last drill (${drill.id}) withdrew from chain ${drill.l2ChainId}, not this venue's chain ${ctx.l2.chainId}: run a drill of this venue`,
      );
    // Nor does a drill through another portal of the same chain: prod and staging checklists of one
    // venue, sharing a --state, share the journal's key by file name, not their bridge. `drill withdraw`
    // records the portal in every drill; a journal without it (validateJournal does not require it) is
    // taken as before.
    const portal = drill.portal as Address | undefined;
    if (portal && ctx.drillPortal && portal.toLowerCase() !== ctx.drillPortal.toLowerCase())
      throw new MeasurementError(
        `the drill journal's last drill (${drill.id}) withdrew through portal ${portal}, not this checklist's ${ctx.drillPortal}: run a drill of this checklist`,
      );
    return view;
  },
  evaluate(params, view, now) {
    const threshold = `prove <= ${formatDuration(params.maxProveTime)}, total <= ${formatDuration(params.maxTotalTime)}`;
    if (view.kind === 'unusable') throw new MeasurementError(`the drill journal is unusable: ${view.reason}`);
    const drill = view.kind === 'ok' ? view.drill : undefined;
    const howTo = 'run `l2preflight drill withdraw <checklist> --execute` (with L2PREFLIGHT_DRILL_KEY)';
    if (!drill) {
      return {
        holds: true,
        concern: `no withdrawal drill has been run yet; ${howTo}`,
        observed: 'no drill',
        threshold,
        message: 'no drill recorded',
      };
    }
    const start = at(drill.stages.initiate?.sentAt) ?? at(drill.startedAt) ?? now;
    // a stage another party did first counts from when the drill saw it done
    const proveAt = at(drill.stages.prove?.minedAt ?? drill.doneOnChain?.prove);
    const doneAt = at(drill.stages.finalize?.minedAt ?? drill.doneOnChain?.finalize);
    const proveMs = (proveAt ?? now) - start;
    const totalMs = (doneAt ?? now) - start;
    const evidence = {
      drill: drill.id,
      status: drill.status,
      stage: stageOf(drill),
      proveMs,
      totalMs,
      stages: drill.stages,
    };
    // The total time is the headline; proving time and a failed drill are judged too, so a fail may lie
    // within this limit.
    const value = {
      value: totalMs / 1000,
      unit: 'seconds' as const,
      limit: { value: params.maxTotalTime / 1000, kind: 'max' as const },
    };
    if (drill.status === 'failed') {
      return {
        holds: false,
        observed: `failed in ${stageOf(drill)}`,
        threshold,
        message: `drill ${drill.id} failed: ${drill.failure ?? 'unknown reason'}`,
        value,
        evidence,
      };
    }
    const problems = [
      proveMs > params.maxProveTime
        ? `${proveAt ? 'proving took' : 'not proven after'} ${formatDuration(proveMs)} (limit ${formatDuration(params.maxProveTime)})`
        : '',
      totalMs > params.maxTotalTime
        ? `${doneAt ? 'finalizing took' : 'not finalized after'} ${formatDuration(totalMs)} (limit ${formatDuration(params.maxTotalTime)})`
        : '',
    ].filter(Boolean);
    const observed =
      drill.status === 'finalized'
        ? `finalized in ${formatDuration(totalMs)}`
        : `open, in ${stageOf(drill)} for ${formatDuration(totalMs)}`;
    if (problems.length > 0) {
      return {
        holds: false,
        observed,
        threshold,
        message: `drill ${drill.id} ${drill.status === 'finalized' ? 'missed its SLA' : 'is stuck'}: ${problems.join('; ')}`,
        value,
        evidence,
      };
    }
    const ageMs = now - (doneAt ?? start);
    return {
      holds: true,
      concern:
        drill.status === 'finalized' && ageMs > params.maxAge
          ? `the last drill is ${formatDuration(ageMs)} old; ${howTo}`
          : undefined,
      observed,
      threshold,
      message:
        drill.status === 'finalized'
          ? `drill ${drill.id} finalized in ${formatDuration(totalMs)} (proof after ${formatDuration(proveMs)})`
          : `drill ${drill.id} in progress: ${stageOf(drill)} (${formatDuration(totalMs)} since initiation)`,
      value,
      evidence,
    };
  },
});
