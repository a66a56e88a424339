import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/result.js';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import type { RunRecord } from '../../src/state/runs.js';
import { fixtureResults, fixtureRun, HOSTILE } from './fixtures.js';

type Node = Record<string, unknown>;

/** The document as a tree (the report is well-formed XML as well as HTML, so an XML parser reads it). */
function parse(html: string): Node {
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(html);
}

/** Every element named `tag` under `node`, in document order. */
function all(node: unknown, tag: string): Node[] {
  if (Array.isArray(node)) return node.flatMap((item) => all(item, tag));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const own =
      key === tag ? (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'object') : [];
    return [...(own as Node[]), ...all(value, tag)];
  });
}

function section(doc: Node, id: string): Node {
  const found = all(doc, 'section').find((s) => s['data-check'] === id);
  if (!found) throw new Error(`no section for ${id}`);
  return found;
}

/** The fixture's results with head-fresh and fund measured, as a run of the engine would record them. */
function measuredResults(): CheckResult[] {
  return fixtureResults().map((r) => {
    if (r.id === 'head-fresh' && r.status === 'pass')
      return { ...r, value: 1, unit: 'seconds' as const, limit: { value: 30, kind: 'max' as const } };
    if (r.id === 'fund' && r.status === 'fail')
      return { ...r, value: 0, unit: 'usd' as const, limit: { value: 1_000_000, kind: 'min' as const } };
    return r;
  });
}

function record(
  startedAt: string,
  values: RunRecord['values'],
  statuses: RunRecord['statuses'] = {},
): RunRecord {
  return {
    startedAt,
    durationMs: 10,
    verdict: 'ROUTE',
    summary: { pass: 1, warn: 0, fail: 0, error: 0, skip: 0 },
    statuses,
    values,
  };
}

const PAST: RunRecord[] = [
  record('2026-11-24T07:00:00.000Z', {
    'head-fresh': { value: 4, unit: 'seconds', limit: { value: 30, kind: 'max' } },
    fund: { value: 2_000_000, unit: 'usd', limit: { value: 1_000_000, kind: 'min' } },
  }),
  record('2026-11-24T08:00:00.000Z', {
    'head-fresh': { value: 45, unit: 'seconds', limit: { value: 30, kind: 'max' } },
  }),
  // head-fresh could not measure in this run: the line breaks here
  record('2026-11-24T09:00:00.000Z', {
    fund: { value: 1_500_000, unit: 'usd', limit: { value: 1_000_000, kind: 'min' } },
  }),
];

