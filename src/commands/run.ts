/** `l2preflight run`: load, run, render, write; returns the exit code. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadChecklist } from '../checklist/load.js';
import type { Checklist } from '../checklist/model.js';
import { suggest } from '../checklist/suggest.js';
import { formatDuration, parseDuration, UnitError } from '../checklist/units.js';
import { Redactor } from '../engine/redact.js';
import type { CheckResult, FailOn } from '../engine/result.js';
import { runChecklist } from '../engine/run.js';
import { exitCodeOf } from '../engine/status.js';
import { UsageError } from '../errors.js';
import { FORMATS, type Format, render } from '../report/index.js';

export interface RunCommandOptions {
  format?: string;
  output?: string;
  only?: string[];
  skip?: string[];
  failOn?: string;
  timeout?: string;
  deadline?: string;
  concurrency?: string;
  /** Where run history lives; default `.l2preflight/` next to the checklist. */
  state?: string;
  version: string;
  /** Whether stdout/stderr are terminals and colour is allowed (decided by the CLI layer). */
  stdoutColor: boolean;
  stderrIsTty: boolean;
  width?: number;
  write: (text: string) => void;
  /** For traffic figures (`--debug`). */
  log?: (text: string) => void;
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

/** Atomic: a crash mid-write never leaves a truncated report for a CI job to misread. */
async function writeAtomic(file: string, content: string): Promise<void> {
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, target);
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const format: Format = choice('--format', options.format, FORMATS, 'table');
  const failOn: FailOn = choice('--fail-on', options.failOn, ['fail', 'warn'] as const, 'fail');
  const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UsageError(`--concurrency: expected a whole number >= 1, got "${options.concurrency}"`);
  }
  const timeoutMs = durationOption('--timeout', options.timeout);
  const deadlineMs = durationOption('--deadline', options.deadline);

  const checklist = await loadChecklist(file);
  checkSelectors(checklist, '--only', options.only);
  checkSelectors(checklist, '--skip', options.skip);
  const redactor = new Redactor();
  const spinner =
    options.stderrIsTty && format === 'table' ? await startSpinner(checklist.checks.length) : undefined;
  const { run, traffic } = await runChecklist(checklist, {
    failOn,
    only: options.only,
    skip: options.skip,
    concurrency,
    timeoutMs,
    deadlineMs,
    version: options.version,
    redactor,
    stateDir: options.state ?? join(dirname(file), '.l2preflight'),
    onResult: spinner?.update,
  });
  spinner?.stop();
  options.log?.(
    `traffic: ${traffic.httpRequests} HTTP requests carrying ${traffic.rpcCalls} JSON-RPC calls in ${formatDuration(run.durationMs)}`,
  );

  const rendered = render(format, run, { color: options.stdoutColor, width: options.width });
  options.write(redactor.apply(rendered));
  if (options.output) {
    await writeAtomic(
      options.output,
      redactor.apply(render(format, run, { color: false, width: options.width })),
    );
  }
  return exitCodeOf(run.results, failOn);
}

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
