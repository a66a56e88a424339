/**
 * The enumerations of the checklist format and the JSON report, declared once: the schema validates
 * against these arrays and every type is derived from them, so a new stack or status is one edit.
 */
export const STACKS = ['op-stack', 'arbitrum', 'evm', 'dydx-v4'] as const;
export type Stack = (typeof STACKS)[number];

export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['pass', 'warn', 'fail', 'error', 'skip'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * NO VERDICT: the run cannot back a decision (exit code 3): nothing failed, but a check at or above
 * --fail-on could not measure, or no critical check measured anything. HOLD: a check failed (exit 1).
 */
export const VERDICTS = ['ROUTE', 'HOLD', 'NO VERDICT'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const FAIL_ON = ['fail', 'warn'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Report formats: `--format`, `--report FORMAT=FILE`. */
export const FORMATS = ['table', 'json', 'junit', 'markdown', 'prometheus'] as const;
export type Format = (typeof FORMATS)[number];
