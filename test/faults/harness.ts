/**
 * The fault suite's bench: a devnet venue with fault proxies in front of its endpoints, and the real
 * CLI (`bin/l2preflight.js` → dist/) spawned against them, measured from the outside the way a cron job
 * or a CI runner sees it: exit code, when the report appeared, when the process was gone, what it said.
 *
 * Every case is compared with the same command against the same devnet state without faults: a check
 * that passes under a fault but not without it is a pass the tool did not measure.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/devnet/anvil.js';
import type { RunningVenue } from '../../src/devnet/venue.js';
import { ROOT } from '../helpers/cli.js';
import { type FaultMode, type FaultProxy, GARBAGE_SECRET, startFaultProxy } from '../helpers/faultProxy.js';
import { applyScenario, startTestVenue } from '../helpers/venue.js';

/** A path segment in every proxied URL, like a provider's API key: it must never be printed. */
export const URL_SECRET = 'k3yFAULTSUITEa9f8e7d6c5';
/** Exit codes README documents for `run`. 130: interrupted (Ctrl-C). */
export const DOCUMENTED_EXIT_CODES = [0, 1, 2, 3, 130];

/** `dead`: a loopback port nobody listens on (connection refused). */
export type Endpoint = FaultMode | 'dead';

export interface FaultCase {
  name: string;
  /** What the issue reports, or what the case is for. */
  note?: string;
  /** A devnet scenario applied before the case (and its fault-free baseline); `healthy` after. */
  scenario?: string;
  /** `devnet`: checks/devnet.yaml; `no-heartbeat`: the same without eth-usd's heartbeat/lookback. */
  checklist?: 'devnet' | 'no-heartbeat';
  only?: string;
  /** Modes of the two L2 endpoints (primary, second) and of the L1 endpoint. */
  l2: [Endpoint, Endpoint];
  l1?: Endpoint;
  deadlineMs: number;
  timeout?: string;
  /** Send SIGINT this long after the start. */
  sigintAtMs?: number;
  /**
   * Run on a pseudo-terminal (table format, spinner on, as a person sees it) and type Ctrl-C at these
   * times after its first output; needs python3 (test/faults/ptyrun.py), else the case is recorded as not run.
   */
  ctrlCAtMs?: number[];
  /** The pseudo-terminal's rows x columns (default 40x120); 0x0 is a pty nobody sized. */
  terminalSize?: string;
  /** Runs at once sharing one --state directory; their history records are counted. */
  concurrent?: number;
  /** Kill the process after this long (recorded as killed). */
  hardCapMs?: number;
}

export interface RunOutcome {
  exitCode: number | null;
  signal: string | null;
  killed: boolean;
  /** From spawn until stdout held a complete JSON report (null: never). */
  reportMs: number | null;
  /** From spawn until the process was gone. */
  lifetimeMs: number;
  /** From SIGINT until the process was gone. */
  afterSigintMs: number | null;
  stdout: string;
  stderr: string;
}

export interface CaseResult {
  name: string;
  note?: string;
  modes: string;
  args: string[];
  exitCode: number | null;
  signal: string | null;
  killed: boolean;
  reportMs: number | null;
  lifetimeMs: number;
  afterSigintMs: number | null;
  deadlineMs: number;
  verdict: string | null;
  checksInReport: number | null;
  summary: Record<string, number> | null;
  statuses: Record<string, string>;
  baselineStatuses: Record<string, string>;
  baselineExitCode: number | null;
  /** Checks that pass here but not in the fault-free run of the same command. */
  falsePasses: string[];
  /** Why each check that errs could not measure (the report's errorKind), per check id. */
  errorKinds: Record<string, string>;
  /** Checks whose error reads as a bug (errorKind internal): a network fault must never. */
  internalErrors: string[];
  stackTrace: boolean;
  /** Garbage response bytes, the garbage's secret, or the URL's key in stdout/stderr. */
  leaked: string[];
  documentedExit: boolean;
  /** Gone within deadline + 1 s. */
  withinDeadline: boolean;
  /** error/fail messages, per check id (truncated). */
  messages: Record<string, string>;
  stderrHead: string;
  /** stderr (all of it, spinner frames included) says the run was interrupted. */
  saidInterrupted: boolean;
  history?: { runs: number; kept: number | null };
}

const STACK = /\n\s+at .+:\d+:\d+\)?/;
const LEAK_MARKERS = [GARBAGE_SECRET, URL_SECRET, '<html', 'upstream error'];

export function hasStackTrace(text: string): boolean {
  return STACK.test(text);
}

export function leaks(text: string): string[] {
  return LEAK_MARKERS.filter((marker) => text.includes(marker));
}

function describeMode(endpoint: Endpoint | undefined): string {
  if (endpoint === undefined || endpoint === 'dead') return endpoint ?? 'pass';
  const { kind, ...rest } = endpoint;
  const values = Object.values(rest);
  return values.length ? `${kind} ${values.join(',')}` : kind;
}

