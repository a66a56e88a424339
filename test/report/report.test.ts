import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTable } from '../../src/report/table.js';
import { fixtureRun } from './fixtures.js';

describe('renderJson', () => {
  it('keeps the public shape and key order, and writes bigints as strings', () => {
    const parsed = JSON.parse(renderJson(fixtureRun()));
    expect(Object.keys(parsed).slice(0, 9)).toEqual([
      'schemaVersion',
      'tool',
      'checklist',
      'venue',
      'startedAt',
      'durationMs',
      'verdict',
      'summary',
      'results',
    ]);
    expect(parsed.results[0]).toEqual({
      id: 'head-fresh',
      type: 'sequencer.head-age',
      severity: 'critical',
      status: 'pass',
      observed: '1s',
      threshold: '<= 30s',
      message: 'latest L2 block 7 is 1s old',
      durationMs: 41,
      evidence: { block: '7' },
      tags: [],
    });
    expect(parsed.results[3].observed).toBeUndefined();
  });
});

describe('renderTable', () => {
  it('shows every check, the remediation of each problem and the verdict, without colour when asked', () => {
    const text = renderTable(fixtureRun(), { color: false });
    for (const id of ['head-fresh', 'eth-usd', 'fund', 'probe', 'later']) expect(text).toContain(id);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('remediation: Reduce size.');
    expect(text).toContain('remediation: Wait for a round.');
    expect(text).toContain('could not measure — this is not a pass');
    expect(text).toContain('VERDICT: HOLD — 2 check(s) at or above --fail-on fail: fund, probe');
    expect(text).toContain('1 pass · 1 warn · 1 fail · 1 error · 1 skip');
  });

  it('uses colour when asked', () => {
    expect(renderTable(fixtureRun(), { color: true })).toContain('\u001b[');
  });

  it('says ROUTE when nothing blocks', () => {
    const run = fixtureRun({ verdict: 'ROUTE' });
    run.results = run.results.filter((r) => r.status === 'pass');
    expect(renderTable(run, { color: false })).toContain('VERDICT: ROUTE');
  });
});

describe('renderJunit', () => {
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false }).parse(xml).testsuites.testsuite;

  it('is well-formed XML with a testcase per check, escaping and stripping what XML forbids', () => {
    const xml = renderJunit(fixtureRun());
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = parse(xml);
    expect(suite).toMatchObject({ '@_tests': '5', '@_failures': '1', '@_errors': '1', '@_skipped': '1' });
    const byName = Object.fromEntries(
      (suite.testcase as { '@_name': string }[]).map((c) => [c['@_name'], c]),
    );
    expect(byName.fund).toHaveProperty('failure');
    expect(byName.probe).toHaveProperty('error');
    expect(byName.later).toHaveProperty('skipped');
    expect(byName['eth-usd']).toHaveProperty('system-out');
    expect(xml).not.toContain('\u0007');
  });

  it('counts a warning as a failure with --fail-on warn', () => {
    const suite = parse(renderJunit(fixtureRun({ failOn: 'warn' })));
    expect(suite['@_failures']).toBe('2');
  });
});
