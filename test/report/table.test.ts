import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/result.js';
import { renderTable } from '../../src/report/table.js';
import { fixtureResults, fixtureRun, resultsWithErrorRemediation, unmeasuredRun } from './fixtures.js';

const ESC = '\u001b';
// Visible width, ignoring colour codes; every character the fixture uses is one column wide.
const columns = (line: string) => Array.from(stripVTControlCharacters(line)).length;

describe('renderTable', () => {
  const plain = renderTable(fixtureRun(), { color: false });
  const lines = plain.split('\n');

  it('has a row for every check with its status label', () => {
    const row = (id: string) => lines.find((l) => l.startsWith(`│ ${id} `)) ?? '';
    expect(row('head-fresh')).toContain('│ PASS ');
    expect(row('eth-usd')).toContain('│ WARN ');
    expect(row('fund')).toContain('│ FAIL ');
    expect(row('probe')).toContain('│ ERROR ');
    expect(row('later')).toContain('│ SKIP ');
    for (const header of ['CHECK', 'STATUS', 'OBSERVED', 'THRESHOLD', 'MESSAGE'])
      expect(plain).toContain(header);
  });

  it('names the checklist and venue, and sums up the statuses', () => {
    expect(plain).toContain('checks/base.yaml — Base (op-stack, L2 8453, L1 1)');
    expect(plain).toContain(
      '4 checks run of 7 in the checklist · 1 pass · 1 warn · 1 fail · 1 error · 1 skip  in 812 ms',
    );
  });

  it('contains no escape sequence at all without colour, even when a message carries one', () => {
    expect(plain).not.toContain(ESC);
    expect(plain).not.toContain('\u0007');
    expect(plain).toContain('\\x1b[31m');
  });

  it('colours the statuses when asked', () => {
    const coloured = renderTable(fixtureRun(), { color: true });
    expect(coloured).toContain(`${ESC}[32mPASS`);
    expect(coloured).toContain(`${ESC}[33mWARN`);
    expect(coloured).toContain(`${ESC}[31m${ESC}[1mFAIL`);
    expect(coloured).toContain(`${ESC}[35m${ESC}[1mERROR`);
    expect(coloured).toContain(`${ESC}[90mSKIP`);
  });

  it('shows the remediation under each fail, warn and error, and never for pass or skip', () => {
    expect(plain).toContain('! eth-usd: ETH / USD: last update 2h ago\n    remediation: Wait for a round.');
    expect(plain).toContain(
      '✗ fund: fund holds <nothing> & "none" \'at all\'\\x07\\x1b[31m\n    remediation: Reduce size.',
    );
    expect(plain).not.toContain('Pass remediation');
    expect(plain).not.toContain('Skip remediation');
    expect(plain).not.toContain('✗ head-fresh');
    expect(plain).not.toContain('✗ later');
  });

  it('says an error is not a pass, and what to do about the measurement instead of the fail remediation', () => {
    const text = renderTable(fixtureRun({ results: resultsWithErrorRemediation() }), { color: false });
    expect(text).toContain(
      '? probe: could not measure: HTTP request failed (an error is never a pass)\n    what to do: nothing about the venue was measured: check the endpoint',
    );
    expect(text).not.toContain('Error remediation');
  });

  it('says NO VERDICT with the reason when a critical check could not measure, and what the deadline cut', () => {
    const text = renderTable({ ...unmeasuredRun(['probe']), deadlineMs: 4700 }, { color: false });
    expect(text).toContain(
      'VERDICT: NO VERDICT — critical check probe could not measure: HTTP request failed',
    );
    expect(text).not.toContain('VERDICT: HOLD');
    expect(text).toContain('1 check run of 4 in the checklist');
    expect(text).toContain('the run deadline (4.7s) cut 1 check(s) before they measured: probe');
    expect(text).toContain('what to do: the run deadline ended it before it measured');
  });

  it('holds on the checks at or above --fail-on, naming them', () => {
    expect(lines.at(-2)).toBe('VERDICT: HOLD — 2 check(s) at or above --fail-on fail: fund, probe');
    const strict = renderTable(fixtureRun({ failOn: 'warn' }), { color: false });
    expect(strict).toContain('VERDICT: HOLD — 3 check(s) at or above --fail-on warn: eth-usd, fund, probe');
  });

  it('routes when nothing is at or above --fail-on', () => {
    const calm = fixtureResults().filter(
      (r) => r.status === 'pass' || r.status === 'warn' || r.status === 'skip',
    );
    const text = renderTable(fixtureRun({ results: calm }), { color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe('VERDICT: ROUTE — nothing at or above --fail-on fail');
  });

  it('has no verdict, naming the critical checks, when no critical check measured anything', () => {
    const unmeasured = fixtureResults().filter((r) => r.status === 'skip' || r.severity === 'warning');
    const text = renderTable(fixtureRun({ results: unmeasured }), { color: false });
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'VERDICT: NO VERDICT — no critical check measured anything (later: skip): nothing measured can back a ROUTE',
    );
  });

  it('wraps long messages within the requested width without losing words', () => {
    const hash = `0x${'ab'.repeat(32)}`;
    const long: CheckResult = {
      id: 'divergence',
      type: 'sequencer.rpc-divergence',
      severity: 'critical',
      status: 'fail',
      observed: 'hashes differ',
      threshold: 'same hash',
      message: `endpoint 2 reports block ${hash} where endpoint 1 reports another hash at the same height, ${'again '.repeat(20)}`,
      tags: [],
      durationMs: 3,
    };
    for (const width of [80, 120, 160]) {
      const text = renderTable(fixtureRun({ results: [long] }), { color: false, width, layout: 'wide' });
      const tableLines = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
      expect(Math.max(...tableLines.map(columns))).toBeLessThanOrEqual(width);
      expect(
        tableLines.filter((l) => l.startsWith('│ divergence') || l.startsWith('│  ')).length,
      ).toBeGreaterThan(2);
      expect(text).not.toContain('…');
      const messageColumn = tableLines
        .filter((l) => l.startsWith('│') && !l.includes('CHECK'))
        .map((l) => l.split('│')[5]?.trim() ?? '')
        .join('');
      expect(messageColumn).toContain(hash);
    }
  });

  it('fills the default width of 120 columns', () => {
    const top = lines.find((l) => l.startsWith('┌')) ?? '';
    expect(columns(top)).toBe(120);
  });
});