export function describeModes(c: Pick<FaultCase, 'l2' | 'l1'>): string {
  return `L2 ${describeMode(c.l2[0])} / ${describeMode(c.l2[1])}, L1 ${describeMode(c.l1)}`;
}

interface ParsedReport {
  verdict?: string;
  summary?: Record<string, number>;
  results?: { id: string; status: string; message?: string; errorKind?: string }[];
}

function parseReport(stdout: string): ParsedReport | null {
  const text = stdout.trim();
  if (!text.endsWith('}')) return null;
  try {
    return JSON.parse(text) as ParsedReport;
  } catch {
    return null;
  }
}

/** Spawns the CLI and watches it from outside. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  options: { sigintAtMs?: number; hardCapMs: number },
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/l2preflight.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let reportMs: number | null = null;
    let sigintAt: number | null = null;
    let killed = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (reportMs === null && parseReport(stdout)) reportMs = performance.now() - started;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const sigint =
      options.sigintAtMs === undefined
        ? undefined
        : setTimeout(() => {
            sigintAt = performance.now();
            child.kill('SIGINT');
          }, options.sigintAtMs);
    const cap = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.hardCapMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const ended = performance.now();
      clearTimeout(cap);
      if (sigint) clearTimeout(sigint);
      resolve({
        exitCode: code,
        signal,
        killed,
        reportMs,
        lifetimeMs: ended - started,
        afterSigintMs: sigintAt === null ? null : ended - sigintAt,
        stdout,
        stderr,
      });
    });
  });
}

/** Runs the CLI on a pseudo-terminal through ptyrun.py and types Ctrl-C at the given times. */
export function spawnOnTerminal(
  args: string[],
  env: Record<string, string>,
  options: { ctrlCAtMs: number[]; hardCapMs: number; size?: string },
): Promise<RunOutcome | null> {
  return new Promise((resolve) => {
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      TERM: 'xterm',
      PTYRUN_SIZE: options.size ?? '40x120',
    };
    // The spinner only shows on a terminal outside CI, which is the case this reproduces.
    delete environment.CI;
    delete environment.NO_COLOR;
    const child = spawn(
      'python3',
      [
        join(ROOT, 'test/faults/ptyrun.py'),
        options.ctrlCAtMs.join(','),
        String(options.hardCapMs),
        process.execPath,
        'bin/l2preflight.js',
        ...args,
      ],
      { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', () => resolve(null));
    child.once('close', () => {
      try {
        const r = JSON.parse(stdout) as {
          exitCode: number | null;
          signal: string | null;
          killed: boolean;
          ctrlCAtMs: number[];
          reportMs: number | null;
          lifetimeMs: number;
          output: string;
        };
        const firstCtrlC = r.ctrlCAtMs[0];
        resolve({
          exitCode: r.exitCode,
          signal: r.signal,
          killed: r.killed,
          reportMs: r.reportMs,
          lifetimeMs: r.lifetimeMs,
          afterSigintMs: firstCtrlC === undefined ? null : r.lifetimeMs - firstCtrlC,
          // The terminal mixes stdout and stderr: the whole screen is judged as stderr.
          stdout: '',
          stderr: r.output,
        });
      } catch {
        resolve(null);
      }
    });
  });
}

/** How many runs `history` says the state directory kept (null: it did not say). */
async function historyCount(checklist: string, state: string): Promise<number | null> {
  const outcome = await spawnCli(
    ['history', checklist, '--state', state, '--limit', '1'],
    {},
    { hardCapMs: 30_000 },
  );
  const match = /of (\d+) runs/.exec(outcome.stdout);
  if (match) return Number(match[1]);
  if (/no runs recorded/.test(outcome.stdout)) return 0;
  return null;
}

interface Baseline {
  statuses: Record<string, string>;
  exitCode: number | null;
}

export class FaultBench {
  private venue!: RunningVenue;
  private dir!: string;
  private readonly baselines = new Map<string, Promise<Baseline>>();
  private scenario = 'healthy';

  async start(): Promise<void> {
    this.venue = await startTestVenue();
    this.dir = await mkdtemp(join(tmpdir(), 'l2p-faults-'));
    const devnet = await readFile(join(ROOT, 'checks/devnet.yaml'), 'utf8');
    await writeFile(join(this.dir, 'devnet.yaml'), devnet);
    // eth-usd alone judges the latest round's age: the shape the issue's false ROUTE needed.
    const noHeartbeat = devnet.replace(/\n\s+heartbeat: .*\n\s+lookback: 24h/, '');
    if (noHeartbeat === devnet) throw new Error('could not remove eth-usd heartbeat from checks/devnet.yaml');
    await writeFile(join(this.dir, 'no-heartbeat.yaml'), noHeartbeat);
  }

  async stop(): Promise<void> {
    await this.venue?.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  checklistPath(c: Pick<FaultCase, 'checklist'>): string {
    return join(this.dir, `${c.checklist ?? 'devnet'}.yaml`);
  }

  private async setScenario(name: string): Promise<void> {
    if (name === this.scenario) return;
    await applyScenario(this.venue, name);
    this.scenario = name;
  }

  /** Proxies for the case's endpoints; URLs carry URL_SECRET so redaction is tested too. */
  private async endpoints(c: Pick<FaultCase, 'l2' | 'l1'>) {
    const proxies: FaultProxy[] = [];
    const url = async (target: string, mode: Endpoint | undefined) => {
      if (mode === 'dead') return `http://127.0.0.1:${await freePort()}/v2/${URL_SECRET}`;
      const proxy = await startFaultProxy(target, mode ?? { kind: 'pass' }, { lifetimeMs: 5 * 60_000 });
      proxies.push(proxy);
      return `${proxy.url}/v2/${URL_SECRET}`;
    };
    const env = {
      L2PREFLIGHT_DEVNET_L2_RPC: await url(this.venue.node.url, c.l2[0]),
      L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: await url(this.venue.replica.url, c.l2[1]),
      L2PREFLIGHT_DEVNET_L1_RPC: await url(this.venue.l1.node.url, c.l1),
    };
    return { env, close: () => Promise.all(proxies.map((p) => p.close())) };
  }

  private args(c: FaultCase, state: string): string[] {
    const args = ['run', this.checklistPath(c), '--format', 'json', '--state', state];
    args.push('--deadline', `${Math.round(c.deadlineMs / 1000)}s`);
    if (c.timeout) args.push('--timeout', c.timeout);
    if (c.only) args.push('--only', c.only);
    return args;
  }

  private async once(c: FaultCase, state?: string): Promise<{ outcome: RunOutcome; args: string[] }> {
    const dir = state ?? (await mkdtemp(join(this.dir, 'state-')));
    const { env, close } = await this.endpoints(c);
    const args = this.args(c, dir);
    try {
      if (c.ctrlCAtMs) {
        // Table on the terminal (the spinner shows only with it); the JSON report goes to a file.
        const report = join(dir, 'report.json');
        const terminalArgs = [...args.map((a) => (a === 'json' ? 'table' : a)), '--report', `json=${report}`];
        const outcome = await spawnOnTerminal(terminalArgs, env, {
          ctrlCAtMs: c.ctrlCAtMs,
          hardCapMs: c.hardCapMs ?? c.deadlineMs + 60_000,
          size: c.terminalSize,
        });
        if (!outcome) throw new Error('could not run on a pseudo-terminal (python3 missing?)');
        outcome.stdout = await readFile(report, 'utf8').catch(() => '');
        return { outcome, args: terminalArgs };
      }
      const outcome = await spawnCli(args, env, {
        sigintAtMs: c.sigintAtMs,
        hardCapMs: c.hardCapMs ?? c.deadlineMs + 60_000,
      });
      return { outcome, args };
    } finally {
      await close();
    }
  }

  /**
   * The same command against the same devnet state, without faults; cached as a promise so cases run
   * at once share one baseline.
   */
  private baseline(c: FaultCase): Promise<Baseline> {
    const key = `${this.scenario}|${c.checklist ?? 'devnet'}|${c.only ?? ''}`;
    const known = this.baselines.get(key);
    if (known) return known;
    const pending = this.once({
      name: 'baseline',
      checklist: c.checklist,
      only: c.only,
      l2: [{ kind: 'pass' }, { kind: 'pass' }],
      deadlineMs: 60_000,
    }).then(({ outcome }) => {
      const report = parseReport(outcome.stdout);
      if (!report?.results)
        throw new Error(`the fault-free run gave no report: ${outcome.stderr.slice(0, 500)}`);
      return {
        statuses: Object.fromEntries(report.results.map((r) => [r.id, r.status])),
        exitCode: outcome.exitCode,
      };
    });
    this.baselines.set(key, pending);
    return pending;
  }

  /**
   * Runs a case (after its fault-free baseline). Cases of the same scenario may run at once; a case
   * with a scenario must run alone, since it changes the devnet every other run reads.
   */
  async run(c: FaultCase): Promise<CaseResult> {
    await this.setScenario(c.scenario ?? 'healthy');
    try {
      const baseline = await this.baseline(c);
      if (c.concurrent) return await this.concurrent(c, baseline);
      const { outcome, args } = await this.once(c);
      return this.judge(c, args, outcome, baseline);
    } finally {
      await this.setScenario('healthy');
    }
  }

  private async concurrent(c: FaultCase, baseline: Baseline): Promise<CaseResult> {
    const state = await mkdtemp(join(this.dir, 'shared-'));
    const runs = await Promise.all(Array.from({ length: c.concurrent ?? 1 }, () => this.once(c, state)));
    const results = runs.map(({ outcome, args }) => this.judge(c, args, outcome, baseline));
    const kept = await historyCount(this.checklistPath(c), state);
    // The slowest of the runs stands for the case; every run's flags are merged.
    const worst = results.reduce((a, b) => (b.lifetimeMs > a.lifetimeMs ? b : a));
    return {
      ...worst,
      falsePasses: [...new Set(results.flatMap((r) => r.falsePasses))],
      internalErrors: [...new Set(results.flatMap((r) => r.internalErrors))],
      stackTrace: results.some((r) => r.stackTrace),
      leaked: [...new Set(results.flatMap((r) => r.leaked))],
      documentedExit: results.every((r) => r.documentedExit),
      withinDeadline: results.every((r) => r.withinDeadline),
      history: { runs: results.length, kept },
    };
  }

  private judge(c: FaultCase, args: string[], outcome: RunOutcome, baseline: Baseline): CaseResult {
    const report = parseReport(outcome.stdout);
    const statuses = Object.fromEntries((report?.results ?? []).map((r) => [r.id, r.status]));
    const errorKinds = Object.fromEntries(
      (report?.results ?? []).filter((r) => r.status === 'error').map((r) => [r.id, r.errorKind ?? '']),
    );
    const messages = Object.fromEntries(
      (report?.results ?? [])
        .filter((r) => r.status === 'error' || r.status === 'fail')
        .map((r) => [r.id, (r.message ?? '').slice(0, 240)]),
    );
    const exitCode =
      outcome.exitCode ?? (outcome.signal === 'SIGINT' ? 130 : outcome.signal === 'SIGKILL' ? 137 : null);
    const all = `${outcome.stdout}\n${outcome.stderr}`;
    return {
      name: c.name,
      note: c.note,
      modes: describeModes(c),
      args: args.map((a) => a.replace(this.dir, '$TMP')),
      exitCode,
      signal: outcome.signal,
      killed: outcome.killed,
      reportMs: outcome.reportMs === null ? null : Math.round(outcome.reportMs),
      lifetimeMs: Math.round(outcome.lifetimeMs),
      afterSigintMs: outcome.afterSigintMs === null ? null : Math.round(outcome.afterSigintMs),
      deadlineMs: c.deadlineMs,
      verdict: report?.verdict ?? null,
      checksInReport: report?.results?.length ?? null,
      summary: report?.summary ?? null,
      statuses,
      baselineStatuses: baseline.statuses,
      baselineExitCode: baseline.exitCode,
      falsePasses: Object.entries(statuses)
        .filter(([id, status]) => status === 'pass' && baseline.statuses[id] !== 'pass')
        .map(([id]) => id),
      errorKinds,
      internalErrors: Object.keys(errorKinds).filter((id) => errorKinds[id] === 'internal'),
      stackTrace: hasStackTrace(all),
      leaked: leaks(all),
      documentedExit: !outcome.killed && exitCode !== null && DOCUMENTED_EXIT_CODES.includes(exitCode),
      withinDeadline: !outcome.killed && outcome.lifetimeMs <= c.deadlineMs + 1_000,
      messages,
      stderrHead: outcome.stderr.slice(0, 600).replaceAll(this.dir, '$TMP'),
      saidInterrupted: /interrupted/i.test(outcome.stderr),
    };
  }
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function statusCounts(r: CaseResult): string {
  if (!r.summary) return '—';
  return Object.entries(r.summary)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

/** The fault table: mode × exit code × wall time × process lifetime, and what each run broke. */
export function markdownTable(results: CaseResult[]): string {
  const head =
    '| case | endpoints | deadline | exit | verdict | report at | gone at | statuses | false pass | stack | leak | within deadline+1s |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|\n';
  const rows = results.map((r) => {
    const exit = r.killed ? 'killed' : `${r.exitCode}${r.signal ? ` (${r.signal})` : ''}`;
    const extra = [
      r.afterSigintMs !== null ? `gone ${seconds(r.afterSigintMs)} after Ctrl-C` : '',
      r.history ? `history kept ${r.history.kept ?? '?'} of ${r.history.runs}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `| ${r.name} | ${r.modes} | ${seconds(r.deadlineMs)} | ${exit} | ${r.verdict ?? '—'} | ${seconds(r.reportMs)} | ${seconds(r.lifetimeMs)}${extra ? ` (${extra})` : ''} | ${statusCounts(r)} | ${r.falsePasses.join(', ') || 'none'} | ${r.stackTrace ? 'YES' : 'no'} | ${r.leaked.join(', ') || 'none'} | ${r.withinDeadline ? 'yes' : 'NO'} |`;
  });
  return head + rows.join('\n');
}
