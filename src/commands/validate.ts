/** `l2preflight validate`: parse and check a checklist without touching the network. */
import { loadChecklist } from '../checklist/load.js';
import { formatProblem } from '../errors.js';

/** The verdict line for stdout; warnings (valid, but worth knowing) go to `warn`, one per line. */
export async function validateCommand(
  file: string,
  warn: (text: string) => void = () => {},
): Promise<string> {
  const checklist = await loadChecklist(file);
  for (const warning of checklist.warnings ?? []) warn(`warning: ${formatProblem(warning)}\n`);
  const skipped = checklist.checks.filter((c) => c.skip).length;
  return `✓ ${file}: valid — ${checklist.checks.length} checks${skipped ? ` (${skipped} skipped)` : ''} for ${checklist.venue.name} (${checklist.venue.stack}, ${checklist.venue.l2 ? `L2 chain ${checklist.venue.l2.chainId}` : `network ${checklist.venue.dydx?.network}`})\n`;
}
