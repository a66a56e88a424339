import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult, Verdict } from '../../src/core/result.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunitSuites } from '../../src/report/junit.js';
import {
  type ConcernOf,
  cellText,
  comparisonVerdict,
  matrixRows,
  renderComparisonJson,
  renderMatrix,
  renderMatrixMarkdown,
  venueLabels,
} from '../../src/report/matrix.js';
import { fixtureRun, HOSTILE } from './fixtures.js';

const ESC = '\u001b';

const concernOf: ConcernOf = {
  'sequencer.head-age': 'sequencer',
  'sequencer.cadence': 'sequencer',
  'oracle.chainlink': 'oracles',
  'insurance.fund': 'insurance',
  'reorg.probe': 'reorgs',
};

function judged(id: string, status: 'pass' | 'warn' | 'fail', observed: string): CheckResult {
  return {
    id,
    type: 'sequencer.head-age',
    severity: 'critical',
    status,
    observed,
    threshold: '<= 30s',
    message: `${id} is ${observed}`,
    remediation: `fix ${id}`,
    tags: [],
    durationMs: 1,
  };
}
const error = (id: string): CheckResult => ({
  id,
  type: 'sequencer.head-age',
  severity: 'critical',
  status: 'error',
  errorKind: 'rpc',
  message: 'could not measure: connection refused',
  tags: [],
  durationMs: 1,
});
const skip = (id: string): CheckResult => ({
  id,
  type: 'sequencer.head-age',
  severity: 'critical',
  status: 'skip',
  message: 'skipped',
  tags: [],
  durationMs: 0,
});

const sequencerCell = (results: CheckResult[]) => {
  const [row] = matrixRows([fixtureRun({ results })], concernOf);
  return row?.cells[0];
};

describe('matrix cells: the worst status of a concern, with its figure', () => {
  it.each([
    [
      'all pass: the first check',
      [judged('a', 'pass', '1s'), judged('b', 'pass', '2s')],
      'pass',
      '1s',
      0,
      '✓ PASS 1s',
    ],
    [
      'a warning over passes',
      [judged('a', 'pass', '1s'), judged('b', 'warn', '25s')],
      'warn',
      '25s',
      0,
      '! WARN 25s',
    ],
    [
      'a failure over an error and a warning, counting the rest',
      [judged('a', 'warn', '25s'), error('e'), judged('b', 'fail', '3m'), judged('c', 'pass', '1s')],
      'fail',
      '3m',
      2,
      '✗ FAIL 3m +2',
    ],
    [
      'the first of two failures',
      [judged('a', 'fail', '40s'), judged('b', 'fail', '3m')],
      'fail',
      '40s',
      1,
      '✗ FAIL 40s +1',
    ],
    [
      'an error over a pass: its kind',
      [judged('a', 'pass', '1s'), error('e')],
      'error',
      'rpc',
      0,
      '? ERROR rpc',
    ],
    ['skips only', [skip('s')], 'skip', '', 0, '- SKIP'],
    ['a pass over a skip', [skip('s'), judged('a', 'pass', '1s')], 'pass', '1s', 0, '✓ PASS 1s'],
    ['nothing of the concern', [], 'none', '', 0, '· not checked'],
  ] as const)('%s', (_name, results, status, figure, more, text) => {
    const cell = sequencerCell([...results]);
    expect(cell).toMatchObject({ status, figure, more });
    if (cell) expect(cellText(cell)).toBe(text);
  });

  it('puts each result in its type’s concern, in the declared order of concerns', () => {
    const rows = matrixRows([fixtureRun()], concernOf);
    expect(rows.map((r) => r.concern)).toEqual([
      'sequencer',
      'reorgs',
      'oracles',
      'insurance',
      'fees',
      'liquidation',
      'governance',
      'withdrawals',
    ]);
    expect(rows.map((r) => r.cells[0]?.status)).toEqual([
      'pass',
      'error',
      'warn',
      'fail',
      'none',
      'none',
      'none',
      'none',
    ]);
  });
});

describe('the comparison verdict is the worst venue’s', () => {
  it.each([
    [['ROUTE', 'ROUTE'], 'ROUTE'],
    [['ROUTE', 'NO VERDICT'], 'NO VERDICT'],
    [['NO VERDICT', 'HOLD', 'ROUTE'], 'HOLD'],
    [['HOLD', 'NO VERDICT'], 'HOLD'],
  ] as const)('%j → %s', (verdicts, expected) => {
    const runs = verdicts.map((verdict: Verdict) => ({ ...fixtureRun(), verdict }));
    expect(comparisonVerdict(runs)).toBe(expected);
  });
});

function twoVenues(): RunResult[] {
  const healthy = fixtureRun({ results: [judged('head', 'pass', '1s')] });
  return [
    fixtureRun(),
    { ...healthy, checklist: 'checks/arb.yaml', venue: { ...healthy.venue, name: 'Arbitrum' } },
  ];
}

