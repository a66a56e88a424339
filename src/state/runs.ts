/**
 * The checklist's run history: the last runs' verdicts and statuses, kept in the state directory so a
 * scheduled job can say what changed since it last ran. Bounded and written atomically; appended under
 * a lock, so runs sharing a state directory never lose each other's records.
 */
import type { RunResult, Status, Verdict } from '../core/result.js';
import { STATUSES, VERDICTS } from '../core/result.js';
import type { ReadBasis, StateStore, UpdateOutcome } from './store.js';

export const RUN_HISTORY_LIMIT = 200;

export interface RunRecord {
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  summary: Record<Status, number>;
  statuses: Record<string, Status>;
  /** Each measured check's headline value (and its limit), for trends: absent in records before they were kept. */
  values?: Record<string, RecordedValue>;
  /** The run left checks out (--only/--skip): its summary is not the whole checklist's. */
  partial?: boolean;
}

/** What the run command knows about a run that its result does not say. */
export interface RunMarks {
  /** --only or --skip left checks out. */
  partial?: boolean;
}

const UNITS: readonly RecordedValue['unit'][] = ['seconds', 'blocks', 'usd', 'ratio'];

export interface RecordedValue {
  value: number;
  unit: 'seconds' | 'blocks' | 'usd' | 'ratio';
  limit?: { value: number; kind: 'max' | 'min' };
}

export interface RunHistory {
  version: 1;
  checklist: string;
  /** The records that passed validation, oldest first: the only ones anything is judged on. */
  runs: RunRecord[];
  /** Every record as stored, malformed ones included (the next append moves those to a file of their own). */
  stored: unknown[];
  /** Records left out of `runs`: their position in the file (1-based) and why. */
  skipped: { index: number; reason: string }[];
}

