/**
 * The checklist's run history: the last runs' verdicts and statuses, kept in the state directory so a
 * scheduled job can say what changed since it last ran. Bounded and written atomically.
 */
import type { RunResult, Status, Verdict } from '../engine/result.js';
import { STATUSES, VERDICTS } from '../engine/result.js';
import type { StateRead, StateStore } from './store.js';

export const RUN_HISTORY_LIMIT = 200;

export interface RunRecord {
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  summary: Record<Status, number>;
  statuses: Record<string, Status>;
}

export interface RunHistory {
  version: 1;
  checklist: string;
  runs: RunRecord[];
}

function validate(checklist: string) {
  return (data: unknown): RunHistory | string => {
    const h = data as Partial<RunHistory> | null;
    if (!h || typeof h !== 'object' || h.version !== 1 || !Array.isArray(h.runs))
      return 'not an l2preflight run history';
    const ok = h.runs.every(
      (r) =>
        r &&
        typeof r.startedAt === 'string' &&
        (VERDICTS as readonly unknown[]).includes(r.verdict) &&
        r.statuses !== null &&
        typeof r.statuses === 'object' &&
        Object.values(r.statuses).every((s) => (STATUSES as readonly unknown[]).includes(s)),
    );
    if (!ok) return 'malformed run records';
    return { version: 1, checklist, runs: h.runs as RunRecord[] };
  };
}

const key = (checklistKey: string) => [checklistKey, 'runs'];

export function readRunHistory(store: StateStore, checklistKey: string): Promise<StateRead<RunHistory>> {
  return store.read(key(checklistKey), validate(checklistKey));
}

export function recordOf(run: RunResult): RunRecord {
  return {
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    verdict: run.verdict,
    summary: run.summary,
    statuses: Object.fromEntries(run.results.map((r) => [r.id, r.status])),
  };
}

export async function appendRun(
  store: StateStore,
  checklistKey: string,
  history: RunRecord[],
  run: RunResult,
) {
  const runs = [...history, recordOf(run)].slice(-RUN_HISTORY_LIMIT);
  await store.write(key(checklistKey), { version: 1, checklist: checklistKey, runs } satisfies RunHistory);
}

/** Marks each result with its status in the previous run (pure). */
export function withPreviousStatuses(run: RunResult, previous: RunRecord | undefined): RunResult {
  if (!previous) return run;
  return {
    ...run,
    results: run.results.map((r) => {
      const before = previous.statuses[r.id];
      return before ? { ...r, previousStatus: before } : r;
    }),
  };
}
