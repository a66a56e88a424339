/**
 * Known, user-facing errors. The CLI prints `shortMessage` plus details and exits with `exitCode`;
 * no stack trace. Anything else that escapes is a bug and is reported as one.
 */
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
  suggestion?: string;
}

export function formatProblem(problem: ChecklistProblem): string {
  const { file, line, column } = problem.position;
  const parts = [`${file}:${line}:${column}: ${problem.message}`];
  if (problem.expected) parts.push(`expected ${problem.expected}`);
  if (problem.suggestion) parts.push(`did you mean "${problem.suggestion}"?`);
  return parts.join('; ');
}

/** One or more problems in a checklist file; nothing runs. Exit code 2. */
export class ChecklistError extends L2PreflightError {
  readonly problems: ChecklistProblem[];

  constructor(problems: ChecklistProblem[]) {
    const first = problems[0];
    const head = first ? formatProblem(first) : 'invalid checklist';
    const rest = problems.slice(1).map(formatProblem);
    super(problems.length > 1 ? `${problems.length} problems in the checklist:\n${head}` : head, {
      details: rest,
      exitCode: 2,
    });
    this.problems = problems;
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
