/**
 * Known, user-facing errors. The CLI prints `shortMessage` plus details and exits with `exitCode`;
 * no stack trace. Anything else that escapes is a bug and is reported as one.
 */
import { didYouMean } from './core/spelling.js';
export class L2PreflightError extends Error {
  readonly shortMessage: string;
  readonly details: string[];
  readonly exitCode: number;

  constructor(
    shortMessage: string,
    options: { details?: string[]; exitCode?: number; cause?: unknown } = {},
  ) {
    super([shortMessage, ...(options.details ?? [])].join('\n'), { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details ?? [];
    this.exitCode = options.exitCode ?? 2;
  }
}

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface ChecklistProblem {
  position: SourcePosition;
  message: string;
  expected?: string;
  /** The spelling that works; two when a value reads either way (`30000ms` or `30000s`). */
  suggestion?: string | string[];
  /** The value at `position` is an RPC URL (a key may be in it in any shape): its excerpt blanks it. */
  secretValue?: true;
}

export function formatProblem(problem: ChecklistProblem): string {
  const { file, line, column } = problem.position;
  const parts = [`${file}:${line}:${column}: ${problem.message}`];
  if (problem.expected) parts.push(`expected ${problem.expected}`);
  const guess = didYouMean(problem.suggestion);
  if (guess) parts.push(guess);
  return parts.join('; ');
}

/** The source line under a problem, ready to show: see checklist/excerpt.ts for what it hides. */
export interface SourceExcerpt {
  line: number;
  text: string;
  /** 0-based cell in `text` the caret goes under. */
  caret: number;
}

/** `  13 |     max: 30 sec` and a caret line under it, as compilers print them. */
export function renderExcerpt(excerpt: SourceExcerpt): string {
  const number = String(excerpt.line);
  const gutter = ' '.repeat(number.length);
  return `  ${number} | ${excerpt.text}\n  ${gutter} | ${' '.repeat(excerpt.caret)}^`;
}

function formatWithExcerpt(problem: ChecklistProblem, excerpt: SourceExcerpt | undefined): string {
  return excerpt ? `${formatProblem(problem)}\n${renderExcerpt(excerpt)}` : formatProblem(problem);
}

/**
 * One or more problems in a checklist file; nothing runs. Exit code 2. `excerpts[i]`, when the loader
 * had the text, is the source line under `problems[i]` (kept apart so a problem stays plain data).
 */
export class ChecklistError extends L2PreflightError {
  readonly problems: ChecklistProblem[];
  readonly excerpts: (SourceExcerpt | undefined)[];

  constructor(problems: ChecklistProblem[], excerpts: (SourceExcerpt | undefined)[] = []) {
    const [first, ...others] = problems.map((problem, i) => formatWithExcerpt(problem, excerpts[i]));
    const head = first ?? 'invalid checklist';
    super(problems.length > 1 ? `${problems.length} problems in the checklist:\n${head}` : head, {
      details: others,
      exitCode: 2,
    });
    this.problems = problems;
    this.excerpts = excerpts;
  }
}

/** Bad command-line usage or environment (unknown format, missing file, unreadable key). Exit code 2. */
export class UsageError extends L2PreflightError {
  constructor(shortMessage: string, details: string[] = []) {
    super(shortMessage, { details, exitCode: 2 });
  }
}

/**
 * The devnet could not start or be driven (port in use, anvil failed, contracts missing). Exit code 2,
 * like any command that could not do what was asked: 1 means HOLD, a verdict nothing here reached.
 */
export class DevnetError extends L2PreflightError {
  constructor(shortMessage: string, details: string[] = [], cause?: unknown) {
    super(shortMessage, { details, exitCode: 2, cause });
  }
}

/**
 * Ctrl-C (SIGINT) or SIGTERM stopped a run before it finished: no report, no history record. Exits as
 * a signalled process would (130, 143), like the drill.
 */
export class InterruptedError extends L2PreflightError {
  readonly signal: 'SIGINT' | 'SIGTERM';

  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}: the run was stopped; no report written, no history recorded`, {
      exitCode: signal === 'SIGTERM' ? 143 : 130,
    });
    this.signal = signal;
  }
}

/**
 * The state directory (run history, per-check history, the drill journal) cannot be used as asked: a
 * path that is a file where a directory belongs (or the reverse), no permission, a read-only disk.
 * Names the path and the cause. Exit code 2: the path is the user's to fix.
 */
export class StateError extends L2PreflightError {
  readonly path: string;
  /** The errno code behind it (EACCES, ENOTDIR, EISDIR, EROFS…), when there is one. */
  readonly code?: string;

  constructor(shortMessage: string, path: string, code?: string, cause?: unknown) {
    super(shortMessage, { exitCode: 2, cause });
    this.path = path;
    this.code = code;
  }
}
