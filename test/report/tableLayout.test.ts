import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult } from '../../src/core/result.js';
import { wrap } from '../../src/report/compactTable.js';
import { chooseLayout, renderTable, type TableOptions } from '../../src/report/table.js';
import { devnetRun } from './devnetRuns.js';
import { fixtureResults, fixtureRun } from './fixtures.js';

const ESC = '\u001b';
const columns = (line: string) => Array.from(stripVTControlCharacters(line)).length;
const linesOf = (text: string) => text.trimEnd().split('\n');
/** The compact layout's check lines: a status mark, the status word, the id. */
const checkLine = /^([✓!✗?-]) (PASS|WARN|FAIL|ERROR|SKIP) +(\S+)/u;

describe('which layout the table takes', () => {
  const cases: { name: string; run: RunResult; options: Omit<TableOptions, 'color'>; layout: string }[] = [
    { name: 'no terminal (width unknown): wide', run: fixtureRun(), options: {}, layout: 'wide' },
    { name: 'devnet, no terminal: wide', run: devnetRun('route'), options: {}, layout: 'wide' },
    { name: '120 columns, short ids: wide', run: fixtureRun(), options: { width: 120 }, layout: 'wide' },
    { name: 'devnet at 120: wide', run: devnetRun('route'), options: { width: 120 }, layout: 'wide' },
    // README: the devnet checklist needs about 119 columns (its longest id, 19, and a 40-character message).
    { name: 'devnet at 119: wide', run: devnetRun('route'), options: { width: 119 }, layout: 'wide' },
    { name: 'devnet at 118: compact', run: devnetRun('route'), options: { width: 118 }, layout: 'compact' },
    // The message column would drop below 40 characters.
    { name: 'devnet at 100: compact', run: devnetRun('route'), options: { width: 100 }, layout: 'compact' },
    { name: '80 columns: compact', run: fixtureRun(), options: { width: 80 }, layout: 'compact' },
    { name: 'devnet at 80: compact', run: devnetRun('route'), options: { width: 80 }, layout: 'compact' },
    {
      name: '--wide at 80: wide',
      run: devnetRun('route'),
      options: { width: 80, layout: 'wide' },
      layout: 'wide',
    },
    {
      name: 'compact asked for at 120',
      run: fixtureRun(),
      options: { width: 120, layout: 'compact' },
      layout: 'compact',
    },
  ];
  for (const { name, run, options, layout } of cases) {
    it(name, () => {
      expect(chooseLayout(run, { color: false, ...options })).toBe(layout);
      const text = renderTable(run, { color: false, ...options });
      expect(text.includes('┌')).toBe(layout === 'wide');
    });
  }
});

