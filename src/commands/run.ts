/** `l2preflight run`: load, run (once or --watch), render, write reports, remember; returns the exit code. */
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadChecklist } from '../checklist/load.js';
import type { Checklist } from '../checklist/model.js';
import { suggest } from '../checklist/suggest.js';
import type { CheckResult, FailOn, RunResult } from '../core/result.js';
import { didYouMean, durationReadings } from '../core/spelling.js';
import { assertTimerDuration, formatDuration, parseDuration, UnitError } from '../core/units.js';
import { runChecklist } from '../engine/run.js';
import type { Traffic } from '../engine/session.js';
import { exitCodeOf } from '../engine/status.js';
import { StateError, UsageError } from '../errors.js';
import { FORMATS, type Format, render } from '../report/index.js';
import { Redactor, redactUrl } from '../rpc/redact.js';
import { rpcTimeoutProblem } from '../rpc/transport.js';
import { causeOf } from '../state/fsErrors.js';
import { stateWarning } from '../state/problems.js';
import { appendRun, type RunRecord, readRunHistory, withPreviousStatuses } from '../state/runs.js';
import {
  checklistKey,
  type ReadBasis,
  type StateProblem,
  StateStore,
  stateDirFor,
  UPDATE_LOCK_WAIT_MS,
  writeFileAtomic,
} from '../state/store.js';
import { interruption, listenForInterrupt } from './interrupt.js';
import { NOTIFY_ON, type NotifyTarget, notifyRun } from './notify.js';
import { inferNotifyFormat, NOTIFY_FORMATS } from './notifyPayloads.js';

export interface RunCommandOptions {
  format?: string;
  output?: string;
  /** Extra reports, each `FORMAT=FILE`. */
  report?: string[];
  only?: string[];
  skip?: string[];
  failOn?: string;
  timeout?: string;
  /** Per HTTP request to an RPC endpoint, e.g. 3s; below the check timeout. */
  rpcTimeout?: string;
  /** How far this machine's clock may lag the chain head before age checks are error. */
  clockTolerance?: string;
  /** Oldest chain head state reads accept, for every chain. */
  maxBlockAge?: string;
  deadline?: string;
  concurrency?: string;
  /** Where run history lives; default `.l2preflight/` next to the checklist. */
  state?: string;
  /** Re-run on this interval until SIGINT/SIGTERM. */
  watch?: string;
  /** Webhook to POST a JSON summary to when the verdict changes. */
  notify?: string;
  /** What --notify sends: json, alertmanager or slack (default: inferred from the URL). */
  notifyFormat?: string;
  /** When --notify sends: change, hold or always (default: hold for Alertmanager, else change). */
  notifyOn?: string;
  /** GITHUB_STEP_SUMMARY, when the CI sets it: the Markdown summary is appended there. */
  stepSummary?: string;
  version: string;
  /** Whether stdout is a terminal and colour is allowed (decided by the CLI layer). */
  stdoutColor: boolean;
  stdoutIsTty?: boolean;
  stderrIsTty: boolean;
  width?: number;
  /** Terminal rows, when stdout is a terminal that says (--watch keeps its header in view with it). */
  height?: number;
  /** --wide: the full table whatever the width (else the compact layout when the table would not fit). */
  wide?: boolean;
  write: (text: string) => void;
  /** Warnings and traffic figures go here (stderr). */
  log?: (text: string) => void;
  warn?: (text: string) => void;
}

interface Settings {
  format: Format;
  failOn: FailOn;
  reports: { format: Format; file: string }[];
  concurrency?: number;
  timeoutMs?: number;
  rpcTimeoutMs?: number;
  clockToleranceMs?: number;
  maxBlockAgeMs?: number;
  deadlineMs?: number;
  watchMs?: number;
  /**
   * The deadline counts from each run's start, not the process's: `serve` answers many probes from one
   * long-lived process, each with the deadline its scrape allows.
   */
  deadlinePerRun?: boolean;
  notify?: NotifyTarget;
  /**
   * The caller prints the report itself: a comparison of several checklists renders all its venues
   * at once, so each venue's run writes nothing to stdout and shows no spinner of its own.
   */
  callerPrints?: boolean;
}

