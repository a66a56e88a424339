/**
 * `--notify` delivers what real receivers accept: a real Alertmanager takes the alerts (read back from
 * its API, with check id, severity and remediation) and resolves them when the venue recovers; Slack's
 * message has the `text` Slack requires; `--notify-on` says a HOLD that persists again.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { cli } from '../helpers/cli.js';
import { type RunningAlertmanager, startAlertmanager } from '../helpers/prometheus.js';
import { promTool } from '../helpers/serve.js';
import { applyScenario, startTestVenue } from '../helpers/venue.js';
import { receiver } from '../helpers/webhook.js';

const binary = promTool('prometheus-alertmanager');
if (!binary)
  console.warn("skipped: prometheus-alertmanager is not on PATH (install Debian's prometheus-alertmanager)");

let venue: RunningVenue;
let dir: string;
let hook: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  venue = await startTestVenue();
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-notify-'));
  hook = await receiver();
  await applyScenario(venue, 'stale-oracle');
}, 120_000);

afterAll(async () => {
  await hook?.close();
  await venue?.stop();
});

const run = (state: string, ...args: string[]) =>
  cli(
    ['run', 'checks/devnet.yaml', '--format', 'json', '--state', join(dir, state), ...args],
    devnetEnvironment(venue),
  );

describe.skipIf(!binary)('--notify to a real Alertmanager', () => {
  let alertmanager: RunningAlertmanager;
  beforeAll(async () => {
    alertmanager = await startAlertmanager(binary ?? 'prometheus-alertmanager');
  }, 60_000);
  afterAll(() => alertmanager?.stop());

  it('posts the HOLD and each failing check, with check id, severity and remediation, and Alertmanager holds them', async () => {
    const result = await run('am', '--notify', `${alertmanager.url}/api/v2/alerts`);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).not.toContain('--notify');
    const report = JSON.parse(result.stdout) as {
      results: { id: string; status: string; severity: string; remediation?: string }[];
    };
    const failed = report.results.find((r) => r.id === 'eth-usd');
    expect(failed?.status).toBe('fail');

    const alerts = await alertmanager.alerts();
    const hold = alerts.find((a) => a.labels.alertname === 'L2PreflightHold');
    expect(hold?.labels.severity).toBe('critical');
    expect(hold?.labels.checklist).toBe('checks/devnet.yaml');
    expect(hold?.status.state).toBe('active');
    const check = alerts.find(
      (a) => a.labels.alertname === 'L2PreflightCheckFailing' && a.labels.check_id === 'eth-usd',
    );
    expect(check?.labels).toMatchObject({
      severity: 'critical',
      status: 'fail',
      check_type: 'oracle.chainlink',
    });
    expect(check?.annotations.remediation).toBe(failed?.remediation);
    expect(check?.annotations.summary).toMatch(/^eth-usd: /);
  });

  it('resolves them when the venue is back to ROUTE', async () => {
    await applyScenario(venue, 'healthy');
    try {
      const result = await run('am', '--notify', `${alertmanager.url}/api/v2/alerts`);
      expect(result.code, result.stdout).toBe(0);
      const stillActive = (await alertmanager.alerts()).filter(
        (a) =>
          a.labels.checklist === 'checks/devnet.yaml' &&
          a.status.state === 'active' &&
          Date.parse(a.endsAt) > Date.now(),
      );
      // What still fires is what this ROUTE run still has a problem with (a warning), nothing else.
      const report = JSON.parse(result.stdout) as { results: { id: string; status: string }[] };
      const problems = report.results
        .filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error')
        .map((r) => `${r.id} ${r.status}`);
      expect(
        stillActive
          .map((a) =>
            a.labels.alertname === 'L2PreflightCheckFailing'
              ? `${a.labels.check_id} ${a.labels.status}`
              : a.labels.alertname,
          )
          .sort(),
      ).toEqual(problems.sort());
      expect(problems).not.toContain('eth-usd fail');
    } finally {
      await applyScenario(venue, 'stale-oracle');
    }
  });
});

describe('--notify to Slack and to a JSON webhook', () => {
  it('sends Slack the text it requires, with the failing check and its remediation in the blocks', async () => {
    const before = hook.bodies.length;
    const result = await run('slack', '--notify', hook.url, '--notify-format', 'slack');
    expect(result.code).toBe(1);
    const body = hook.bodies[before] as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };
    expect(body.text).toMatch(/^l2preflight: HOLD for l2preflight devnet — /);
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    const details = body.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(details).toMatch(/\*eth-usd\* fail: /);
    for (const block of body.blocks) expect((block.text?.text ?? '').length).toBeLessThanOrEqual(3000);
  });

  it('--notify-on change says a persisting HOLD once; --notify-on hold says it every run', async () => {
    const posts = () =>
      hook.bodies.filter((b) => (b as { checklist?: string }).checklist === 'checks/devnet.yaml').length;
    const start = posts();
    await run('json', '--notify', hook.url);
    expect(posts()).toBe(start + 1);
    await run('json', '--notify', hook.url);
    expect(posts()).toBe(start + 1);
    await run('json', '--notify', hook.url, '--notify-on', 'hold');
    expect(posts()).toBe(start + 2);
    const last = hook.bodies.at(-1) as { verdict: string; previousVerdict: string };
    expect(last).toMatchObject({ verdict: 'HOLD', previousVerdict: 'HOLD' });
  });

  it('refuses --notify-on without --notify (exit 2)', async () => {
    const result = await run('usage', '--notify-on', 'hold');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--notify-on');
  });
});
