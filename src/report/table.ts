/** The human report: a table of every check, the remediation under each problem, and the verdict. */
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CheckResult, RunResult, Status } from '../engine/result.js';
import { blocking } from '../engine/status.js';

export interface TableOptions {
  color: boolean;
  width?: number;
}

function paint(chalk: ChalkInstance, status: Status): string {
  const label = status.toUpperCase();
  switch (status) {
    case 'pass':
      return chalk.green(label);
    case 'warn':
      return chalk.yellow(label);
    case 'fail':
      return chalk.red.bold(label);
    case 'error':
      return chalk.magenta.bold(label);
    case 'skip':
      return chalk.gray(label);
  }
}

function observedOf(result: CheckResult): string {
  if (result.status === 'pass' || result.status === 'warn' || result.status === 'fail')
    return result.observed;
  return result.status === 'error' ? '—' : '';
}

function thresholdOf(result: CheckResult): string {
  return result.status === 'skip' ? '' : (result.threshold ?? '');
}

function columnWidths(total: number): number[] {
  // id, status, observed, threshold take what they need up to a cap; the message gets the rest.
  const fixed = [22, 8, 22, 24];
  const message = Math.max(30, total - fixed.reduce((a, b) => a + b, 0) - 6);
  return [...fixed, message];
}

export function renderTable(run: RunResult, options: TableOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const table = new Table({
    head: ['CHECK', 'STATUS', 'OBSERVED', 'THRESHOLD', 'MESSAGE'].map((h) => chalk.bold(h)),
    colWidths: columnWidths(options.width ?? 120),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: options.color ? { head: [], border: ['grey'] } : { head: [], border: [] },
  });
  for (const result of run.results) {
    table.push([
      result.id,
      paint(chalk, result.status),
      observedOf(result),
      thresholdOf(result),
      result.message,
    ]);
  }

  const venue = run.venue;
  const chains = `L2 ${venue.l2ChainId}${venue.l1ChainId !== undefined ? `, L1 ${venue.l1ChainId}` : ''}`;
  const s = run.summary;
  const lines = [
    chalk.bold(`${run.checklist} — ${venue.name} (${venue.stack}, ${chains})`),
    table.toString(),
    `${s.pass} pass · ${s.warn} warn · ${s.fail} fail · ${s.error} error · ${s.skip} skip  in ${run.durationMs} ms`,
  ];

  const problems = run.results.filter(
    (r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error',
  );
  if (problems.length > 0) lines.push('');
  for (const result of problems) {
    const note = result.status === 'error' ? ' (could not measure — this is not a pass)' : '';
    lines.push(`${chalk.red('✗')} ${chalk.bold(result.id)}: ${result.message}${note}`);
    if (result.remediation) lines.push(`    remediation: ${result.remediation}`);
    else if (result.description) lines.push(`    checks that: ${result.description}`);
  }

  const blockers = blocking(run.results, run.failOn);
  lines.push(
    '',
    run.verdict === 'ROUTE'
      ? chalk.green.bold(`VERDICT: ROUTE — nothing at or above --fail-on ${run.failOn}`)
      : chalk.red.bold(
          `VERDICT: HOLD — ${blockers.length} check(s) at or above --fail-on ${run.failOn}: ${blockers.map((r) => r.id).join(', ')}`,
        ),
  );
  return `${lines.join('\n')}\n`;
}
