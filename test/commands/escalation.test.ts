/**
 * One checklist's escalation paths (owner, runbook and escalation in defaults, overridden on one
 * check) reach every format through the real CLI against the devnet with a stale oracle: the JSON
 * report, Markdown, JUnit, Prometheus, and each --notify payload as a loopback receiver (and a real
 * Alertmanager, when installed) gets it. Renderer by renderer: test/report/escalation.test.ts.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVNET_ADDRESSES } from '../../src/devnet/constants.js';
import { cli } from '../helpers/cli.js';
import { startAlertmanager } from '../helpers/prometheus.js';
import { promTool } from '../helpers/serve.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario } from '../helpers/venue.js';
import { receiver } from '../helpers/webhook.js';

const DEFAULT_PATH = {
  owner: 'perps-risk',
  runbook: 'https://wiki.example.com/runbooks/devnet',
  escalation: '#perps-oncall, then the desk lead',
};
/** eth-usd names its own owner and runbook; its escalation still comes from the defaults. */
const ETH_USD_PATH = {
  owner: 'oracle-desk',
  runbook: 'https://wiki.example.com/runbooks/eth-usd',
  escalation: DEFAULT_PATH.escalation,
};

function checklistYaml(venue: TestVenue): string {
  return `version: 1
name: Escalation paths
venue:
  name: escalation devnet
  stack: evm
  l2:
    chainId: 901
    rpc: ["${venue.node.url}"]
  contracts:
    ethUsdFeed: "${DEVNET_ADDRESSES.ethUsdFeed}"
defaults:
  timeout: 10s
  owner: ${DEFAULT_PATH.owner}
  runbook: ${DEFAULT_PATH.runbook}
  escalation: "${DEFAULT_PATH.escalation}"
checks:
  - id: head-fresh
    type: sequencer.head-age
    max: 1h
  - id: eth-usd
    type: oracle.chainlink
    feed: $ethUsdFeed
    maxAge: 1h
    remediation: Do not route; the price is stale.
    owner: ${ETH_USD_PATH.owner}
    runbook: ${ETH_USD_PATH.runbook}
  - id: eth-usd-soft
    type: oracle.chainlink
    feed: $ethUsdFeed
    maxAge: 2h
    severity: warning
`;
}

let venue: TestVenue;
let dir: string;
let file: string;
let hook: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  venue = await sharedTestVenue();
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-escalation-'));
  file = join(dir, 'escalation.yaml');
  await writeFile(file, checklistYaml(venue));
  hook = await receiver();
  // The feed's latest round is 3 h old: eth-usd fails (critical), eth-usd-soft warns.
  await applyScenario(venue, 'stale-oracle');
}, 120_000);

afterAll(async () => {
  await hook?.close();
});

const run = (state: string, ...args: string[]) =>
  cli(['run', file, '--state', join(dir, state), ...args], {}, dir);

