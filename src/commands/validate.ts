/** `l2preflight validate`: parse and check a checklist without touching the network. */
import { loadChecklist } from '../checklist/load.js';

export async function validateCommand(file: string): Promise<string> {
  const checklist = await loadChecklist(file);
  const skipped = checklist.checks.filter((c) => c.skip).length;
  return `✓ ${file}: valid — ${checklist.checks.length} checks${skipped ? ` (${skipped} skipped)` : ''} for ${checklist.venue.name} (${checklist.venue.stack}, L2 chain ${checklist.venue.l2.chainId})\n`;
}
