/** Test support: a real Prometheus server (Debian's `prometheus`) with the shipped config, on loopback. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../src/devnet/anvil.js';
import { eventually, ROOT } from './cli.js';

export const DEPLOY = join(ROOT, 'deploy/prometheus');

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs: { targets: string[] }[];
  relabel_configs?: { target_label: string; replacement?: string }[];
}

/**
 * deploy/prometheus/prometheus.yml as shipped, with only what a deployment changes: where serve
 * listens, the intervals, and the rule file's absolute path.
 */
export async function shippedConfig(
  serve: string,
  interval: { scrape: string; evaluate: string },
): Promise<string> {
  const config = parse(await readFile(join(DEPLOY, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  config.global.scrape_interval = interval.scrape;
  config.global.evaluation_interval = interval.evaluate;
  config.rule_files = config.rule_files.map((file) => join(DEPLOY, file));
  for (const job of config.scrape_configs) {
    job.scrape_interval = interval.scrape;
    if (job.scrape_timeout) job.scrape_timeout = interval.scrape;
    for (const relabel of job.relabel_configs ?? [])
      if (relabel.target_label === '__address__') relabel.replacement = serve;
    if (!job.relabel_configs) job.static_configs = [{ targets: [serve] }];
  }
  return stringify(config);
}

/** Starts a Prometheus-family server on loopback and waits until its /-/ready answers. */
async function startDaemon(name: string, binary: string, port: number, args: string[]) {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await eventually(async () => {
    if (child.exitCode !== null) return true;
    try {
      return (await fetch(`${url}/-/ready`)).ok;
    } catch {
      return false;
    }
  }, 60_000);
  if (!ready || child.exitCode !== null) throw new Error(`${name} did not become ready:\n${log}`);
  return {
    url,
    child,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RunningPrometheus {
  url: string;
  child: ChildProcess;
  log: () => string;
  /** An instant query; the result vector. */
  query: (expr: string) => Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  alerts: () => Promise<{ labels: Record<string, string>; state: string }[]>;
  stop: () => Promise<void>;
}

export async function startPrometheus(binary: string, configText: string): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'l2preflight-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, configText);
  const port = await freePort();
  const { url, child, log, stop } = await startDaemon('prometheus', binary, port, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    child,
    log,
    query: async (expr) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(expr)}`,
        )
      ).result,
    alerts: async () =>
      (await api<{ alerts: { labels: Record<string, string>; state: string }[] }>('/api/v1/alerts')).alerts,
    stop,
  };
}

export interface RunningAlertmanager {
  url: string;
  /** GET /api/v2/alerts: the alerts Alertmanager holds (active, silenced and inhibited). */
  alerts: () => Promise<
    {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      endsAt: string;
      status: { state: string };
    }[]
  >;
  log: () => string;
  stop: () => Promise<void>;
}

/** A real Alertmanager (Debian's `prometheus-alertmanager`) on loopback, routing everything nowhere. */
export async function startAlertmanager(binary: string): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'l2preflight-alertmanager-'));
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, 'route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n');
  const port = await freePort();
  const { url, log, stop } = await startDaemon('alertmanager', binary, port, [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // No cluster: it would listen on 0.0.0.0:9094 and gossip for peers.
    '--cluster.listen-address=',
  ]);
  return {
    url,
    alerts: async () =>
      (await (await fetch(`${url}/api/v2/alerts`)).json()) as Awaited<
        ReturnType<RunningAlertmanager['alerts']>
      >,
    log,
    stop,
  };
}
