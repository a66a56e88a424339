/**
 * owner, runbook and escalation under each problem, renderer by renderer (pure: a RunResult in). The
 * end-to-end test that one checklist's values reach every format through the real CLI is
 * test/commands/escalation.test.ts.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { alertmanagerPayload, jsonPayload, slackPayload } from '../../src/commands/notifyPayloads.js';
import type { CheckResult } from '../../src/core/result.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderPrometheus } from '../../src/report/prometheus.js';
import { fixtureResults, fixtureRun } from './fixtures.js';

const PATH = {
  owner: 'perps-risk',
  runbook: 'https://wiki.example/runbooks/venue?team=perps&page=1',
  escalation: '#perps-oncall, then <desk lead> & "risk"',
};

/** Every result carries the path, as a checklist's defaults would give it; `fund` has its own owner. */
function run() {
  const results = fixtureResults().map(
    (r): CheckResult => ({ ...r, ...PATH, ...(r.id === 'fund' ? { owner: 'treasury' } : {}) }),
  );
  return fixtureRun({ results });
}

describe('escalation paths in the reports', () => {
  it('JSON: on every result, as fields', () => {
    const results = JSON.parse(renderJson(run())).results as Record<string, unknown>[];
    for (const result of results) expect(result).toMatchObject({ runbook: PATH.runbook });
    expect(results.find((r) => r.id === 'fund')).toMatchObject({ owner: 'treasury' });
    expect(results.find((r) => r.id === 'eth-usd')).toMatchObject(PATH);
  });

  it('Markdown: nested under each warn, fail and error, escaped, the runbook a link; not under pass or skip', () => {
    const markdown = renderMarkdown(run());
    expect(markdown).toContain(
      [
        '- **eth-usd**: Wait for a round.',
        '  - owner: perps-risk',
        '  - runbook: <https://wiki.example/runbooks/venue?team=perps&page=1>',
        '  - escalation: #perps-oncall, then &lt;desk lead&gt; &amp; "risk"',
        '- **fund**: Reduce size.',
        '  - owner: treasury',
      ].join('\n'),
    );
    expect(markdown).toMatch(
      /- \*\*probe\*\*: nothing about the venue was measured[^\n]*\n {2}- owner: perps-risk\n/,
    );
    // pass, warn, fail and error are 4 results; only the 3 problems get the path.
    expect(markdown.match(/ {2}- runbook: /g)).toHaveLength(3);
  });

  it('Markdown: a problem with a path and no remediation still gets its bullet', () => {
    const results = run().results.map((r) => (r.id === 'fund' ? { ...r, remediation: undefined } : r));
    expect(renderMarkdown(fixtureRun({ results }))).toContain('- **fund**\n  - owner: treasury\n');
  });

  it("JUnit: in the failure and error text, escaped, and in a warning's system-out", () => {
    const xml = renderJunit(run());
    expect(xml).toMatch(
      /<failure message="[^"]*" type="fail">[^<]*remediation: Reduce size\.\nowner: treasury\nrunbook: https:\/\/wiki\.example\/runbooks\/venue\?team=perps&amp;page=1\nescalation: #perps-oncall, then &lt;desk lead&gt; &amp; &quot;risk&quot;<\/failure>/,
    );
    expect(xml).toMatch(/<error message="[^"]*" type="error">[^<]*owner: perps-risk\n/);
    expect(xml).toMatch(/<system-out>warning: [^<]*owner: perps-risk\n/);
    expect(xml.match(/owner: /g)).toHaveLength(3);
  });

  it('Prometheus: one owner info series per check, owner and runbook_url labels, no escalation text', () => {
    const families = parsePrometheusTextFormat(renderPrometheus(run()));
    const info = families.find((f) => f.name === 'l2preflight_check_owner_info');
    expect(info?.metrics).toHaveLength(5);
    expect(info?.metrics.find((m) => m.labels?.id === 'fund')).toMatchObject({
      value: '1',
      labels: { checklist: 'checks/base.yaml', venue: 'Base', owner: 'treasury', runbook_url: PATH.runbook },
    });
    expect(JSON.stringify(info)).not.toContain('perps-oncall');
  });

  it('Prometheus: no owner family at all when no check names one', () => {
    expect(renderPrometheus(fixtureRun())).not.toContain('owner_info');
  });
});

describe('escalation paths in the notifications', () => {
  it('json: on each problem', () => {
    const { problems } = jsonPayload(run(), undefined);
    expect(problems.map((p) => p.id)).toEqual(['eth-usd', 'fund', 'probe']);
    expect(problems[0]).toMatchObject(PATH);
    expect(problems[1]).toMatchObject({ owner: 'treasury' });
    expect(jsonPayload(fixtureRun(), undefined).problems[0]).toEqual({
      id: 'eth-usd',
      status: 'warn',
      message: 'ETH / USD: last update 2h ago',
    });
  });

  it('Alertmanager: owner a label (in the resolving alert too), runbook_url and escalation annotations', () => {
    const alerts = alertmanagerPayload(run(), {
      statuses: { fund: 'warn' },
      verdict: 'HOLD',
    } as unknown as Parameters<typeof alertmanagerPayload>[1]);
    const fund = alerts.filter((a) => a.labels.check_id === 'fund');
    expect(fund.map((a) => [a.labels.status, a.labels.owner, a.endsAt === undefined])).toEqual([
      ['fail', 'treasury', true],
      ['warn', 'treasury', false],
    ]);
    expect(fund[0]?.annotations).toMatchObject({ runbook_url: PATH.runbook, escalation: PATH.escalation });
    const ethUsd = alerts.find((a) => a.labels.check_id === 'eth-usd');
    expect(ethUsd?.labels.owner).toBe('perps-risk');
    expect(alertmanagerPayload(fixtureRun(), undefined).some((a) => 'owner' in a.labels)).toBe(false);
  });

  it('Slack: a line under each problem, the runbook a link, text escaped as mrkdwn wants', () => {
    const section = slackPayload(run(), undefined).blocks[1] as { text: { text: string } };
    expect(section.text.text).toContain(
      '\n    owner: treasury · <https://wiki.example/runbooks/venue?team=perps&amp;page=1|runbook> · escalation: #perps-oncall, then &lt;desk lead&gt; &amp; "risk"',
    );
    expect(section.text.text.match(/\|runbook>/g)).toHaveLength(3);
  });
});
