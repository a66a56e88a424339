/**
 * Venues side by side (`run A.yaml B.yaml …`): a row per concern, a column per venue, each cell the
 * worst status of that concern's checks with its headline figure, and a verdict row. Pure functions of
 * the venues' RunResults and the type → concern map (from the check registry, which the command owns).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, RunResult, Status, Verdict } from '../core/result.js';
import { CONCERNS, type Concern } from '../core/vocabulary.js';
import { renderJson } from './json.js';
import { renderJunitSuites } from './junit.js';
import { cell as markdownCell } from './markdown.js';
import { paint as paintStatus, STATUS_MARK } from './tableText.js';
import { errorAdvice, escalationLines, venueLabels, visible } from './text.js';

export { venueLabels };

/** What a comparison can be printed as; Prometheus has one venue per scrape (`serve`), so it is not one. */
export const COMPARISON_FORMATS = ['table', 'json', 'junit', 'markdown'] as const;
export type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];

/** Which concern each check type answers (CheckDefinition.concern), keyed by type. */
export type ConcernOf = Readonly<Record<string, Concern>>;

/** One cell: the worst result of a concern on a venue, or `none` when the venue checks nothing there. */
export interface MatrixCell {
  status: Status | 'none';
  /** The worst result's observed value (an error's kind); the first check's when all pass. */
  figure: string;
  /** The check the figure comes from. */
  id?: string;
  /** Further results of the concern that are not pass or skip (the problems listed below the matrix). */
  more: number;
}

export interface MatrixRow {
  concern: Concern;
  cells: MatrixCell[];
}

/** Worse is higher: a failure outranks a check that could not measure, which outranks a warning. */
const WORSE: Record<Status, number> = { skip: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** Exit code order (1 over 3 over 0): a venue that failed outranks one that could not be measured. */
const VERDICT_RANK: Record<Verdict, number> = { ROUTE: 0, 'NO VERDICT': 1, HOLD: 2 };

const isProblem = (r: CheckResult) => r.status === 'fail' || r.status === 'warn' || r.status === 'error';

function figureOf(result: CheckResult): string {
  switch (result.status) {
    case 'pass':
    case 'warn':
    case 'fail':
      return result.observed;
    case 'error':
      return result.errorKind;
    case 'skip':
      return '';
  }
}

function cellOf(results: readonly CheckResult[]): MatrixCell {
  // The first of the worst, in checklist order: with all passing, that is the first check.
  let worst: CheckResult | undefined;
  for (const result of results) if (!worst || WORSE[result.status] > WORSE[worst.status]) worst = result;
  if (!worst) return { status: 'none', figure: '', more: 0 };
  const problems = results.filter(isProblem).length;
  return {
    status: worst.status,
    figure: figureOf(worst),
    id: worst.id,
    more: isProblem(worst) ? problems - 1 : 0,
  };
}

/** A row per concern, in CONCERNS order; a result of a type the map does not know is left out. */
export function matrixRows(runs: readonly RunResult[], concernOf: ConcernOf): MatrixRow[] {
  return CONCERNS.map((concern) => ({
    concern,
    cells: runs.map((run) => cellOf(run.results.filter((r) => concernOf[r.type] === concern))),
  }));
}

/** The comparison's verdict: the worst venue's (HOLD over NO VERDICT over ROUTE), as the exit code is. */
export function comparisonVerdict(runs: readonly RunResult[]): Verdict {
  let worst: Verdict = 'ROUTE';
  for (const run of runs) if (VERDICT_RANK[run.verdict] > VERDICT_RANK[worst]) worst = run.verdict;
  return worst;
}

/** The table's marks (they differ without colour), and one for a concern the checklist does not check. */
const SYMBOL: Record<Status | 'none', string> = { ...STATUS_MARK, none: '·' };

const VERDICT_STATUS: Record<Verdict, Status> = { ROUTE: 'pass', HOLD: 'fail', 'NO VERDICT': 'error' };

function paint(chalk: ChalkInstance, status: Status | 'none', text: string): string {
  return status === 'none' ? chalk.gray(text) : paintStatus(chalk, status, text);
}

/** The cell's text without colour: symbol, status, figure, and how many more problems the concern has. */
export function cellText(cell: MatrixCell): string {
  if (cell.status === 'none') return `${SYMBOL.none} not checked`;
  const figure = cell.figure ? ` ${visible(cell.figure).replace(/\s+/g, ' ')}` : '';
  const more = cell.more > 0 ? ` +${cell.more}` : '';
  return `${SYMBOL[cell.status]} ${cell.status.toUpperCase()}${figure}${more}`;
}

function clip(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - Array.from(text).length));

export interface MatrixOptions {
  color: boolean;
  /** Terminal columns; 120 when unknown. Venue columns share what the concern column leaves. */
  width?: number;
  concernOf: ConcernOf;
}

