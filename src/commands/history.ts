/** `l2preflight history`: the checklist's last runs from the state directory, as a table or JSON. */
import Table from 'cli-table3';
import { suggest } from '../checklist/suggest.js';
import type { Status } from '../core/result.js';
import { UsageError } from '../errors.js';
import { beyondLimit, formatLimit, formatValue, sparkline } from '../report/sparkline.js';
import {
  type RecordedValue,
  type RunHistory,
  type RunRecord,
  readRunHistory,
  skippedNote,
} from '../state/runs.js';
import { checklistKey, StateStore, stateDirFor } from '../state/store.js';

export const HISTORY_FORMATS = ['table', 'json'] as const;
type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export interface HistoryOptions {
  state?: string;
  limit: string;
  format?: string;
  /** A check id: that check's value series instead of the runs. */
  check?: string;
}

/** One run's point in a check's series (`--check ID`): JSON's shape, newest last. */
export interface SeriesPoint {
  startedAt: string;
  /** The check's status in that run; absent when the run did not include the check. */
  status?: Status;
  value?: number;
  unit?: RecordedValue['unit'];
  limit?: RecordedValue['limit'];
  partial?: true;
}

function formatOf(text: string | undefined): HistoryFormat {
  const format = text ?? 'table';
  if (!(HISTORY_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format: expected one of ${HISTORY_FORMATS.join(', ')}, got "${format}"`);
  return format as HistoryFormat;
}

/** Every check id the shown runs name, in the order they first appear (the checklist's order, mostly). */
function checkIds(runs: readonly RunRecord[]): string[] {
  const ids = new Set<string>();
  for (const run of runs) {
    for (const id of Object.keys(run.statuses)) ids.add(id);
    for (const id of Object.keys(run.values ?? {})) ids.add(id);
  }
  return [...ids];
}

export function seriesOf(runs: readonly RunRecord[], id: string): SeriesPoint[] {
  return runs.map((run) => {
    const recorded = run.values?.[id];
    const status = run.statuses[id];
    return {
      startedAt: run.startedAt,
      ...(status ? { status } : {}),
      ...(recorded
        ? { value: recorded.value, unit: recorded.unit, ...(recorded.limit ? { limit: recorded.limit } : {}) }
        : {}),
      ...(run.partial ? { partial: true as const } : {}),
    };
  });
}

/** A check's trend over the shown runs (oldest first): `▁▃█ last 12s, limit <= 30s`; undefined when never measured. */
export function trendLine(points: readonly SeriesPoint[]): string | undefined {
  const measured = points.filter((p) => p.value !== undefined && p.unit !== undefined);
  const last = measured.at(-1);
  if (last?.value === undefined || last.unit === undefined) return undefined;
  const { unit } = last;
  // A unit that changed between runs (a check's type replaced under its id) is not one series.
  const line = sparkline(points.map((p) => (p.unit === unit ? p.value : undefined)));
  const limit = [...measured].reverse().find((p) => p.limit && p.unit === unit)?.limit;
  const beyond = limit && beyondLimit(last.value, limit) ? ' (beyond)' : '';
  return `${line} last ${formatValue(last.value, unit)}${beyond}${limit ? `, limit ${formatLimit(limit, unit)}` : ''}`;
}

function unknownCheck(id: string, file: string, known: string[]): UsageError {
  const close = suggest(id, known);
  return new UsageError(
    `--check: no check "${id}" in the run history of ${file}${close ? `; did you mean "${close}"?` : ''}`,
    close || known.length === 0 ? [] : [`checks recorded: ${known.join(', ')}`],
  );
}

const partialNote = (runs: readonly RunRecord[]) =>
  runs.some((r) => r.partial) ? 'partial: the run left checks out with --only/--skip\n' : '';

function runsTable(file: string, history: RunHistory, shown: RunRecord[]): string {
  const table = new Table({
    head: ['STARTED', 'VERDICT', 'PASS', 'WARN', 'FAIL', 'ERROR', 'NOT PASSING'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [26, 12, 6, 6, 6, 7, 47], // VERDICT fits "NO VERDICT" on one line
  });
  for (const run of [...shown].reverse()) {
    const notPassing = Object.entries(run.statuses)
      .filter(([, status]) => status === 'fail' || status === 'warn' || status === 'error')
      .map(([id, status]) => `${id} (${status})`);
    table.push([
      run.startedAt,
      run.partial ? `${run.verdict} (partial)` : run.verdict,
      run.summary.pass,
      run.summary.warn,
      run.summary.fail,
      run.summary.error,
      notPassing.join(', '),
    ]);
  }
  const ids = checkIds(shown);
  const trends = ids.flatMap((id) => {
    const line = trendLine(seriesOf(shown, id));
    return line ? [[id, line] as const] : [];
  });
  const width = Math.max(0, ...trends.map(([id]) => id.length));
  const trendText = trends.length
    ? `trends, oldest to newest (${'·'} no value in that run):\n${trends.map(([id, line]) => `  ${id.padEnd(width)}  ${line}`).join('\n')}\n`
    : '';
  return `${file}: last ${shown.length} of ${history.runs.length} runs, newest first\n${table.toString()}\n${partialNote(shown)}${trendText}`;
}

function seriesTable(file: string, id: string, shown: RunRecord[]): string {
  const points = seriesOf(shown, id);
  const table = new Table({
    head: ['STARTED', 'STATUS', 'VALUE', 'LIMIT'],
    style: { head: [], border: [] },
  });
  for (const point of [...points].reverse()) {
    const unit = point.unit;
    table.push([
      point.partial ? `${point.startedAt} (partial)` : point.startedAt,
      point.status ?? 'not run',
      point.value !== undefined && unit ? formatValue(point.value, unit) : '',
      point.limit && unit ? formatLimit(point.limit, unit) : '',
    ]);
  }
  const trend = trendLine(points);
  return `${file}: ${id} over the last ${points.length} runs, newest first\n${trend ? `${id}  ${trend}\n` : `${id}: no value recorded\n`}${table.toString()}\n${partialNote(shown)}`;
}

export async function historyCommand(file: string, options: HistoryOptions): Promise<string> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit: expected a whole number >= 1, got "${options.limit}"`);
  const format = formatOf(options.format);
  const store = new StateStore(stateDirFor(file, options.state));
  const history = await readRunHistory(store, checklistKey(file));
  if (history.kind !== 'ok') {
    if (format === 'json') {
      const empty = options.check ? { check: options.check, series: [] } : { runs: [] };
      const unusable = history.kind === 'unusable' ? { unusable: history.reason } : {};
      return `${JSON.stringify({ checklist: file, ...empty, ...unusable }, null, 2)}\n`;
    }
    if (history.kind === 'missing')
      return `no runs recorded for ${file} in ${store.dir} yet (l2preflight run ${file})\n`;
    // Left in place: the next run sets it aside under the history's lock (moving it here could move a
    // good file a concurrent run has just written).
    return `the run history for ${file} in ${store.dir} is unusable (${history.reason}); the next run sets it aside and starts a new one\n`;
  }
  // Oldest first: a series reads left to right, as JSON lists it (newest last).
  const shown = history.value.runs.slice(-limit);
  if (options.check !== undefined) {
    const known = checkIds(history.value.runs);
    if (!known.includes(options.check)) throw unknownCheck(options.check, file, known);
  }
  const note = skippedNote(history.value);
  if (format === 'json') {
    const body = options.check
      ? { check: options.check, series: seriesOf(shown, options.check) }
      : { runs: shown };
    return `${JSON.stringify({ checklist: file, ...body, ...(note ? { note } : {}) }, null, 2)}\n`;
  }
  const text = options.check
    ? seriesTable(file, options.check, shown)
    : runsTable(file, history.value, shown);
  return `${text}${note ? `note: ${note}; the next run moves them to runs.malformed-<time>.json beside it\n` : ''}`;
}
