import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { fixtureRun, HOSTILE, unmeasuredRun } from './fixtures.js';

const RUN_KEYS = [
  'schemaVersion',
  'tool',
  'checklist',
  'venue',
  'startedAt',
  'durationMs',
  'verdict',
  'summary',
  'results',
  'failOn',
  'endpoints',
  'verdictReason',
  'checksRun',
  'checksInChecklist',
  'cutByDeadline',
];

describe('renderJson', () => {
  const text = renderJson(fixtureRun());
  const parsed = JSON.parse(text);

  it('is pretty-printed with two spaces and ends with one newline', () => {
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('}\n\n')).toBe(false);
  });

  it('writes the run keys in the DESIGN order', () => {
    expect(Object.keys(parsed)).toEqual(RUN_KEYS);
  });

  it('keeps the public DESIGN shape', () => {
    expect(parsed).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'l2preflight', version: '0.1.0' },
      checklist: 'checks/base.yaml',
      venue: { name: 'Base', stack: 'op-stack', l2ChainId: 8453, l1ChainId: 1 },
      startedAt: '2026-11-24T10:00:00.000Z',
      durationMs: 812,
      verdict: 'HOLD',
      summary: { pass: 1, warn: 1, fail: 1, error: 1, skip: 1 },
      failOn: 'fail',
      endpoints: [{ chain: 'l2', url: 'https://mainnet.base.org', requests: 3, failures: 0 }],
    });
    expect(Object.keys(parsed.summary)).toEqual(['pass', 'warn', 'fail', 'error', 'skip']);
    expect(parsed.results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      ['head-fresh', 'pass'],
      ['eth-usd', 'warn'],
      ['fund', 'fail'],
      ['probe', 'error'],
      ['later', 'skip'],
    ]);
  });

  it('orders each result id, type, severity, status, observed, threshold, message, remediation, durationMs, evidence, tags, description', () => {
    expect(Object.keys(parsed.results[0])).toEqual([
      'id',
      'type',
      'severity',
      'status',
      'observed',
      'threshold',
      'message',
      'remediation',
      'durationMs',
      'evidence',
      'tags',
    ]);
    expect(Object.keys(parsed.results[1])).toEqual([
      'id',
      'type',
      'severity',
      'status',
      'observed',
      'threshold',
      'message',
      'remediation',
      'durationMs',
      'tags',
      'description',
    ]);
  });

  it('omits fields a result does not have instead of writing null', () => {
    expect(Object.keys(parsed.results[3])).toEqual([
      'id',
      'type',
      'severity',
      'status',
      'message',
      'durationMs',
      'tags',
      'description',
      'errorKind',
    ]);
    expect(Object.keys(parsed.results[4])).toEqual([
      'id',
      'type',
      'severity',
      'status',
      'message',
      'remediation',
      'durationMs',
      'tags',
    ]);
    expect(text).not.toContain('null');
  });

  it('says why an error result could not measure in errorKind, appended after the older keys', () => {
    expect(parsed.results[3]).toMatchObject({ status: 'error', errorKind: 'rpc' });
    const notApplicable = fixtureRun({
      results: [
        {
          id: 'divergence',
          type: 'sequencer.rpc-divergence',
          severity: 'warning',
          status: 'skip',
          message: 'not applicable: one endpoint',
          errorKind: 'not-applicable',
          tags: [],
          durationMs: 0,
        },
      ],
    });
    expect(JSON.parse(renderJson(notApplicable)).results[0].errorKind).toBe('not-applicable');
  });

  it("carries a measured result's limit beside its value, appended after the older keys", () => {
    const measured = fixtureRun({
      results: [
        {
          id: 'head-fresh',
          type: 'sequencer.head-age',
          severity: 'critical',
          status: 'fail',
          observed: '1m 35s',
          threshold: '<= 30s',
          message: 'latest L2 block 7 is 1m 35s old',
          value: 95,
          unit: 'seconds',
          limit: { value: 30, kind: 'max' },
          tags: [],
          durationMs: 3,
        },
      ],
    });
    const [result] = JSON.parse(renderJson(measured)).results;
    expect(result).toMatchObject({ value: 95, unit: 'seconds', limit: { value: 30, kind: 'max' } });
    expect(Object.keys(result).at(-1)).toBe('limit');
  });

  it('writes bigints anywhere in evidence as decimal strings', () => {
    expect(parsed.results[0].evidence).toEqual({
      block: '7',
      window: ['1', '2'],
      nested: { wei: '1000000000000000000000000000000' },
    });
  });

  it('round-trips hostile message text exactly', () => {
    expect(parsed.results[2].message).toBe(HOSTILE);
  });

  it('says why there is no verdict, how many checks ran, and which the deadline cut', () => {
    expect(parsed).toMatchObject({
      verdictReason: '1 check(s) at or above --fail-on fail: fund; 1 could not measure: probe',
      checksRun: 4,
      checksInChecklist: 7,
      cutByDeadline: [],
    });
    const none = JSON.parse(renderJson({ ...unmeasuredRun(['probe']), deadlineMs: 4700 }));
    expect(none).toMatchObject({
      verdict: 'NO VERDICT',
      verdictReason: 'critical check probe could not measure: HTTP request failed',
      checksRun: 1,
      deadlineMs: 4700,
      cutByDeadline: ['probe'],
    });
  });
});
