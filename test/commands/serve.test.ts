/**
 * `l2preflight serve` as Prometheus meets it: the real binary, probing the devnet over loopback. A
 * probe answers in the text format promtool accepts, runs only checklists of its directory, shares a
 * run among concurrent scrapes, repeats the last result inside --min-interval, takes its deadline from
 * the scrape's timeout header, keeps history as `run` does, and SIGTERM lets a probe in flight answer.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListen, probeDeadlineMs } from '../../src/commands/serve.js';
import { devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { readRunHistory } from '../../src/state/runs.js';
import { StateStore } from '../../src/state/store.js';
import { cli, eventually, hangingEndpoint, ROOT } from '../helpers/cli.js';
import { promTool, type RunningServe, startServe } from '../helpers/serve.js';
import { checklistYaml, startTestVenue } from '../helpers/venue.js';

/** The value of the first sample whose line starts with `prefix` (name and labels), else undefined. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** promtool's own parser and linter: what Prometheus would refuse or warn about, it says. */
function promtoolCheckMetrics(text: string): string {
  const promtool = promTool('promtool');
  if (!promtool) return 'skipped: promtool is not on PATH';
  // Exit status non-zero (thrown) on a parse error or a lint problem.
  return execFileSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
}

describe('serve: options', () => {
  it('listens on loopback unless told otherwise', () => {
    expect(parseListen(':9478')).toEqual({ host: '127.0.0.1', port: 9478 });
    expect(parseListen('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListen('[::1]:9478')).toEqual({ host: '::1', port: 9478 });
    expect(() => parseListen('9478x')).toThrow(/--listen/);
  });

  it("takes the run's deadline from the scrape timeout header, less the offset", () => {
    expect(probeDeadlineMs('15', 500)).toBe(14_500);
    expect(probeDeadlineMs('0.25', 500)).toBe(100);
    // Without the header (curl, an old Prometheus): Prometheus's default scrape timeout of 10 s.
    expect(probeDeadlineMs(undefined, 500)).toBe(9_500);
    expect(probeDeadlineMs('nonsense', 0)).toBe(10_000);
  });
});

/**
 * Forwards JSON-RPC to `target`, but holds every request until `open()`: a run against it lasts as long
 * as the test wants, so scrapes that should meet one run in flight do, however fast the machine.
 */
async function gatedEndpoint(target: string) {
  let opened = false;
  const waiting: (() => void)[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (!opened) await new Promise<void>((resolve) => waiting.push(resolve));
    const upstream = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => {
      opened = true;
      for (const release of waiting.splice(0)) release();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let venue: RunningVenue;
let gate: Awaited<ReturnType<typeof gatedEndpoint>>;
let dir: string;
let checklists: string;
let endpoint: Awaited<ReturnType<typeof hangingEndpoint>>;
const running: RunningServe[] = [];

async function serve(args: string[]): Promise<RunningServe> {
  const started = await startServe(
    ['--checklists', checklists, '--state', join(dir, `state-${running.length}`), ...args],
    devnetEnvironment(venue),
  );
  running.push(started);
  return started;
}

beforeAll(async () => {
  venue = await startTestVenue();
  endpoint = await hangingEndpoint();
  gate = await gatedEndpoint(venue.node.url);
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-serve-'));
  checklists = join(dir, 'checks');
  await mkdir(checklists);
  await copyFile(join(ROOT, 'checks/devnet.yaml'), join(checklists, 'devnet.yaml'));
  await writeFile(
    join(checklists, 'hang.yaml'),
    checklistYaml(endpoint.url, '  - id: head-fresh\n    type: sequencer.head-age\n    max: 30s\n'),
  );
  await writeFile(
    join(checklists, 'gated.yaml'),
    checklistYaml(gate.url, '  - id: head-fresh\n    type: sequencer.head-age\n    max: 30s\n'),
  );
  // Next to the directory, not in it: no name a scraper sends may reach it.
  await writeFile(
    join(dir, 'outside.yaml'),
    checklistYaml(endpoint.url, '  - id: x\n    type: sequencer.head-age\n'),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await endpoint?.close();
  await gate?.close();
  await venue?.stop();
});

describe('serve: usage', () => {
  it('refuses a --checklists directory it cannot read, exit 2, before listening', async () => {
    const result = await cli(['serve', '--listen', '127.0.0.1:0', '--checklists', join(dir, 'missing')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--checklists: cannot read the directory');
  });
});

describe('serve against the devnet', () => {
  let server: RunningServe;
  let first: string;

  it('answers /-/healthy', async () => {
    server = await serve(['--min-interval', '10m']);
    const response = await fetch(`${server.url}/-/healthy`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('OK\n');
  });

  it('answers a probe with the verdict, every check, and what the run cost, in a text promtool accepts', async () => {
    const response = await fetch(`${server.url}/probe?checklist=devnet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('version=0.0.4');
    first = await response.text();
    expect(sample(first, 'l2preflight_run_verdict_route{')).toBe(1);
    expect(first).toMatch(/^l2preflight_check_status\{[^}]*id="head-fresh"[^}]*status="pass"\} 1$/m);
    expect(first).toMatch(/^l2preflight_check_duration_seconds\{[^}]*id="head-fresh"/m);
    expect(sample(first, 'l2preflight_run_duration_seconds{')).toBeGreaterThan(0);
    expect(sample(first, 'l2preflight_probe_cached')).toBe(0);
    expect(sample(first, 'l2preflight_probe_http_requests')).toBeGreaterThan(0);
    promtoolCheckMetrics(first);
  });

  it('keeps the run in the history of its checklist, as run does', async () => {
    const history = await readRunHistory(new StateStore(join(dir, 'state-0')), 'devnet');
    expect(history.kind).toBe('ok');
    expect(history.kind === 'ok' && history.value.runs.length).toBe(1);
  });

  it('answers a probe inside --min-interval with the last run, sending nothing to the chain', async () => {
    const again = await (await fetch(`${server.url}/probe?checklist=devnet.yaml`)).text();
    expect(sample(again, 'l2preflight_probe_cached')).toBe(1);
    expect(sample(again, 'l2preflight_run_timestamp_seconds{')).toBe(
      sample(first, 'l2preflight_run_timestamp_seconds{'),
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(metrics, 'l2preflight_serve_runs_total{checklist="devnet"}')).toBe(1);
    expect(metrics).toMatch(/^l2preflight_serve_probes_total\{checklist="devnet\.yaml",how="cached"\} 1$/m);
    promtoolCheckMetrics(metrics);
  });

  it('runs only checklists of its directory: unknown names and paths are 404 with nothing listed', async () => {
    for (const name of [
      'nope',
      '../outside',
      '../outside.yaml',
      join(dir, 'outside.yaml'),
      '.',
      '',
      'hang/',
    ]) {
      const response = await fetch(`${server.url}/probe?checklist=${encodeURIComponent(name)}`);
      expect(response.status, name).toBe(404);
      expect(await response.text()).toBe('unknown checklist\n');
    }
    expect((await fetch(`${server.url}/probe`)).status).toBe(404);
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  });
});

describe('serve: sharing, deadlines and shutdown', () => {
  it('gives concurrent scrapes of one checklist one run; without --min-interval the next scrape runs again', async () => {
    const server = await serve(['--min-interval', '0s']);
    const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
    // The gate holds the run's requests until all three scrapes are in: they meet one run in flight.
    const scrapes = [1, 2, 3].map(async () => (await fetch(`${server.url}/probe?checklist=gated`)).text());
    expect(
      await eventually(
        async () => sample(await metrics(), 'l2preflight_serve_probes_in_flight') === 3,
        60_000,
      ),
    ).toBe(true);
    gate.open();
    const answers = await Promise.all(scrapes);
    const stamps = new Set(answers.map((a) => sample(a, 'l2preflight_run_timestamp_seconds{')));
    expect(stamps.size).toBe(1);
    expect(sample(await metrics(), 'l2preflight_serve_runs_total{checklist="gated"}')).toBe(1);
    expect(sample(await metrics(), 'l2preflight_serve_probes_total{checklist="gated",how="shared"}')).toBe(2);
    await fetch(`${server.url}/probe?checklist=gated`);
    expect(sample(await metrics(), 'l2preflight_serve_runs_total{checklist="gated"}')).toBe(2);
  });

  it("answers within the scrape's timeout, with what the deadline cut, when the endpoint never answers", async () => {
    // Each check and request allowed far longer than the scrape: only the scrape's deadline ends it.
    const server = await serve(['--timeout', '60s', '--rpc-timeout', '30s', '--timeout-offset', '500ms']);
    const response = await fetch(`${server.url}/probe?checklist=hang`, {
      headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '2' },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'l2preflight_probe_deadline_seconds')).toBe(1.5);
    expect(sample(text, 'l2preflight_run_checks_cut_by_deadline{')).toBe(1);
    expect(text).toMatch(/^l2preflight_run_verdict\{[^}]*verdict="NO VERDICT"\} 1$/m);
  });

  it('notifies from a probe as run does (--notify-on change: the first run that is not ROUTE)', async () => {
    const bodies: { verdict?: string; checklist?: string }[] = [];
    const hook = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const address = hook.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const server = await serve([
        '--timeout',
        '60s',
        '--rpc-timeout',
        '30s',
        '--notify',
        `http://127.0.0.1:${port}/hook`,
      ]);
      const response = await fetch(`${server.url}/probe?checklist=hang`, {
        headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '1.5' },
      });
      expect(response.status).toBe(200);
      // The webhook is called before the probe answers.
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatchObject({ verdict: 'NO VERDICT', checklist: join(checklists, 'hang.yaml') });
    } finally {
      await new Promise<void>((resolve) => {
        hook.close(() => resolve());
        hook.closeAllConnections();
      });
    }
  });

  it('on SIGTERM, lets the probe in flight answer, then exits 0', async () => {
    const server = await serve(['--timeout', '60s', '--rpc-timeout', '30s']);
    const before = endpoint.requests();
    const probe = fetch(`${server.url}/probe?checklist=hang`, {
      headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '3' },
    });
    // The probe is in flight once its run has reached the endpoint.
    expect(await eventually(() => endpoint.requests() > before, 30_000)).toBe(true);
    server.child.kill('SIGTERM');
    const response = await probe;
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^l2preflight_run_verdict\{[^}]*verdict="NO VERDICT"\} 1$/m);
    expect(await server.exited).toBe(0);
    // Stopped: nothing listens any more.
    await expect(fetch(`${server.url}/-/healthy`)).rejects.toThrow();
  });
});
