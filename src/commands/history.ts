/** `l2preflight history`: the checklist's last runs from the state directory. */
import { dirname, join } from 'node:path';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import { readRunHistory, skippedNote } from '../state/runs.js';
import { checklistKey, StateStore } from '../state/store.js';

export async function historyCommand(
  file: string,
  options: { state?: string; limit: string },
): Promise<string> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit: expected a whole number >= 1, got "${options.limit}"`);
  const store = new StateStore(options.state ?? join(dirname(file), '.l2preflight'));
  const history = await readRunHistory(store, checklistKey(file));
  if (history.kind === 'missing')
    return `no runs recorded for ${file} in ${store.dir} yet (l2preflight run ${file})\n`;
  if (history.kind === 'unusable') {
    // Left in place: the next run sets it aside under the history's lock (moving it here could move a
    // good file a concurrent run has just written).
    return `the run history for ${file} in ${store.dir} is unusable (${history.reason}); the next run sets it aside and starts a new one\n`;
  }
  const table = new Table({
    head: ['STARTED', 'VERDICT', 'PASS', 'WARN', 'FAIL', 'ERROR', 'NOT PASSING'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [26, 12, 6, 6, 6, 7, 47], // VERDICT fits "NO VERDICT" on one line
  });
  const runs = history.value.runs.slice(-limit).reverse();
  for (const run of runs) {
    const notPassing = Object.entries(run.statuses)
      .filter(([, status]) => status === 'fail' || status === 'warn' || status === 'error')
      .map(([id, status]) => `${id} (${status})`);
    table.push([
      run.startedAt,
      run.verdict,
      run.summary.pass,
      run.summary.warn,
      run.summary.fail,
      run.summary.error,
      notPassing.join(', '),
    ]);
  }
  const note = skippedNote(history.value);
  return `${file}: last ${runs.length} of ${history.value.runs.length} runs, newest first\n${table.toString()}\n${note ? `note: ${note}; the next run moves them to runs.malformed-<time>.json beside it\n` : ''}`;
}