describe('the compact layout', () => {
  for (const width of [80, 120]) {
    describe(`at ${width} columns, without colour`, () => {
      const text = renderTable(fixtureRun(), { color: false, width, layout: 'compact' });
      const lines = linesOf(text);

      it('has one line per check, problems first (fail, error, warn), then pass and skip', () => {
        const checks = lines.flatMap((l) => {
          const m = checkLine.exec(l);
          return m ? [`${m[1]} ${m[2]} ${m[3]}`] : [];
        });
        expect(checks).toEqual([
          '✗ FAIL fund',
          '? ERROR probe',
          '! WARN eth-usd',
          '✓ PASS head-fresh',
          '- SKIP later',
        ]);
      });

      it('fits the width and sends no escape sequence, even when a message carries one', () => {
        expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(width);
        expect(text).not.toContain(ESC);
        expect(text).toContain('\\x1b[31m');
      });

      it('gives observed vs threshold on the check line, and what to do under each problem only', () => {
        expect(text).toContain('✓ PASS  head-fresh  1s (want <= 30s)\n');
        expect(text).toContain(
          '! WARN  eth-usd     price 3000, 2h old (want age <= 1h)\n        ETH / USD: last update 2h ago\n        remediation: Wait for a round.\n',
        );
        expect(text).toContain('? ERROR probe       not measured\n');
        expect(text).toContain(
          '(an error is never a pass)\n        what to do: nothing about the venue was measured',
        );
        expect(text).toContain('- SKIP  later       skipped by --skip\n');
        expect(text).not.toContain('Pass remediation');
        expect(text).not.toContain('Skip remediation');
      });

      it('ends with the summary and the verdict', () => {
        expect(text).toContain('4 checks run of 7 in the checklist');
        expect(lines.at(-1)).toBe('VERDICT: HOLD — 2 check(s) at or above --fail-on fail: fund, probe');
      });
    });
  }

  it('takes the 16-check devnet run from 128 lines to 28 at 80 columns, no id split', () => {
    const run = devnetRun('route');
    const wide = linesOf(renderTable(run, { color: false, width: 80, layout: 'wide' }));
    const compact = linesOf(renderTable(run, { color: false, width: 80 }));
    expect(wide).toHaveLength(128);
    expect(compact).toHaveLength(28);
    expect(Math.max(...compact.map(columns))).toBeLessThanOrEqual(80);
    const ids = compact.flatMap((l) => checkLine.exec(l)?.[3] ?? []);
    expect(ids.sort()).toEqual(run.results.map((r) => r.id).sort());
  });

  it('cuts a long figure with "…" at a word, and gives a problem\'s observed and threshold in full below', () => {
    const text = renderTable(devnetRun('hold'), { color: false, width: 80 });
    const lines = linesOf(text);
    const fund = lines.findIndex((l) => l.startsWith('✗ FAIL  insurance-fund'));
    expect(lines[fund]).toMatch(/ \(want >=…$/);
    expect(lines.slice(fund + 1, fund + 7).join('\n')).toContain(
      '        observed: 0.00 USD, 0.00% of open interest\n        want: >= 1,000,000 USD, >= 10.0% of open interest, drawdown <= 20.0%\n        remediation: Reduce size on this venue',
    );
    // Passes stay one line each, cut where need be.
    const passes = lines.filter((l) => l.startsWith('✓ PASS'));
    expect(passes).toHaveLength(13);
    expect(passes.filter((l) => l.endsWith('…')).length).toBeGreaterThan(0);
    expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(80);
  });

  it('splits a hash in a problem message across lines rather than cutting it', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    const long: CheckResult = {
      ...(fixtureResults()[2] as CheckResult & { status: 'fail' }),
      message: `endpoint 2 reports block ${hash} where endpoint 1 reports another`,
    };
    const text = renderTable(fixtureRun({ results: [long] }), { color: false, width: 60, layout: 'compact' });
    const lines = linesOf(text);
    expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(60);
    expect(lines.map((l) => l.trim()).join('')).toContain(hash);
  });

  it('colours each status line when asked', () => {
    const text = renderTable(fixtureRun(), { color: true, width: 80 });
    expect(text).toContain(`${ESC}[32m✓ PASS  `);
    expect(text).toContain(`${ESC}[33m! WARN  `);
    expect(text).toContain(`${ESC}[31m${ESC}[1m✗ FAIL  `);
    expect(text).toContain(`${ESC}[35m${ESC}[1m? ERROR `);
    expect(text).toContain(`${ESC}[90m- SKIP  `);
  });
});

describe('escalation paths under a problem', () => {
  const withEscalation = fixtureResults().map((r) =>
    r.status === 'fail' || r.status === 'pass'
      ? {
          ...r,
          owner: 'perps-risk',
          runbook: 'https://runbooks.example/fund',
          escalation: '#perps-oncall, then +1 555 0100',
        }
      : r,
  );
  const run = fixtureRun({ results: withEscalation });

  it('follow the remediation in the wide table', () => {
    const text = renderTable(run, { color: false, layout: 'wide' });
    expect(text).toContain(
      '    remediation: Reduce size.\n    owner: perps-risk\n    runbook: https://runbooks.example/fund\n    escalation: #perps-oncall, then +1 555 0100\n',
    );
    expect(text.match(/owner: /g)).toHaveLength(1); // not under the pass
  });

  it('follow the remediation in the compact layout', () => {
    const text = renderTable(run, { color: false, width: 80 });
    expect(text).toContain(
      '        remediation: Reduce size.\n        owner: perps-risk\n        runbook: https://runbooks.example/fund\n        escalation: #perps-oncall, then +1 555 0100\n',
    );
    expect(text.match(/owner: /g)).toHaveLength(1);
  });
});

describe('the wide table', () => {
  it('keeps every devnet id whole at 120 columns', () => {
    const text = renderTable(devnetRun('route'), { color: false, width: 120 });
    for (const { id } of devnetRun('route').results) expect(text).toContain(`│ ${id} `);
    const tableLines = linesOf(text).filter((l) => /^[┌│├└]/.test(l));
    expect(Math.max(...tableLines.map(columns))).toBe(120);
  });

  it('marks warn, fail and error apart in its problem list', () => {
    const text = renderTable(fixtureRun(), { color: false });
    expect(text).toContain('\n! eth-usd: ');
    expect(text).toContain('\n✗ fund: ');
    expect(text).toContain('\n? probe: ');
  });
});

describe('wrap', () => {
  const text = `a reorg of ${'0x'.padEnd(66, 'f')} at height 1234 replaced\nthe block ${'x'.repeat(7)} seen`;
  for (const width of [12, 20, 33, 80]) {
    it(`keeps every character and stays within ${width} columns`, () => {
      const lines = wrap(text, width, '    ', '      ');
      expect(Math.max(...lines.map(columns))).toBeLessThanOrEqual(width);
      expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(/[ \n]/g, ''));
      expect(lines[0]?.startsWith('    a reorg')).toBe(true);
    });
  }
});
