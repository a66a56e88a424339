import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { fixtureResults, fixtureRun, unmeasuredRun } from './fixtures.js';

describe('renderPrometheus', () => {
  it('parses as Prometheus text format with run and per-check families', () => {
    const results = fixtureResults();
    const head = results[0];
    if (head?.status === 'pass') Object.assign(head, { value: 1.5, unit: 'seconds' });
    const run = fixtureRun({ results });
    const families = parsePrometheusTextFormat(renderPrometheus(run));
    const byName = Object.fromEntries(families.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual([
      'l2preflight_check_duration_seconds',
      'l2preflight_check_status',
      'l2preflight_check_value',
      'l2preflight_run_checks_cut_by_deadline',
      'l2preflight_run_checks_in_checklist',
      'l2preflight_run_checks_run',
      'l2preflight_run_duration_seconds',
      'l2preflight_run_timestamp_seconds',
      'l2preflight_run_verdict',
      'l2preflight_run_verdict_cause',
      'l2preflight_run_verdict_route',
    ]);
    expect(byName.l2preflight_run_checks_run?.metrics[0]?.value).toBe('4');
    expect(byName.l2preflight_run_checks_in_checklist?.metrics[0]?.value).toBe('7');
    expect(byName.l2preflight_run_verdict_cause?.metrics[0]?.labels).toMatchObject({
      verdict: 'HOLD',
      cause: 'failed',
    });
    for (const family of families) expect(family.type).toBe('GAUGE');
    expect(byName.l2preflight_run_verdict_route?.metrics[0]?.value).toBe('0');
    expect(byName.l2preflight_run_verdict?.metrics.map((m) => `${m.labels?.verdict}=${m.value}`)).toEqual([
      'ROUTE=0',
      'HOLD=1',
      'NO VERDICT=0',
    ]);
    expect(Number(byName.l2preflight_run_timestamp_seconds?.metrics[0]?.value)).toBe(
      Date.parse(run.startedAt) / 1000,
    );

    const statuses = byName.l2preflight_check_status?.metrics ?? [];
    expect(statuses).toHaveLength(run.results.length * 5);
    const on = statuses.filter((m) => m.value === '1').map((m) => `${m.labels?.id}=${m.labels?.status}`);
    expect(on).toEqual(run.results.map((r) => `${r.id}=${r.status}`));

    expect(byName.l2preflight_check_value?.metrics).toEqual([
      {
        value: '1.5',
        labels: expect.objectContaining({ id: 'head-fresh', unit: 'seconds', checklist: 'checks/base.yaml' }),
      },
    ]);
  });

  it('escapes label values so a hostile venue name cannot break the exposition', () => {
    const run = fixtureRun();
    run.venue.name = 'Base "mainnet"\\\nnext';
    const families = parsePrometheusTextFormat(renderPrometheus(run));
    expect(families.find((f) => f.name === 'l2preflight_run_verdict_route')?.metrics[0]?.labels?.venue).toBe(
      'Base "mainnet"\\\nnext',
    );
  });

  it('tells a run with nothing critical measured from a HOLD and from a ROUTE', () => {
    const skipped = fixtureResults().filter((r) => r.status === 'skip');
    const families = parsePrometheusTextFormat(renderPrometheus(fixtureRun({ results: skipped })));
    const byName = Object.fromEntries(families.map((f) => [f.name, f]));
    expect(byName.l2preflight_run_verdict_route?.metrics[0]?.value).toBe('0');
    expect(byName.l2preflight_run_verdict?.metrics.map((m) => `${m.labels?.verdict}=${m.value}`)).toEqual([
      'ROUTE=0',
      'HOLD=0',
      'NO VERDICT=1',
    ]);
  });

  it('says why there is no verdict (a cause label, the sentence as a comment) and what the deadline cut', () => {
    const text = renderPrometheus(unmeasuredRun(['probe']));
    const byName = Object.fromEntries(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    expect(byName.l2preflight_run_verdict_cause?.metrics[0]?.labels).toMatchObject({
      verdict: 'NO VERDICT',
      cause: 'could-not-measure',
    });
    expect(byName.l2preflight_run_checks_cut_by_deadline?.metrics[0]?.value).toBe('1');
    expect(text).toContain('# verdict reason: critical check probe could not measure: HTTP request failed\n');
  });
});
