/**
 * `l2preflight serve`: a Prometheus multi-target exporter, in the manner of blackbox_exporter.
 * `GET /probe?checklist=NAME` runs NAME from --checklists and answers in the text exposition format;
 * `GET /metrics` is the process itself; `GET /-/healthy` says it is up. SIGTERM (or Ctrl-C) stops
 * taking connections, lets the probes in flight answer, and exits 0.
 */
import { readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { dropPendingYamlCaches } from '../checklist/yamlParseCache.js';
import { assertTimerDuration, parseDuration, UnitError } from '../core/units.js';
import { L2PreflightError, UsageError } from '../errors.js';
import { durationFlagError, parseSettings, type RunCommandOptions } from './run.js';
import { ServeMetrics } from './serveMetrics.js';
import { findChecklist, Prober } from './serveProbe.js';

export interface ServeCommandOptions {
  listen?: string;
  checklists?: string;
  state?: string;
  minInterval?: string;
  timeoutOffset?: string;
  failOn?: string;
  timeout?: string;
  rpcTimeout?: string;
  concurrency?: string;
  notify?: string;
  notifyOn?: string;
  notifyFormat?: string;
  version: string;
  /** Where "listening on …" and warnings go (stderr). */
  log: (text: string) => void;
}

export const DEFAULT_LISTEN = '127.0.0.1:9478';
/** Prometheus's own default scrape_timeout: the deadline when a scrape sends no timeout header. */
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
/** Below the run deadline, a run never gets less than this (a scrape timeout under the offset). */
const MIN_RUN_DEADLINE_MS = 100;
const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

function duration(flag: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  try {
    const ms = parseDuration(value);
    if (ms < 0 || (ms === 0 && !allowZero))
      throw new UnitError(`expected a positive duration, got "${value}"`);
    return assertTimerDuration(ms);
  } catch (error) {
    if (error instanceof UnitError) throw durationFlagError(flag, value, error);
    throw error;
  }
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (loopback). */
export function parseListen(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  const host = (at < 0 ? '' : value.slice(0, at)).replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = Number(value.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--listen: expected HOST:PORT, e.g. ${DEFAULT_LISTEN}, got "${value}"`);
  }
  return { host, port };
}

/** The run deadline for a scrape: its timeout header minus the offset (Prometheus's default without one). */
export function probeDeadlineMs(header: string | string[] | undefined, offsetMs: number): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  const timeoutMs = header !== undefined && seconds > 0 ? seconds * 1000 : DEFAULT_SCRAPE_TIMEOUT_MS;
  return Math.max(MIN_RUN_DEADLINE_MS, Math.floor(timeoutMs - offsetMs));
}

export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  const dir = resolve(options.checklists ?? 'checks');
  try {
    await readdir(dir);
  } catch (error) {
    throw new UsageError(
      `--checklists: cannot read the directory ${dir} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const runOptions: Omit<RunCommandOptions, 'write' | 'format'> = {
    failOn: options.failOn,
    timeout: options.timeout,
    rpcTimeout: options.rpcTimeout,
    concurrency: options.concurrency,
    notify: options.notify,
    notifyFormat: options.notifyFormat,
    notifyOn: options.notifyOn,
    version: options.version,
    stdoutColor: false,
    stderrIsTty: false,
    warn: (text) => options.log(`warning: ${text}`),
  };
  const settings = parseSettings({ ...runOptions, format: 'prometheus', write: () => {} });
  const offsetMs = duration('--timeout-offset', options.timeoutOffset, 500, true);
  const prober = new Prober({
    dir,
    stateDir: resolve(options.state ?? join(dir, '.l2preflight')),
    minIntervalMs: duration('--min-interval', options.minInterval, 10_000, true),
    settings,
    runOptions,
  });
  const metrics = new ServeMetrics();
  const handlers = new Set<Promise<void>>();

  const server = createServer((request, response) => {
    const handled = handle(request, response).catch((error: unknown) => {
      options.log(`internal error answering ${request.url}: ${(error as Error)?.stack ?? error}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
    handlers.add(handled);
    handled.finally(() => handlers.delete(handled));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://serve.invalid');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/-/healthy') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
      return;
    }
    if (url.pathname === '/metrics') {
      response.writeHead(200, { 'content-type': TEXT_FORMAT }).end(metrics.render());
      return;
    }
    if (url.pathname !== '/probe') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /probe?checklist=NAME\n');
      return;
    }
    const name = url.searchParams.get('checklist') ?? '';
    const file = name ? await findChecklist(dir, name) : undefined;
    if (!file) {
      metrics.unknownChecklist();
      // Nothing about the directory: the names it holds are not the scraper's business.
      response.writeHead(404, { 'content-type': 'text/plain' }).end('unknown checklist\n');
      return;
    }
    metrics.inFlight += 1;
    try {
      const deadlineMs = probeDeadlineMs(request.headers['x-prometheus-scrape-timeout-seconds'], offsetMs);
      const answer = await prober.probe(file, deadlineMs);
      metrics.answered(name, answer.facts);
      response.writeHead(200, { 'content-type': TEXT_FORMAT }).end(answer.text);
    } catch (error) {
      metrics.probeFailed(name);
      // A checklist that does not load is the operator's to fix: up == 0 and a reason, not a verdict.
      const reason = error instanceof L2PreflightError ? error.message : 'internal error (see the log)';
      if (!(error instanceof L2PreflightError))
        options.log(`probe ${name}: ${(error as Error)?.stack ?? error}`);
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`probe failed: ${reason}\n`);
    } finally {
      metrics.inFlight -= 1;
    }
  }

  await new Promise<void>((ready, failed) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      failed(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new UsageError(`--listen: cannot listen on ${host}:${port} (${error.code})`)
          : error,
      ),
    );
    server.listen(port, host, ready);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  options.log(`l2preflight serve: listening on http://${shown}:${bound} (checklists in ${dir})`);

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // A second signal: the operator does not want to wait for the probes in flight.
      if (stopping) process.exit(signal === 'SIGTERM' ? 143 : 130);
      stopping = true;
      // The probes in flight are answered; nothing else (a parse cache's write) delays the exit.
      dropPendingYamlCaches();
      options.log(
        `l2preflight serve: ${signal}, answering ${handlers.size} probe(s) in flight, then exiting`,
      );
      server.close();
      server.closeIdleConnections();
      void Promise.allSettled([...handlers, ...prober.inFlight()]).then(() => {
        server.closeAllConnections();
        done(0);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
