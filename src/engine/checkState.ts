/**
 * What a check may reach of the state directory: its own typed history and the latest drill. The
 * store itself stays with the engine, so no check can read or move another's files.
 */
import type { CheckContext } from '../checks/define.js';
import { latestDrill } from '../drill/journal.js';
import { checkHistory, NO_HISTORY } from '../state/checkHistory.js';
import { type ChainScope, chainScope, typedHistory } from '../state/history.js';
import { checklistKey, type StateStore } from '../state/store.js';

export { chainScope };

export function checkState(
  store: StateStore | undefined,
  checklistFile: string,
  checkId: string,
  scope: () => Promise<ChainScope | undefined>,
): Pick<CheckContext, 'history' | 'drillJournal'> {
  const key = checklistKey(checklistFile);
  const file = store ? checkHistory(store, [key, 'checks', checkId]) : NO_HISTORY;
  return {
    history: (schema, options) => typedHistory(file, schema, options, scope),
    drillJournal: store ? () => latestDrill(store, key) : undefined,
  };
}
