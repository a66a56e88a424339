/**
 * The real Prometheus, with deploy/prometheus/ as shipped, scraping `l2preflight serve` on the devnet
 * and queried over its HTTP API: ROUTE while the devnet is healthy, then HOLD — and the HOLD alert
 * firing — after `devnet scenario stale-oracle`.
 */
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { eventually, ROOT } from '../helpers/cli.js';
import { type RunningPrometheus, shippedConfig, startPrometheus } from '../helpers/prometheus.js';
import { promTool, type RunningServe, startServe } from '../helpers/serve.js';
import { applyScenario, startTestVenue } from '../helpers/venue.js';

const binary = promTool('prometheus');

if (!binary) console.warn("skipped: prometheus is not on PATH (install Debian's prometheus package)");

describe.skipIf(!binary)('Prometheus scraping serve', () => {
  let venue: RunningVenue;
  let serve: RunningServe;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    venue = await startTestVenue();
    const dir = await mkdtemp(join(tmpdir(), 'l2preflight-prom-'));
    await mkdir(join(dir, 'checks'));
    await copyFile(join(ROOT, 'checks/devnet.yaml'), join(dir, 'checks/devnet.yaml'));
    serve = await startServe(
      ['--checklists', join(dir, 'checks'), '--state', join(dir, 'state'), '--min-interval', '1s'],
      devnetEnvironment(venue),
    );
    // A 5 s scrape (and timeout), rules evaluated every second: the flip shows within a few scrapes.
    const config = await shippedConfig(new URL(serve.url).host, { scrape: '5s', evaluate: '1s' });
    prometheus = await startPrometheus(binary ?? 'prometheus', config);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await serve?.stop();
    await venue?.stop();
  });

  const verdict = async () => {
    const [sample] = await prometheus.query(
      'l2preflight_run_verdict{job="l2preflight",instance="devnet"} == 1',
    );
    return sample?.metric.verdict;
  };

  it('scrapes the devnet checklist through the shipped relabelling: ROUTE while healthy', async () => {
    expect(await eventually(async () => (await verdict()) !== undefined, 60_000), prometheus.log()).toBe(
      true,
    );
    expect(await verdict()).toBe('ROUTE');
    const [up] = await prometheus.query('up{job="l2preflight"}');
    expect(up?.metric.instance).toBe('devnet');
    expect(up?.value[1]).toBe('1');
    // The exporter's own job: its runs counter, once its scrape comes after the first probe.
    const runs = async () =>
      Number(
        (await prometheus.query('l2preflight_serve_runs_total{job="l2preflight-serve"}'))[0]?.value[1] ?? 0,
      );
    expect(await eventually(async () => (await runs()) >= 1, 30_000)).toBe(true);
  });

  it('flips to HOLD after stale-oracle, and the HOLD alert fires', async () => {
    await applyScenario(venue, 'stale-oracle');
    expect(await eventually(async () => (await verdict()) === 'HOLD', 60_000)).toBe(true);
    const failing = await prometheus.query(
      'l2preflight_check_status{job="l2preflight",status="fail",severity="critical"} == 1',
    );
    expect(failing.map((s) => s.metric.id)).toContain('eth-usd');
    const firing = async () =>
      (await prometheus.alerts()).some(
        (a) => a.labels.alertname === 'L2PreflightHold' && a.state === 'firing',
      );
    expect(await eventually(firing, 30_000)).toBe(true);
  });
});