describe('renderMatrix', () => {
  it('prints a row per concern, a column per venue and a verdict row, without colour', () => {
    const text = renderMatrix(twoVenues(), { color: false, width: 120, concernOf });
    expect(text).not.toContain(ESC);
    const lines = text.split('\n');
    expect(lines[0]).toBe('2 venues compared — HOLD');
    expect(lines[2]).toMatch(/^CONCERN\s+Base\s+Arbitrum$/);
    expect(lines.find((l) => l.startsWith('sequencer'))).toMatch(/^sequencer\s+✓ PASS 1s\s+✓ PASS 1s$/);
    expect(lines.find((l) => l.startsWith('insurance'))).toMatch(
      /^insurance\s+✗ FAIL 0 USD\s+· not checked$/,
    );
    expect(lines.find((l) => l.startsWith('oracles'))).toMatch(
      /^oracles\s+! WARN price 3000, 2h old\s+· not checked$/,
    );
    expect(lines.find((l) => l.startsWith('VERDICT'))).toMatch(/^VERDICT\s+✗ HOLD\s+✓ ROUTE$/);
  });

  it('lists each venue’s problems with what to do, and says when a venue has none', () => {
    const text = renderMatrix(twoVenues(), { color: false, concernOf });
    expect(text).toContain('✗ FAIL fund: ');
    expect(text).toContain('remediation: Reduce size.');
    // An error gets advice about the measurement, never the check's remediation.
    expect(text).toMatch(
      /\? ERROR probe: could not measure: HTTP request failed\n {6}what to do: nothing about the venue/,
    );
    expect(text).toMatch(/Arbitrum — ROUTE: .*\n {2}checks\/arb\.yaml\n {2}no problems/);
  });

  it('never passes control characters from a message through', () => {
    const text = renderMatrix(twoVenues(), { color: false, concernOf });
    expect(text).toContain('fund holds');
    expect(text).not.toContain(HOSTILE);
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\u0007');
  });

  it('colours cells on a terminal', () => {
    const text = renderMatrix(twoVenues(), { color: true, concernOf });
    expect(text).toContain(`${ESC}[31m${ESC}[1m✗ FAIL 0 USD`);
  });

  it('clips a long figure to the column the width leaves', () => {
    const long = fixtureRun({ results: [judged('a', 'fail', 'x'.repeat(200))] });
    const text = renderMatrix([long, long], { color: false, width: 80, concernOf });
    for (const line of text.split('\n').slice(0, 12)) expect(Array.from(line).length).toBeLessThanOrEqual(80);
    expect(text).toContain('…');
  });

  it('names venues that share a name by their checklist', () => {
    const [a] = twoVenues() as [RunResult];
    expect(venueLabels([a, { ...a, checklist: 'other.yaml' }])).toEqual([
      'Base (checks/base.yaml)',
      'Base (other.yaml)',
    ]);
  });
});

describe('the other comparison formats', () => {
  it('JSON: the comparison verdict and each venue’s single-run report, unchanged', () => {
    const runs = twoVenues();
    const parsed = JSON.parse(renderComparisonJson(runs));
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'kind', 'verdict', 'venues']);
    expect(parsed).toMatchObject({ schemaVersion: 1, kind: 'comparison', verdict: 'HOLD' });
    expect(parsed.venues).toEqual(runs.map((run) => JSON.parse(renderJson(run))));
  });

  it('Markdown: the matrix as a table', () => {
    const md = renderMatrixMarkdown(twoVenues(), concernOf);
    expect(md).toContain('### l2preflight: ❌ HOLD — 2 venues compared');
    expect(md).toContain('| Concern | Base | Arbitrum |');
    expect(md).toContain('| insurance | ❌ fail 0 USD | · not checked |');
    expect(md).toContain('| **Verdict** | ❌ **HOLD** | ✅ **ROUTE** |');
    expect(md).toContain('- ❌ **fund**: ');
  });

  it('JUnit: one testsuite per venue, totals summed', () => {
    const xml = renderJunitSuites(twoVenues());
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuites name="l2preflight" tests="6" failures="1" errors="1" skipped="1"/);
    expect(xml).toContain('<testsuite name="Arbitrum" tests="1" failures="0"');
    expect(xml).toContain('classname="Arbitrum.sequencer.head-age"');
  });

  it('JUnit: two checklists of one venue get suites and cases a CI reporter cannot merge', () => {
    const prod = fixtureRun({ results: [judged('head', 'pass', '1s')] });
    const staging = {
      ...fixtureRun({ results: [judged('head', 'fail', '95s')] }),
      checklist: 'staging/base.yaml',
    };
    const xml = renderJunitSuites([prod, staging]);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(suites).size).toBe(2);
    const cases = [...xml.matchAll(/<testcase name="([^"]+)" classname="([^"]+)"/g)].map(
      (m) => `${m[2]}/${m[1]}`,
    );
    expect(new Set(cases).size).toBe(2);
  });
});