/**
 * A duration flag in milliseconds; a unit mistake is a usage error. `zero: 'allowed'` only where 0 means
 * what it says (drill's --give-up-after: no time beyond the repeats).
 */
export function durationOption(
  flag: string,
  value: string | undefined,
  { zero = 'refused' }: { zero?: 'refused' | 'allowed' } = {},
): number | undefined {
  if (value === undefined) return undefined;
  try {
    const ms = parseDuration(value);
    // 0 would read as "no deadline" / "no watch": a value that switches the flag off without saying so.
    if (ms <= 0 && zero === 'refused')
      throw new UnitError(`expected a duration greater than zero, got "${value}"`);
    // Each feeds a timer (or, for --clock-tolerance, is bounded alike): past the limit it would overflow.
    return assertTimerDuration(ms);
  } catch (error) {
    if (error instanceof UnitError) throw durationFlagError(flag, value, error);
    throw error;
  }
}

/** A duration flag's unit error as the user's mistake, with the spelling that works ("30 sec" → 30s). */
export function durationFlagError(flag: string, value: string, error: UnitError): UsageError {
  const guess = didYouMean(durationReadings(value));
  return new UsageError(`${flag}: ${error.message}${guess ? `; ${guess}` : ''}`);
}

function choice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export function parseSettings(options: RunCommandOptions): Settings {
  const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UsageError(`--concurrency: expected a whole number >= 1, got "${options.concurrency}"`);
  }
  const reports = (options.report ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at < 1 || at === spec.length - 1)
      throw new UsageError(`--report: expected FORMAT=FILE, got "${spec}"`);
    return { format: choice('--report', spec.slice(0, at), FORMATS, 'json'), file: spec.slice(at + 1) };
  });
  const notify = notifyTarget(options);
  return {
    format: choice('--format', options.format, FORMATS, 'table'),
    failOn: choice('--fail-on', options.failOn, ['fail', 'warn'] as const, 'fail'),
    reports,
    concurrency,
    timeoutMs: durationOption('--timeout', options.timeout),
    rpcTimeoutMs: durationOption('--rpc-timeout', options.rpcTimeout),
    clockToleranceMs: durationOption('--clock-tolerance', options.clockTolerance),
    maxBlockAgeMs: durationOption('--max-block-age', options.maxBlockAge),
    deadlineMs: durationOption('--deadline', options.deadline),
    watchMs: durationOption('--watch', options.watch),
    notify,
  };
}

