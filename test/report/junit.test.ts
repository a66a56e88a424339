import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/result.js';
import { renderJunit } from '../../src/report/junit.js';
import { fixtureRun, resultsWithErrorRemediation, unmeasuredRun } from './fixtures.js';

type Node = Record<string, unknown>;

function parse(xml: string): { suites: Node; suite: Node; cases: Record<string, Node> } {
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(xml);
  const suites = doc.testsuites as Node;
  const suite = suites.testsuite as Node;
  const cases = Object.fromEntries((suite.testcase as Node[]).map((c) => [c['@_name'] as string, c]));
  return { suites, suite, cases };
}

const properties = (suite: Node) =>
  Object.fromEntries(
    ((suite.properties as { property: Node[] }).property ?? []).map((p) => [p['@_name'], p['@_value']]),
  );

const children = (node: Node | undefined) => Object.keys(node ?? {}).filter((k) => !k.startsWith('@_'));

function render(run: RunResult) {
  const xml = renderJunit(run);
  expect(XMLValidator.validate(xml)).toBe(true);
  return { xml, ...parse(xml) };
}

describe('renderJunit', () => {
  it('is well-formed XML with the declaration first', () => {
    const xml = renderJunit(fixtureRun());
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="l2preflight" ')).toBe(
      true,
    );
  });

  it('counts tests, failures, errors and skips on the suites and the suite', () => {
    const { suites, suite } = render(fixtureRun());
    const counts = {
      '@_tests': '5',
      '@_failures': '1',
      '@_errors': '1',
      '@_skipped': '1',
      '@_time': '0.812',
    };
    expect(suites).toMatchObject({ '@_name': 'l2preflight', ...counts });
    expect(suite).toMatchObject({ '@_name': 'Base', ...counts });
  });

  it('writes one testcase per check with id, type and seconds', () => {
    const { cases } = render(fixtureRun());
    expect(Object.keys(cases)).toEqual(['head-fresh', 'eth-usd', 'fund', 'probe', 'later']);
    expect(cases.probe).toMatchObject({ '@_classname': 'reorg.probe', '@_time': '1.500' });
  });

  it('gives each status its JUnit element', () => {
    const { cases } = render(fixtureRun());
    expect(children(cases['head-fresh'])).toEqual([]);
    expect(children(cases['eth-usd'])).toEqual(['system-out']);
    expect(children(cases.fund)).toEqual(['failure']);
    expect(children(cases.probe)).toEqual(['error']);
    expect(children(cases.later)).toEqual(['skipped']);
    expect(cases.fund?.failure).toMatchObject({ '@_type': 'fail' });
    expect(cases.probe?.error).toMatchObject({
      '@_type': 'error',
      '@_message': 'could not measure: HTTP request failed',
    });
    expect(cases.later?.skipped).toMatchObject({ '@_message': 'skipped by --skip' });
  });

  it('puts observed, threshold and remediation in the failure body', () => {
    const { cases } = render(fixtureRun());
    const body = (cases.fund?.failure as Node | undefined)?.['#text'];
    expect(body).toBe(
      'fund holds <nothing> & "none" \'at all\'[31m\nobserved: 0 USD\nthreshold: >= 1,000,000 USD\nremediation: Reduce size.',
    );
  });

  it('counts a warning as a failure only with --fail-on warn', () => {
    const { suites, cases } = render(fixtureRun({ failOn: 'warn' }));
    expect(suites['@_failures']).toBe('2');
    expect(children(cases['eth-usd'])).toEqual(['failure']);
    expect(cases['eth-usd']?.failure).toMatchObject({ '@_type': 'warn' });
  });

  it('escapes markup and strips characters XML 1.0 forbids', () => {
    const { xml, cases } = render(fixtureRun());
    expect(xml).toContain(
      'message="fund holds &lt;nothing&gt; &amp; &quot;none&quot; &apos;at all&apos;[31m"',
    );
    const forbidden = Array.from(xml).filter((c) => c < ' ' && c !== '\t' && c !== '\n' && c !== '\r');
    expect(forbidden).toEqual([]);
    expect(cases.fund?.failure).toMatchObject({
      '@_message': 'fund holds <nothing> & "none" \'at all\'[31m',
    });
  });

  it('keeps markup in the venue name, ids and types well-formed', () => {
    const run = fixtureRun();
    run.venue = { ...run.venue, name: 'A&B <"test">' };
    run.results = run.results.map((r) => ({ ...r, id: `${r.id}<&>`, type: `${r.type}"'` }));
    const { suite, cases } = render(run);
    expect(suite['@_name']).toBe('A&B <"test">');
    expect(cases['fund<&>']).toMatchObject({ '@_classname': 'insurance.fund"\'' });
  });

  it('keeps line breaks in a message attribute', () => {
    const run = fixtureRun();
    run.results = run.results.map((r) =>
      r.status === 'fail' ? { ...r, message: 'first line\nsecond line' } : r,
    );
    const { xml } = render(run);
    expect(xml).toContain('<failure message="first line&#10;second line" type="fail">');
    const decoded = new XMLParser({ ignoreAttributes: false, htmlEntities: true }).parse(xml);
    expect(decoded.testsuites.testsuite.testcase[2].failure['@_message']).toBe('first line\nsecond line');
  });

  it('carries the verdict as a suite property, so an all-skipped run is not read as a green one', () => {
    const skipped = fixtureRun().results.filter((r) => r.status === 'skip');
    const { suite } = render(fixtureRun({ results: skipped }));
    expect(properties(suite).verdict).toBe('NO VERDICT');
    expect(properties(render(fixtureRun()).suite).verdict).toBe('HOLD');
  });

  it('says why there is no verdict, how many checks ran, and which the deadline cut', () => {
    expect(properties(render(unmeasuredRun(['probe'])).suite)).toEqual({
      verdict: 'NO VERDICT',
      verdictReason: 'critical check probe could not measure: HTTP request failed',
      checksRun: '1',
      checksInChecklist: '4',
      cutByDeadline: 'probe',
    });
    expect(properties(render(fixtureRun()).suite)).toMatchObject({ checksRun: '4', checksInChecklist: '7' });
  });

  it('never puts the fail remediation under an error, but what to do about the measurement', () => {
    const { cases } = render(fixtureRun({ results: resultsWithErrorRemediation() }));
    const body = String((cases.probe?.error as Node | undefined)?.['#text'] ?? '');
    expect(body).not.toContain('Error remediation');
    expect(body).toContain('what to do: nothing about the venue was measured: check the endpoint');
  });
});