describe('renderHtml', () => {
  it('is one well-formed document with a section per check and its status, problems first', () => {
    const run = fixtureRun({ results: measuredResults() });
    const html = renderHtml(run, PAST);
    expect(XMLValidator.validate(html)).toBe(true);
    const doc = parse(html);
    const sections = all(doc, 'section');
    // what is wrong first (fail, error, warn), then the rest in the checklist's order
    expect(sections.map((s) => [s['data-check'], s['data-status']])).toEqual([
      ['fund', 'fail'],
      ['probe', 'error'],
      ['eth-usd', 'warn'],
      ['head-fresh', 'pass'],
      ['later', 'skip'],
    ]);
    expect(run.results.map((r) => r.id)).toEqual(['head-fresh', 'eth-usd', 'fund', 'probe', 'later']);
    expect(all(doc, 'header')[0]?.['data-verdict']).toBe('HOLD');
    expect(html).toContain('fund, probe at or above --fail-on fail');
  });

  it('escapes what chains write, and shows control characters instead of sending them', () => {
    const results = measuredResults().map((r) =>
      r.id === 'fund'
        ? {
            ...r,
            id: 'fund"><script>x</script>',
            observed: '<b>0</b>',
            escalation: '<img src=x onerror=alert(1)>',
          }
        : r,
    );
    const html = renderHtml(fixtureRun({ results }), []);
    expect(XMLValidator.validate(html)).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>0</b>');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u0007');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(escapeHtml(HOSTILE)).toBe(
      'fund holds &lt;nothing&gt; &amp; &quot;none&quot; &#39;at all&#39;\\x07\\x1b[31m',
    );
    // read back through a parser, the text is what the chain said
    const doc = parse(html);
    expect(all(doc, 'section').map((s) => s['data-check'])).toContain('fund"><script>x</script>');
  });

  it('requests nothing: no script, stylesheet, image, font or frame, and a policy that forbids them', () => {
    const html = renderHtml(fixtureRun({ results: measuredResults() }), PAST);
    for (const tag of [
      '<script',
      '<link',
      '<img',
      '<iframe',
      '<object',
      '<embed',
      '@import',
      'url(',
      ' src=',
    ]) {
      expect(html).not.toContain(tag);
    }
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('shows remediation under a failure, advice under an error, and the escalation path', () => {
    const results = measuredResults().map((r) =>
      r.id === 'fund'
        ? { ...r, owner: 'risk desk', runbook: 'https://runbooks.example/fund', escalation: '#perps-oncall' }
        : r.id === 'eth-usd'
          ? { ...r, runbook: 'javascript:alert(1)' }
          : r,
    );
    const html = renderHtml(fixtureRun({ results }), []);
    const doc = parse(html);
    const fund = JSON.stringify(section(doc, 'fund'));
    expect(fund).toContain('Reduce size.');
    expect(fund).toContain('risk desk');
    expect(fund).toContain('#perps-oncall');
    expect(html).toContain('<a href="https://runbooks.example/fund" rel="noopener noreferrer">');
    expect(html).not.toContain('href="javascript:');
    expect(JSON.stringify(section(doc, 'eth-usd'))).toContain('javascript:alert(1)'); // as text
    expect(JSON.stringify(section(doc, 'probe'))).toContain('nothing about the venue was measured');
    expect(html).not.toContain('Pass remediation must not be shown.');
    expect(html).not.toContain('Skip remediation must not be shown.');
  });

  it("charts each measured check's recorded values, this run last, with its limit", () => {
    const run = fixtureRun({ results: measuredResults() });
    const doc = parse(renderHtml(run, PAST));
    const head = section(doc, 'head-fresh');
    const points = all(head, 'circle');
    expect(points.map((p) => [Number(p['data-value']), p['data-started-at']])).toEqual([
      [4, '2026-11-24T07:00:00.000Z'],
      [45, '2026-11-24T08:00:00.000Z'],
      [1, run.startedAt],
    ]);
    const [limit] = all(head, 'line');
    expect(limit).toMatchObject({ 'data-limit': '30', 'data-kind': 'max' });
    const limitY = Number(limit?.y1);
    const ys = points.map((p) => Number(p.cy));
    // SVG's y grows downwards: the value above the limit is drawn above its line, the others below
    expect(ys[1]).toBeLessThan(limitY);
    expect(ys[0]).toBeGreaterThan(limitY);
    expect(ys[2]).toBeGreaterThan(ys[0] as number);
    // the run that did not measure head-fresh breaks the line: two segments
    expect(String(all(head, 'path')[0]?.d).match(/M/g)).toHaveLength(2);
    // the x axis is the run's place in the history, shared by every chart of the page
    const fundPoints = all(section(doc, 'fund'), 'circle');
    expect(fundPoints.map((p) => Number(p['data-value']))).toEqual([2_000_000, 1_500_000, 0]);
    expect(fundPoints[0]?.cx).toBe(points[0]?.cx);
    expect(fundPoints[2]?.cx).toBe(points[2]?.cx);
  });

  it('says a check that could not measure in this run was not measured, not that its last value is now', () => {
    const results = fixtureResults().map(
      (r): CheckResult =>
        r.id === 'head-fresh'
          ? { ...r, status: 'error', errorKind: 'rpc', message: 'could not measure: refused' }
          : r,
    );
    const doc = parse(renderHtml(fixtureRun({ results }), PAST));
    const head = section(doc, 'head-fresh');
    const svg = all(head, 'svg')[0];
    expect(String(svg?.['aria-label'])).toContain(
      'not measured in this run; last 45s at 2026-11-24T08:00:00.000Z',
    );
    expect(String(svg?.['aria-label'])).not.toContain('now');
    expect(all(head, 'line').find((l) => l.class === 'unmeasured')).toBeDefined();
    // records that carry no status for the check are drawn neutral, never as a pass
    expect(all(head, 'circle').map((c) => c.class)).toEqual(['s-unknown', 's-unknown']);
  });

  it('does not chart this run twice when the history already ends with it, nor checks without a value', () => {
    const run = fixtureRun({ results: measuredResults() });
    const withThisRun = [
      ...PAST,
      record(run.startedAt, {
        'head-fresh': { value: 1, unit: 'seconds', limit: { value: 30, kind: 'max' } },
      }),
    ];
    const doc = parse(renderHtml(run, withThisRun));
    expect(all(section(doc, 'head-fresh'), 'circle')).toHaveLength(3);
    expect(all(section(doc, 'probe'), 'circle')).toHaveLength(0);
    expect(all(section(doc, 'probe'), 'svg')).toHaveLength(0);
  });
});
