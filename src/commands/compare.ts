/**
 * `l2preflight run A.yaml B.yaml …`: each checklist runs as a single run does (its own session,
 * readers and history, through run's openSession and runOnce), all at once, and one matrix of the
 * venues is printed. Returns the worst venue's exit code.
 */
import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkRegistry } from '../checks/index.js';
import type { RunResult } from '../core/result.js';
import type { Concern } from '../core/vocabulary.js';
import { exitCodeOf } from '../engine/status.js';
import { UsageError } from '../errors.js';
import {
  COMPARISON_FORMATS,
  type ComparisonFormat,
  type ConcernOf,
  renderComparison,
} from '../report/matrix.js';
import { causeOf } from '../state/fsErrors.js';
import { checklistKey, stateDirFor, writeFileAtomic } from '../state/store.js';
import { listenForInterrupt } from './interrupt.js';
import { openSession, parseSettings, type RunCommandOptions, runOnce, type Session } from './run.js';

/** A format a comparison prints, or the usage error that says which it does. */
function comparisonFormat(flag: string, format: string): ComparisonFormat {
  const known = COMPARISON_FORMATS.find((f) => f === format);
  if (known) return known;
  throw new UsageError(
    `${flag} ${format}: a comparison of several checklists prints ${COMPARISON_FORMATS.join(', ')}; run each checklist alone for ${format}`,
  );
}

/** What a comparison cannot do, said before anything runs (exit 2). */
function refuseUnsupported(files: string[], options: RunCommandOptions): void {
  const seen = new Set<string>();
  // A checklist's history and drill journal live under its file name in its state directory: two
  // checklists that map to the same place (prod/base.yaml and staging/base.yaml under one --state)
  // would read each other's drill and previous statuses, and one venue could pass on the other's drill.
  const stateOf = new Map<string, string>();
  for (const file of files) {
    if (seen.has(resolve(file))) throw new UsageError(`${file} is given twice: compare different checklists`);
    seen.add(resolve(file));
    const place = join(resolve(stateDirFor(file, options.state)), checklistKey(file));
    const other = stateOf.get(place);
    if (other !== undefined)
      throw new UsageError(
        `${other} and ${file} would share one run history and drill journal (${place}): give the files different names, or each its own --state`,
      );
    stateOf.set(place, file);
  }
  if (options.watch !== undefined)
    throw new UsageError('--watch runs one checklist: give it a single checklist (one --watch per venue)');
  if (options.notify !== undefined)
    throw new UsageError('--notify follows one checklist: give it a single checklist (one run per venue)');
}

/** Check type → concern, from each type's own declaration. */
function concerns(): ConcernOf {
  return Object.fromEntries(
    [...checkRegistry].map(([type, definition]) => [type, definition.concern] as [string, Concern]),
  );
}

/** The first of the runs' failures (an interruption), after every run has ended. */
async function allRuns(sessions: Session[], signal: AbortSignal): Promise<RunResult[]> {
  const settled = await Promise.allSettled(sessions.map((session) => runOnce(session, signal)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof runOnce>>>).value.run);
}

export async function compareCommand(files: string[], options: RunCommandOptions): Promise<number> {
  const interrupt = listenForInterrupt();
  try {
    return await compare(files, options, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function compare(files: string[], options: RunCommandOptions, signal: AbortSignal): Promise<number> {
  refuseUnsupported(files, options);
  const settings = parseSettings(options);
  const format = comparisonFormat('--format', settings.format);
  const reports = [
    ...(options.output ? [{ format, file: options.output }] : []),
    ...settings.reports.map((r) => ({ format: comparisonFormat('--report', r.format), file: r.file })),
  ];
  // Each venue's run writes no report of its own: this command writes the comparison's.
  const perVenue = { ...settings, reports: [], callerPrints: true };
  // Every checklist is loaded (and its flags checked) before any runs: one invalid, none run.
  const sessions: Session[] = [];
  for (const file of files) {
    sessions.push(
      await openSession(
        file,
        perVenue,
        {
          ...options,
          output: undefined,
          stepSummary: undefined,
          stderrIsTty: false,
          warn: options.warn && ((text) => options.warn?.(`${file}: ${text}`)),
        },
        stateDirFor(file, options.state),
      ),
    );
  }
  const runs = await allRuns(sessions, signal);

  const redact = (text: string) => sessions.reduce((out, s) => s.redactor.apply(out), text);
  const concernOf = concerns();
  options.write(
    redact(renderComparison(format, runs, { color: options.stdoutColor, width: options.width, concernOf })),
  );
  const plain = (f: ComparisonFormat) => redact(renderComparison(f, runs, { color: false, concernOf }));
  let unwritten = false;
  for (const report of reports) {
    try {
      await writeFileAtomic(resolve(report.file), plain(report.format));
    } catch (error) {
      unwritten = true;
      options.warn?.(`could not write the ${report.format} report to ${report.file}: ${causeOf(error)}`);
    }
  }
  if (options.stepSummary) {
    try {
      await appendFile(options.stepSummary, plain('markdown'));
    } catch (error) {
      options.warn?.(`could not append the summary to ${options.stepSummary}: ${causeOf(error)}`);
    }
  }
  if (signal.aborted)
    options.warn?.('interrupted after the runs finished: their reports and history were written');
  if (unwritten) return 2;
  return worstExitCode(runs.map((run) => exitCodeOf(run.results, settings.failOn)));
}

/** 1 over 3 over 0, as a single run ranks a failure over a missing measurement. */
export function worstExitCode(codes: readonly (0 | 1 | 3)[]): 0 | 1 | 3 {
  if (codes.includes(1)) return 1;
  if (codes.includes(3)) return 3;
  return 0;
}
