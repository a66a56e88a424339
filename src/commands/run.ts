/** `l2preflight run`: load, run (once or --watch), render, write reports, remember; returns the exit code. */
import { appendFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadChecklist } from '../checklist/load.js';
import type { Checklist } from '../checklist/model.js';
import { suggest } from '../checklist/suggest.js';
import { formatDuration, parseDuration, UnitError } from '../checklist/units.js';
import { Redactor, redactUrl } from '../engine/redact.js';
import type { CheckResult, FailOn, RunResult } from '../engine/result.js';
import { runChecklist } from '../engine/run.js';
import { exitCodeOf } from '../engine/status.js';
import { UsageError } from '../errors.js';
import { FORMATS, type Format, render } from '../report/index.js';
import { appendRun, type RunRecord, readRunHistory, withPreviousStatuses } from '../state/runs.js';
import { checklistKey, StateStore, writeFileAtomic } from '../state/store.js';
import { notifyVerdictChange } from './notify.js';

export interface RunCommandOptions {
  format?: string;
  output?: string;
  /** Extra reports, each `FORMAT=FILE`. */
  report?: string[];
  only?: string[];
  skip?: string[];
  failOn?: string;
  timeout?: string;
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
  /** GITHUB_STEP_SUMMARY, when the CI sets it: the Markdown summary is appended there. */
  stepSummary?: string;
  version: string;
  /** Whether stdout is a terminal and colour is allowed (decided by the CLI layer). */
  stdoutColor: boolean;
  stdoutIsTty?: boolean;
  stderrIsTty: boolean;
  width?: number;
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
  clockToleranceMs?: number;
  maxBlockAgeMs?: number;
  deadlineMs?: number;
  watchMs?: number;
}

function durationOption(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    if (error instanceof UnitError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
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

function parseSettings(options: RunCommandOptions): Settings {
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
  if (options.notify !== undefined) {
    try {
      const { protocol } = new URL(options.notify);
      if (protocol !== 'http:' && protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError('--notify: expected an http(s) URL');
    }
  }
  return {
    format: choice('--format', options.format, FORMATS, 'table'),
    failOn: choice('--fail-on', options.failOn, ['fail', 'warn'] as const, 'fail'),
    reports,
    concurrency,
    timeoutMs: durationOption('--timeout', options.timeout),
    clockToleranceMs: durationOption('--clock-tolerance', options.clockTolerance),
    maxBlockAgeMs: durationOption('--max-block-age', options.maxBlockAge),
    deadlineMs: durationOption('--deadline', options.deadline),
    watchMs: durationOption('--watch', options.watch),
  };
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

interface Session {
  checklist: Checklist;
  settings: Settings;
  options: RunCommandOptions;
  store: StateStore;
  redactor: Redactor;
}

/** One run: history in, checks, reports out, history and notification after. */
async function runOnce(
  session: Session,
  signal?: AbortSignal,
): Promise<{ run: RunResult; previous?: RunRecord }> {
  const { checklist, settings, options, store, redactor } = session;
  const key = checklistKey(checklist.file);
  const history = await readRunHistory(store, key);
  if (history.kind === 'set-aside')
    options.warn?.(`run history was unusable (${history.reason}); set aside to ${history.setAsideTo}`);
  const past = history.kind === 'ok' ? history.value.runs : [];
  const previous = past.at(-1);

  const spinner =
    options.stderrIsTty && settings.format === 'table' && !settings.watchMs
      ? await startSpinner(checklist.checks.length)
      : undefined;
  const { run: fresh, traffic } = await runChecklist(checklist, {
    failOn: settings.failOn,
    only: options.only,
    skip: options.skip,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    clockToleranceMs: settings.clockToleranceMs,
    maxBlockAgeMs: settings.maxBlockAgeMs,
    deadlineMs: settings.deadlineMs,
    version: options.version,
    redactor,
    stateDir: store.dir,
    signal,
    onResult: spinner?.update,
  });
  spinner?.stop();
  options.log?.(
    `traffic: ${traffic.httpRequests} HTTP requests carrying ${traffic.rpcCalls} JSON-RPC calls in ${formatDuration(fresh.durationMs)}`,
  );
  const run = withPreviousStatuses(fresh, previous);

  const plain = (format: Format) =>
    redactor.apply(render(format, run, { color: false, width: options.width }));
  if (settings.format !== 'table' || !settings.watchMs) {
    options.write(
      redactor.apply(render(settings.format, run, { color: options.stdoutColor, width: options.width })),
    );
  }
  if (options.output) await writeFileAtomic(resolve(options.output), plain(settings.format));
  for (const report of settings.reports) await writeFileAtomic(resolve(report.file), plain(report.format));
  if (options.stepSummary) await appendFile(options.stepSummary, plain('markdown'));

  await appendRun(store, key, past, run);
  if (options.notify) {
    const failure = await notifyVerdictChange(options.notify, run, previous);
    if (failure)
      options.warn?.(
        `--notify ${redactUrl(options.notify)} failed: ${redactor.apply(failure)} (the verdict stands)`,
      );
  }
  return { run, previous };
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const settings = parseSettings(options);
  const checklist = await loadChecklist(file);
  checkSelectors(checklist, '--only', options.only);
  checkSelectors(checklist, '--skip', options.skip);
  const redactor = new Redactor();
  if (options.notify) redactor.addUrl(options.notify);
  const session: Session = {
    checklist,
    settings,
    options,
    store: new StateStore(options.state ?? join(dirname(file), '.l2preflight')),
    redactor,
  };
  if (settings.watchMs) {
    const { watch } = await import('./watch.js');
    return watch(session, settings.watchMs, runOnce);
  }
  const { run } = await runOnce(session);
  return exitCodeOf(run.results, settings.failOn);
}

export type { Session };

async function startSpinner(total: number) {
  const { default: ora } = await import('ora');
  const spinner = ora({ text: `running ${total} checks`, stream: process.stderr }).start();
  return {
    update: (result: CheckResult, done: number) => {
      spinner.text = `${done}/${total} checks done (last: ${result.id} ${result.status})`;
    },
    stop: () => spinner.stop(),
  };
}