/** Reading the history: `unusable` is a file that is not a run history at all (not JSON, not ours). */
export type RunHistoryRead =
  | { kind: 'missing' }
  /** `basis` (asked for with keepBasis): what was read, for appendRun to use if the file is unchanged. */
  | { kind: 'ok'; value: RunHistory; basis?: ReadBasis }
  | { kind: 'unusable'; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/** Why a record cannot be used, or undefined when every field a reader touches is there and sound. */
export function recordProblem(record: unknown): string | undefined {
  if (!isObject(record)) return 'not an object';
  if (typeof record.startedAt !== 'string' || Number.isNaN(Date.parse(record.startedAt)))
    return 'no valid startedAt';
  if (!(VERDICTS as readonly unknown[]).includes(record.verdict)) return 'no valid verdict';
  if (!isObject(record.statuses)) return 'no statuses';
  const statuses = record.statuses;
  // A loop, not Object.entries: a full history of a large checklist holds tens of thousands of statuses.
  for (const id in statuses) {
    if (!(STATUSES as readonly unknown[]).includes(statuses[id]))
      return `status of ${id} is not one of ${STATUSES.join(', ')}`;
  }
  if (!isObject(record.summary)) return 'no summary';
  const summary = record.summary;
  const missing = STATUSES.find((s) => !isCount(summary[s]));
  if (missing) return `summary.${missing} is not a count`;
  if (record.durationMs !== undefined && !isCount(record.durationMs)) return 'durationMs is not a count';
  return undefined;
}

const isLimit = (limit: unknown): limit is NonNullable<RecordedValue['limit']> =>
  isObject(limit) && Number.isFinite(limit.value) && (limit.kind === 'max' || limit.kind === 'min');

/** A recorded value as readers may use it, or undefined when it is not one (a number and a known unit). */
function soundValue(entry: unknown): RecordedValue | undefined {
  if (!isObject(entry) || !Number.isFinite(entry.value)) return undefined;
  if (!(UNITS as readonly unknown[]).includes(entry.unit)) return undefined;
  const value = { value: entry.value as number, unit: entry.unit as RecordedValue['unit'] };
  // A malformed limit loses the limit, not the value it belongs to.
  return isLimit(entry.limit)
    ? { ...value, limit: { value: entry.limit.value, kind: entry.limit.kind } }
    : value;
}

/**
 * Whether a stored entry already is exactly what soundValue would make of it (no other keys), so it can
 * be used as stored. A full history of a 200-check checklist holds 40 000 of them, read on every run.
 */
function alreadySound(entry: unknown): boolean {
  if (!isObject(entry) || !Number.isFinite(entry.value)) return false;
  if (!(UNITS as readonly unknown[]).includes(entry.unit)) return false;
  let keys = 0;
  for (const key in entry) {
    keys += 1;
    if (key !== 'value' && key !== 'unit' && key !== 'limit') return false;
  }
  if (entry.limit === undefined) return keys === 2 && !('limit' in entry);
  const limit = entry.limit;
  if (!isLimit(limit)) return false;
  let limitKeys = 0;
  for (const _ in limit) limitKeys += 1;
  return limitKeys === 2;
}

/**
 * The record as readers see it: `values` holds only sound entries (a malformed one is left out, not the
 * record: the verdict and statuses are still good), `partial` only when it is `true`. Values that are
 * all sound as stored are kept as they are rather than rebuilt entry by entry.
 */
function usableRecord(record: Record<string, unknown>): RunRecord {
  const { values, partial, ...rest } = record;
  let usable: Record<string, RecordedValue> | undefined;
  if (isObject(values)) {
    let allSound = true;
    for (const id in values) {
      if (!Object.hasOwn(values, id) || !alreadySound(values[id])) {
        allSound = false;
        break;
      }
    }
    usable = allSound ? (values as Record<string, RecordedValue>) : soundValues(values);
  }
  return {
    ...(rest as unknown as RunRecord), // recordProblem has checked every field a reader touches
    ...(usable ? { values: usable } : {}),
    ...(partial === true ? { partial: true } : {}),
  };
}

function soundValues(values: Record<string, unknown>): Record<string, RecordedValue> {
  const sound: Record<string, RecordedValue> = {};
  for (const [id, entry] of Object.entries(values)) {
    const value = soundValue(entry);
    if (value) sound[id] = value;
  }
  return sound;
}

/**
 * `forReaders`: also build `runs`, the records as readers use them. Appending needs only which records
 * are malformed, and skips that work under the lock.
 */
function validate(checklist: string, forReaders = true) {
  return (data: unknown): RunHistory | string => {
    if (!isObject(data) || data.version !== 1 || !Array.isArray(data.runs))
      return 'not an l2preflight run history';
    const runs: RunRecord[] = [];
    const skipped: RunHistory['skipped'] = [];
    data.runs.forEach((record, index) => {
      const problem = recordProblem(record);
      if (problem) skipped.push({ index: index + 1, reason: problem });
      else if (forReaders) runs.push(usableRecord(record as Record<string, unknown>));
    });
    return { version: 1, checklist, runs, stored: data.runs, skipped };
  };
}

const key = (checklistKey: string) => [checklistKey, 'runs'];

/**
 * Reads the history without changing anything: an unusable file is left for the next append to set
 * aside under the lock (moving it outside the lock could move a good file another run just wrote).
 * Throws StateError when the path cannot be read at all (a directory, no permission).
 */
export async function readRunHistory(
  store: StateStore,
  checklistKey: string,
  { keepBasis = false } = {},
): Promise<RunHistoryRead> {
  return store.peek(key(checklistKey), validate(checklistKey), { keepBasis });
}

/** "2 of 40 records are malformed and left out (record 3: no summary)", or undefined. */
export function skippedNote(history: RunHistory): string | undefined {
  const first = history.skipped[0];
  if (!first) return undefined;
  const count = history.skipped.length;
  return `${count} of ${history.stored.length} run record${history.stored.length === 1 ? '' : 's'} ${count === 1 ? 'is' : 'are'} malformed and left out (record ${first.index}: ${first.reason})`;
}

export function recordOf(run: RunResult, marks: RunMarks = {}): RunRecord {
  return {
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    verdict: run.verdict,
    summary: run.summary,
    statuses: Object.fromEntries(run.results.map((r) => [r.id, r.status])),
    values: Object.fromEntries(
      run.results.flatMap((r) =>
        'value' in r && r.value !== undefined && r.unit !== undefined
          ? [[r.id, { value: r.value, unit: r.unit, ...(r.limit ? { limit: r.limit } : {}) }]]
          : [],
      ),
    ),
    ...(marks.partial ? { partial: true } : {}),
  };
}

/**
 * Appends this run's record to the history as it is on disk now (under the lock, re-read: another run
 * may have appended since this one started), keeping the last RUN_HISTORY_LIMIT. An unusable file is
 * set aside first; malformed records are moved to `runs.malformed-<time>.json` (kept, not dropped,
 * and not warned about on every run after). Throws StateError when the directory cannot be used.
 */
export async function appendRun(
  store: StateStore,
  checklistKey: string,
  run: RunResult,
  {
    waitMs,
    marks = {},
    basis,
  }: {
    /** How long to wait for another run's lock (store.update's default without it). */
    waitMs?: number;
    marks?: RunMarks;
    /** The history as this run read it at its start (readRunHistory's keepBasis). */
    basis?: ReadBasis;
  } = {},
): Promise<UpdateOutcome & { malformed?: { count: number; movedTo: string } }> {
  let malformed: { count: number; movedTo: string } | undefined;
  const outcome = await store.update(
    key(checklistKey),
    validate(checklistKey, false),
    async (current) => {
      const before = current.kind === 'ok' ? current.value : undefined;
      if (before?.skipped.length) {
        const movedKey = [checklistKey, `runs.malformed-${fileTime()}`];
        const records = before.skipped.map((s) => before.stored[s.index - 1]);
        await store.write(movedKey, { version: 1, checklist: checklistKey, runs: records });
        malformed = { count: records.length, movedTo: store.fileFor(movedKey) };
      }
      // The good records as stored, not as read: a value left out on reading is not erased by writing.
      const skipped = new Set(before?.skipped.map((s) => s.index - 1));
      const kept = (before?.stored ?? []).filter((_, index) => !skipped.has(index));
      const runs = [...kept, recordOf(run, marks)].slice(-RUN_HISTORY_LIMIT);
      return { version: 1, checklist: checklistKey, runs };
    },
    waitMs,
    basis,
  );
  return malformed ? { ...outcome, malformed } : outcome;
}

const fileTime = () => new Date().toISOString().replace(/[:.]/g, '-');

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