/** The human comparison: the matrix, then each venue's verdict and problems with what to do. */
export function renderMatrix(runs: readonly RunResult[], options: MatrixOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const rows = matrixRows(runs, options.concernOf);
  const labels = venueLabels(runs);
  const verdicts = runs.map((run) => `${SYMBOL[VERDICT_STATUS[run.verdict]]} ${run.verdict}`);
  const first = Math.max('VERDICT'.length, ...CONCERNS.map((c) => c.length));
  const gap = 2;
  const share = Math.floor(((options.width ?? 120) - first) / Math.max(1, runs.length)) - gap;
  const widths = runs.map((_, i) =>
    Math.min(
      Math.max(14, share),
      Math.max(
        labels[i]?.length ?? 0,
        verdicts[i]?.length ?? 0,
        ...rows.map((r) => cellText(r.cells[i] as MatrixCell).length),
      ),
    ),
  );
  const line = (head: string, texts: string[], style: (text: string, i: number) => string) =>
    [pad(head, first), ...texts.map((text, i) => style(pad(clip(text, widths[i] ?? 14), widths[i] ?? 14), i))]
      .join(' '.repeat(gap))
      .trimEnd();

  const verdict = comparisonVerdict(runs);
  const lines = [
    paint(chalk, VERDICT_STATUS[verdict], chalk.bold(`${runs.length} venues compared — ${verdict}`)),
    '',
    line('CONCERN', labels, (text) => chalk.bold(text)),
    ...rows.map((row) =>
      line(row.concern, row.cells.map(cellText), (text, i) =>
        paint(chalk, (row.cells[i] as MatrixCell).status, text),
      ),
    ),
    line('VERDICT', verdicts, (text, i) =>
      chalk.bold(paint(chalk, VERDICT_STATUS[(runs[i] as RunResult).verdict], text)),
    ),
  ];

  const indented = (text: string) => visible(text).replaceAll('\n', '\n      ');
  runs.forEach((run, i) => {
    lines.push(
      '',
      chalk.bold(`${labels[i]} — ${run.verdict}: ${visible(run.verdictReason)}`),
      `  ${visible(run.checklist)}`,
    );
    const problems = run.results.filter(isProblem);
    if (problems.length === 0) lines.push('  no problems');
    for (const result of problems) {
      lines.push(
        `  ${paint(chalk, result.status, `${SYMBOL[result.status]} ${result.status.toUpperCase()}`)} ${chalk.bold(visible(result.id))}: ${indented(result.message)}`,
      );
      // As in the table: an error measured nothing, so the check's remediation would mislead.
      if (result.status === 'error') lines.push(`      what to do: ${indented(errorAdvice(run, result))}`);
      else if (result.remediation) lines.push(`      remediation: ${indented(result.remediation)}`);
      for (const { label, text } of escalationLines(result)) lines.push(`      ${label}: ${indented(text)}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

const ICON: Record<Status | 'none', string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '🚫',
  skip: '⏭️',
  none: '·',
};
const VERDICT_ICON: Record<Verdict, string> = { ROUTE: '✅', HOLD: '❌', 'NO VERDICT': '🚫' };

/** The comparison as Markdown: the matrix as a table, then each venue's problems. */
export function renderMatrixMarkdown(runs: readonly RunResult[], concernOf: ConcernOf): string {
  const labels = venueLabels(runs);
  const verdict = comparisonVerdict(runs);
  const mdCell = (c: MatrixCell) =>
    c.status === 'none'
      ? '· not checked'
      : `${ICON[c.status]} ${c.status}${c.figure ? ` ${markdownCell(c.figure)}` : ''}${c.more > 0 ? ` +${c.more}` : ''}`;
  const lines = [
    `### l2preflight: ${VERDICT_ICON[verdict]} ${verdict} — ${runs.length} venues compared`,
    '',
    `| Concern | ${labels.map(markdownCell).join(' | ')} |`,
    `| --- |${' --- |'.repeat(runs.length)}`,
    ...matrixRows(runs, concernOf).map((row) => `| ${row.concern} | ${row.cells.map(mdCell).join(' | ')} |`),
    `| **Verdict** | ${runs.map((run) => `${VERDICT_ICON[run.verdict]} **${run.verdict}**`).join(' | ')} |`,
  ];
  runs.forEach((run, i) => {
    lines.push(
      '',
      `**${markdownCell(labels[i])}** (\`${markdownCell(run.checklist)}\`): ${markdownCell(run.verdictReason)}`,
      '',
    );
    const problems = run.results.filter(isProblem);
    if (problems.length === 0) lines.push('- no problems');
    for (const r of problems) {
      const todo = r.status === 'error' ? errorAdvice(run, r) : r.remediation;
      lines.push(
        `- ${ICON[r.status]} **${markdownCell(r.id)}**: ${markdownCell(r.message)}${todo ? ` — ${markdownCell(todo)}` : ''}`,
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

/**
 * `{ schemaVersion, kind: "comparison", verdict, venues }`: each venue is exactly its single-run JSON
 * report (parsed back from that renderer, so the two can never drift apart).
 */
export function renderComparisonJson(runs: readonly RunResult[]): string {
  const report = {
    schemaVersion: 1,
    kind: 'comparison',
    verdict: comparisonVerdict(runs),
    venues: runs.map((run) => JSON.parse(renderJson(run)) as unknown),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderComparison(
  format: ComparisonFormat,
  runs: readonly RunResult[],
  options: MatrixOptions,
): string {
  switch (format) {
    case 'table':
      return renderMatrix(runs, options);
    case 'json':
      return renderComparisonJson(runs);
    case 'junit':
      return renderJunitSuites(runs);
    case 'markdown':
      return renderMatrixMarkdown(runs, options.concernOf);
  }
}