function notifyTarget(options: RunCommandOptions): NotifyTarget | undefined {
  if (options.notify === undefined) {
    if (options.notifyFormat !== undefined || options.notifyOn !== undefined)
      throw new UsageError('--notify-format and --notify-on need --notify URL');
    return undefined;
  }
  try {
    const { protocol } = new URL(options.notify);
    if (protocol !== 'http:' && protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError('--notify: expected an http(s) URL');
  }
  const format = choice(
    '--notify-format',
    options.notifyFormat,
    NOTIFY_FORMATS,
    inferNotifyFormat(options.notify),
  );
  // Alertmanager resolves an alert nobody re-sends (resolve_timeout): a HOLD that persists is re-sent.
  const on = choice(
    '--notify-on',
    options.notifyOn,
    NOTIFY_ON,
    format === 'alertmanager' ? 'hold' : 'change',
  );
  return { url: options.notify, format, on };
}

/**
 * A mistyped --only would select nothing and report ROUTE on zero checks: a false pass. Every selector
 * must name a check id or tag of the checklist.
 */
function checkSelectors(checklist: Checklist, flag: string, selectors: string[] | undefined): void {
  const known = new Set(checklist.checks.flatMap((c) => [c.id, ...c.tags]));
  for (const selector of selectors ?? []) {
    if (known.has(selector)) continue;
    const hint = suggest(selector, known);
    throw new UsageError(`${flag}: "${selector}" is neither a check id nor a tag in ${checklist.file}`, [
      hint ? `did you mean "${hint}"?` : `ids and tags: ${[...known].join(', ')}`,
    ]);
  }
}

/** An explicit RPC timeout at or above the check timeout would let a check end before it can fail over. */
function checkRpcTimeout(checklist: Checklist, settings: Settings): void {
  const rpcTimeoutMs = settings.rpcTimeoutMs ?? checklist.defaults.rpcTimeoutMs;
  if (rpcTimeoutMs === undefined) return;
  const problem = rpcTimeoutProblem(rpcTimeoutMs, settings.timeoutMs ?? checklist.defaults.timeoutMs);
  if (problem) {
    const source =
      settings.rpcTimeoutMs !== undefined ? '--rpc-timeout' : `defaults.rpcTimeout in ${checklist.file}`;
    throw new UsageError(`${source}: ${problem}`);
  }
}

interface Session {
  checklist: Checklist;
  settings: Settings;
  options: RunCommandOptions;
  store: StateStore;
  redactor: Redactor;
  /** State problems already warned about (so --watch says each once, not every run). */
  stateWarned: Set<string>;
}

/** One run: history in, checks, reports out, history and notification after. */
export async function runOnce(
  session: Session,
  signal?: AbortSignal,
): Promise<{ run: RunResult; previous?: RunRecord; unwritten: string[]; traffic: Traffic }> {
  const { checklist, settings, options, store, redactor } = session;
  const key = checklistKey(checklist.file);
  // Read while the checks run: the run needs no history, and parsing a full one (a scheduled job's,
  // megabytes) then overlaps the run's network waits instead of delaying its first request.
  const history = readPast(session, key);
  // Awaited after the run; until then a failure must not count as unhandled.
  history.catch(() => {});

  const spinner =
    options.stderrIsTty && settings.format === 'table' && !settings.watchMs && !settings.callerPrints
      ? await startSpinner(checklist.checks.length)
      : undefined;
  let outcome: Awaited<ReturnType<typeof runChecklist>>;
  try {
    outcome = await runChecklist(checklist, {
      failOn: settings.failOn,
      only: options.only,
      skip: options.skip,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      rpcTimeoutMs: settings.rpcTimeoutMs,
      clockToleranceMs: settings.clockToleranceMs,
      maxBlockAgeMs: settings.maxBlockAgeMs,
      deadlineMs: runDeadlineMs(settings),
      version: options.version,
      redactor,
      store,
      signal,
      onResult: spinner?.update,
    });
  } finally {
    spinner?.stop();
  }
  // An interrupted run's results are errors the user caused: no report, no history record (a record
  // of them would read as an outage in `history` and flip --notify and previousStatus next time).
  const interrupted = interruption(signal);
  if (interrupted) throw interrupted;
  const { past, readable, basis, problem } = await history;
  // First, as when the history was read before the run: the warning names the first problem.
  if (problem) store.problems.unshift(problem);
  const previous = past.at(-1);
  const { run: fresh, traffic } = outcome;
  options.log?.(
    `traffic: ${traffic.httpRequests} HTTP requests carrying ${traffic.rpcCalls} JSON-RPC calls in ${formatDuration(fresh.durationMs)}`,
  );
  const run = withPreviousStatuses(fresh, previous);

  // A report file is read elsewhere, later: it keeps the wide table whatever this terminal's width.
  const plain = async (format: Format) =>
    redactor.apply(
      await render(format, run, { color: false, width: options.width, layout: 'wide', history: past }),
    );
  if (!settings.callerPrints && (settings.format !== 'table' || !settings.watchMs)) {
    options.write(
      redactor.apply(await render(settings.format, run, { ...screenOptions(options), history: past })),
    );
  }
  // Everything below runs after the report is out: a file that cannot be written is said, never a crash.
  const unwritten: string[] = [];
  const reports = [
    ...(options.output ? [{ format: settings.format, file: options.output }] : []),
    ...settings.reports,
  ];
  for (const report of reports) {
    try {
      await writeFileAtomic(resolve(report.file), await plain(report.format));
    } catch (error) {
      unwritten.push(report.file);
      options.warn?.(`could not write the ${report.format} report to ${report.file}: ${causeOf(error)}`);
    }
  }
  if (options.stepSummary) {
    try {
      await appendFile(options.stepSummary, await plain('markdown'));
    } catch (error) {
      options.warn?.(`could not append the summary to ${options.stepSummary}: ${causeOf(error)}`);
    }
  }

  // A history that could not be read is not rewritten: this run's record alone would replace it.
  if (readable) await saveRun(session, key, run, basis);
  warnStateOnce(session);
  if (settings.notify) {
    const failure = await withinDeadline(notifyRun(settings.notify, run, previous), settings);
    if (failure)
      options.warn?.(
        `--notify ${redactUrl(settings.notify.url)} failed: ${redactor.apply(failure)} (the verdict stands)`,
      );
  }
  return { run, previous, unwritten, traffic };
}

/** How the report on stdout is drawn: colour, the terminal's width, and the table's layout. */
export function screenOptions(options: RunCommandOptions) {
  return {
    color: options.stdoutColor,
    width: options.width,
    layout: options.wide ? ('wide' as const) : ('auto' as const),
  };
}

/**
 * The runs before this one; `readable: false` when the history's path cannot be read at all, and
 * `problem` says why. `basis`: what was read, so that saving this run does not parse the same file
 * again (see ReadBasis).
 */
async function readPast(
  session: Session,
  key: string,
): Promise<{ past: RunRecord[]; readable: boolean; basis?: ReadBasis; problem?: StateProblem }> {
  try {
    const history = await readRunHistory(session.store, key, { keepBasis: true });
    // An unusable file, or malformed records, are moved aside when this run is saved, and said then.
    return history.kind === 'ok'
      ? { past: history.value.runs, readable: true, basis: history.basis }
      : { past: [], readable: true };
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    const problem = {
      file: error.path,
      action: 'read',
      message: error.shortMessage,
      code: error.code,
    } as const;
    return { past: [], readable: false, problem };
  }
}

/** Appends this run's record under the history's lock (concurrent runs all keep theirs). */
async function saveRun(session: Session, key: string, run: RunResult, basis?: ReadBasis): Promise<void> {
  const { store, options } = session;
  try {
    // Under a single run's --deadline the lock is waited on only for what is left of the process's time.
    const left = processTimeLeftMs(session.settings, NOTIFY_EXIT_MARGIN_MS);
    const outcome = await appendRun(store, key, run, {
      waitMs: left === undefined ? undefined : Math.min(UPDATE_LOCK_WAIT_MS, left),
      // A run that left checks out is marked, so history does not read its summary as the checklist's.
      marks: { partial: Boolean(options.only?.length || options.skip?.length) },
      basis,
    });
    if (outcome.kind === 'written' && outcome.setAside)
      options.warn?.(
        `run history was unusable (${outcome.setAside.reason}); set aside to ${outcome.setAside.setAsideTo}`,
      );
    if (outcome.malformed)
      options.warn?.(
        `run history: ${outcome.malformed.count} malformed record(s) left out, moved to ${outcome.malformed.movedTo}`,
      );
    if (outcome.kind === 'busy') {
      const who = outcome.holder
        ? `pid ${outcome.holder.pid} on ${outcome.holder.host} since ${outcome.holder.since}`
        : 'a process that has not written its name';
      store.problems.push({
        file: outcome.file,
        action: 'write',
        message: `${outcome.lockFile} is held by ${who} for longer than ${formatDuration(UPDATE_LOCK_WAIT_MS)} (delete it if that process is stuck)`,
      });
    }
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    store.problems.push({ file: error.path, action: 'write', message: error.shortMessage, code: error.code });
  }
}

/** One warning for the run's state problems; under --watch, a warning already given is not repeated. */
function warnStateOnce(session: Session): void {
  const { store, options } = session;
  const problems = store.problems.splice(0);
  const warning = stateWarning(store.dir, problems);
  const said = problems[0]?.message;
  if (!warning || said === undefined || session.stateWarned.has(said)) return;
  session.stateWarned.add(said);
  options.warn?.(warning);
}

/**
 * Time left for the checks. A single run's --deadline counts from process start, because a scheduler's
 * limit (cron overlap, a CI step's timeout) is on the process: loading, reading history, rendering and
 * writing count too, so the checks get what is left minus a margin for what follows them. Under
 * --watch the deadline is per run, counted from the run's start.
 */
function runDeadlineMs(settings: Settings): number | undefined {
  if (settings.deadlineMs === undefined) return undefined;
  if (settings.watchMs || settings.deadlinePerRun) return settings.deadlineMs;
  return Math.floor(processTimeLeftMs(settings, AFTER_RUN_MARGIN_MS) ?? 0);
}

/**
 * The webhook waits up to its own timeout (seconds); under a single run's --deadline it gets only what
 * is left of the process's time, and the process ends with the verdict either way.
 */
async function withinDeadline(
  notified: Promise<string | undefined>,
  settings: Settings,
): Promise<string | undefined> {
  const left = processTimeLeftMs(settings, NOTIFY_EXIT_MARGIN_MS);
  if (left === undefined) return notified;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('no answer before the run deadline'), left);
  });
  try {
    return await Promise.race([notified, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What is left of a single run's --deadline (counted from process start), less a margin; else undefined. */
function processTimeLeftMs(settings: Settings, marginMs: number): number | undefined {
  if (settings.deadlineMs === undefined || settings.watchMs || settings.deadlinePerRun) return undefined;
  return Math.max(0, settings.deadlineMs - process.uptime() * 1000 - marginMs);
}

/** Kept back from --deadline for the process to exit once the webhook has had its turn. */
const NOTIFY_EXIT_MARGIN_MS = 100;

/** Kept back from --deadline for rendering, writing reports and history, and exiting. */
const AFTER_RUN_MARGIN_MS = 300;

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const interrupt = listenForInterrupt();
  try {
    return await runInterruptibly(file, options, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

/**
 * Loads a checklist and everything its runs share — the flags checked against it, the redactor, the
 * state store — for `run` and for each of `serve`'s probes alike.
 */
export async function openSession(
  file: string,
  settings: Settings,
  options: RunCommandOptions,
  stateDir: string,
): Promise<Session> {
  const checklist = await loadChecklist(file);
  checkSelectors(checklist, '--only', options.only);
  checkSelectors(checklist, '--skip', options.skip);
  checkRpcTimeout(checklist, settings);
  const redactor = new Redactor();
  if (options.notify) redactor.addUrl(options.notify);
  return { checklist, settings, options, store: new StateStore(stateDir), redactor, stateWarned: new Set() };
}

async function runInterruptibly(
  file: string,
  options: RunCommandOptions,
  signal: AbortSignal,
): Promise<number> {
  const settings = parseSettings(options);
  const session = await openSession(file, settings, options, stateDirFor(file, options.state));
  if (settings.watchMs) {
    const { watch } = await import('./watch.js');
    return watch(session, settings.watchMs, runOnce, signal);
  }
  const { run, unwritten } = await runOnce(session, signal);
  // A signal that came while the finished run was being written: the report and record are complete
  // (atomic writes), so the run's verdict stands.
  if (signal.aborted)
    options.warn?.('interrupted after the run finished: its report and history were written');
  // A report the user asked for and did not get is a usage problem (the path), whatever the verdict.
  if (unwritten.length) return 2;
  return exitCodeOf(run.results, settings.failOn);
}

export type { Session, Settings };

async function startSpinner(total: number) {
  const { default: ora } = await import('ora');
  // discardStdin (ora's default) puts stdin in raw mode: Ctrl-C then reaches ora as a keystroke instead
  // of the kernel turning it into SIGINT, and nothing can stop the run.
  const spinner = ora({
    text: `running ${total} checks`,
    stream: process.stderr,
    discardStdin: false,
  }).start();
  return {
    update: (result: CheckResult, done: number) => {
      spinner.text = `${done}/${total} checks done (last: ${result.id} ${result.status})`;
    },
    stop: () => spinner.stop(),
  };
}
