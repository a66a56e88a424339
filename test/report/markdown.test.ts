import { lexer, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { fixtureResults, fixtureRun, resultsWithErrorRemediation, unmeasuredRun } from './fixtures.js';

function table(markdown: string): Tokens.Table {
  const token = lexer(markdown).find((t) => t.type === 'table');
  if (!token) throw new Error('no Markdown table');
  return token as Tokens.Table;
}

describe('renderMarkdown', () => {
  it('is a real Markdown table: one row per check, five cells each, in order', () => {
    const run = fixtureRun();
    const parsed = table(renderMarkdown(run));
    expect(parsed.header.map((h) => h.text)).toEqual(['Check', 'Status', 'Observed', 'Threshold', 'Message']);
    expect(parsed.rows).toHaveLength(run.results.length);
    expect(parsed.rows.map((row) => row[0]?.text)).toEqual(run.results.map((r) => r.id));
    for (const row of parsed.rows) expect(row).toHaveLength(5);
  });

  it('keeps a pipe or a line break in a message inside its cell', () => {
    const results = fixtureResults();
    const first = results[0];
    if (first) first.message = 'a | b\nc';
    const parsed = table(renderMarkdown(fixtureRun({ results })));
    expect(parsed.rows[0]).toHaveLength(5);
    expect(parsed.rows[0]?.[4]?.text).toBe('a | b c');
  });

  it('says the verdict, the blocking checks, what to do, and which statuses changed', () => {
    const results = fixtureResults();
    const fund = results.find((r) => r.id === 'fund');
    if (fund) fund.previousStatus = 'pass';
    const text = renderMarkdown(fixtureRun({ results }));
    expect(text).toContain('❌ HOLD');
    expect(text).toContain('Verdict **HOLD**: fund, probe');
    expect(text).toContain('- **fund**: Reduce size.');
    expect(text).toContain('❌ fail (was pass)');
    expect(text).not.toContain('\u001b');
  });

  it('says NO VERDICT when no critical check measured anything', () => {
    const skipped = fixtureResults().filter((r) => r.status === 'skip');
    const text = renderMarkdown(fixtureRun({ results: skipped }));
    expect(text).toContain('### l2preflight: 🚫 NO VERDICT — Base');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '**NO VERDICT**: no critical check measured anything (later: skip): nothing measured can back a ROUTE.',
    );
  });

  it('says NO VERDICT with the reason when a critical check could not measure, never its fail remediation', () => {
    const text = renderMarkdown(unmeasuredRun(['probe']));
    expect(text).toContain('### l2preflight: 🚫 NO VERDICT — Base');
    expect(text).toContain('**NO VERDICT**: critical check probe could not measure: HTTP request failed.');
    expect(text).toContain('1 check run of 4 in the checklist');
    expect(text).toContain('**Deadline**: the run deadline cut 1 check(s) before they measured: probe.');
    expect(text).toContain('- **probe**: the run deadline ended it before it measured');
    expect(renderMarkdown(fixtureRun({ results: resultsWithErrorRemediation() }))).not.toContain(
      'Error remediation',
    );
  });
});
