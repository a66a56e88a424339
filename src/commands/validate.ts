/** `l2preflight validate`: parse and check a checklist without touching the network. */
import { loadChecklist } from '../checklist/load.js';

export async function validateCommand(file: string): Promise<string> {
  const checklist = await loadChecklist(file);
  const skipped = checklist.checks.filter((c) => c.skip).length;
  return `✓ ${file}: valid — ${checklist.checks.length} checks${skipped ? ` (${skipped} skipped)` : ''} for ${checklist.venue.name} (${checklist.venue.stack}, ${checklist.venue.l2 ? `L2 chain ${checklist.venue.l2.chainId}` : `network ${checklist.venue.dydx?.network}`})\n`;
}