describe('owner, runbook and escalation from the checklist, through the real CLI', () => {
  it('reach the JSON report, Markdown, JUnit and Prometheus of one run', async () => {
    const result = await run(
      'reports',
      '--format',
      'json',
      '--report',
      `markdown=${join(dir, 'report.md')}`,
      '--report',
      `junit=${join(dir, 'report.xml')}`,
      '--report',
      `prometheus=${join(dir, 'report.prom')}`,
    );
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { results: Record<string, unknown>[] };
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId['head-fresh']).toMatchObject({ status: 'pass', ...DEFAULT_PATH });
    expect(byId['eth-usd']).toMatchObject({ status: 'fail', ...ETH_USD_PATH });
    expect(byId['eth-usd-soft']).toMatchObject({ status: 'warn', ...DEFAULT_PATH });

    const markdown = await readFile(join(dir, 'report.md'), 'utf8');
    expect(markdown).toContain(
      [
        '- **eth-usd**: Do not route; the price is stale.',
        '  - owner: oracle-desk',
        '  - runbook: <https://wiki.example.com/runbooks/eth-usd>',
        '  - escalation: #perps-oncall, then the desk lead',
        '- **eth-usd-soft**',
        '  - owner: perps-risk',
      ].join('\n'),
    );

    const junit = await readFile(join(dir, 'report.xml'), 'utf8');
    expect(junit).toMatch(
      /<failure [^>]*type="fail">[^<]*\nowner: oracle-desk\nrunbook: https:\/\/wiki\.example\.com\/runbooks\/eth-usd\nescalation: #perps-oncall, then the desk lead<\/failure>/,
    );

    const prometheus = parsePrometheusTextFormat(await readFile(join(dir, 'report.prom'), 'utf8'));
    const info = prometheus.find((f) => f.name === 'l2preflight_check_owner_info')?.metrics ?? [];
    expect(info.map((m) => [m.labels?.id, m.labels?.owner, m.labels?.runbook_url])).toEqual([
      ['head-fresh', DEFAULT_PATH.owner, DEFAULT_PATH.runbook],
      ['eth-usd', ETH_USD_PATH.owner, ETH_USD_PATH.runbook],
      ['eth-usd-soft', DEFAULT_PATH.owner, DEFAULT_PATH.runbook],
    ]);
  });

  it('reach each --notify payload: json, Alertmanager (owner label, runbook_url annotation) and Slack', async () => {
    const sent = (before: number) => hook.bodies.slice(before);

    let before = hook.bodies.length;
    expect((await run('json', '--notify', hook.url)).code).toBe(1);
    const [json] = sent(before) as { problems: Record<string, unknown>[] }[];
    expect(json?.problems).toEqual([
      expect.objectContaining({ id: 'eth-usd', status: 'fail', ...ETH_USD_PATH }),
      expect.objectContaining({ id: 'eth-usd-soft', status: 'warn', ...DEFAULT_PATH }),
    ]);

    before = hook.bodies.length;
    const alertmanagerUrl = new URL('/api/v2/alerts', hook.url).href;
    expect((await run('alertmanager', '--notify', alertmanagerUrl)).code).toBe(1);
    const [alerts] = sent(before) as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[][];
    const ethUsd = alerts?.find((a) => a.labels.check_id === 'eth-usd');
    expect(ethUsd?.labels).toMatchObject({ alertname: 'L2PreflightCheckFailing', owner: 'oracle-desk' });
    expect(ethUsd?.annotations).toMatchObject({
      runbook_url: ETH_USD_PATH.runbook,
      escalation: ETH_USD_PATH.escalation,
    });
    expect(alerts?.find((a) => a.labels.check_id === 'eth-usd-soft')?.labels.owner).toBe('perps-risk');

    before = hook.bodies.length;
    expect((await run('slack', '--notify', hook.url, '--notify-format', 'slack')).code).toBe(1);
    const [slack] = sent(before) as { blocks: { text?: { text: string } }[] }[];
    const text = (slack?.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');
    expect(text).toContain('• *eth-usd* fail: ');
    expect(text).toContain(
      '    owner: oracle-desk · <https://wiki.example.com/runbooks/eth-usd|runbook> · escalation: #perps-oncall, then the desk lead',
    );
  });

  const alertmanagerBinary = promTool('prometheus-alertmanager');
  it.skipIf(!alertmanagerBinary)(
    'a real Alertmanager keeps the owner label and the runbook_url annotation',
    async () => {
      const alertmanager = await startAlertmanager(alertmanagerBinary ?? 'prometheus-alertmanager');
      try {
        const result = await run('real-am', '--notify', `${alertmanager.url}/api/v2/alerts`);
        expect(result.code, result.stderr).toBe(1);
        const held = (await alertmanager.alerts()).find(
          (a) => a.labels.alertname === 'L2PreflightCheckFailing' && a.labels.check_id === 'eth-usd',
        );
        expect(held?.labels.owner).toBe('oracle-desk');
        expect(held?.annotations).toMatchObject({
          runbook_url: ETH_USD_PATH.runbook,
          escalation: ETH_USD_PATH.escalation,
        });
      } finally {
        await alertmanager.stop();
      }
    },
    60_000,
  );

  // Spawned without a terminal, the CLI prints the wide table; the compact layout's escalation lines are
  // asserted on the renderer (test/report/tableLayout.test.ts), since only a terminal's width selects it.
  it('reach the table and the HTML report', async () => {
    const table = await run('table', '--format', 'table');
    expect(table.code, table.stderr).toBe(1);
    for (const line of ['owner: oracle-desk', `runbook: ${ETH_USD_PATH.runbook}`, 'owner: perps-risk'])
      expect(table.stdout).toContain(line);
    expect(table.stdout).toContain(`escalation: ${ETH_USD_PATH.escalation}`);
    const html = await run('html', '--format', 'html');
    expect(html.code, html.stderr).toBe(1);
    expect(html.stdout).toContain('oracle-desk');
    expect(html.stdout).toContain(`href="${ETH_USD_PATH.runbook}"`);
    expect(html.stdout).toContain(ETH_USD_PATH.escalation);
  });
});
