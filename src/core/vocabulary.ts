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

/**
 * What a desk asks about a venue, in the order a comparison matrix shows them: each check type declares
 * the one it answers (its definition's `concern`), so `run A.yaml B.yaml` can group checks by concern.
 */
export const CONCERNS = [
  'sequencer',
  'reorgs',
  'oracles',
  'insurance',
  'fees',
  'liquidation',
  'governance',
  'withdrawals',
] as const;
export type Concern = (typeof CONCERNS)[number];

export const FAIL_ON = ['fail', 'warn'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Report formats: `--format`, `--report FORMAT=FILE`. */
export const FORMATS = ['table', 'json', 'junit', 'markdown', 'prometheus', 'html'] as const;
export type Format = (typeof FORMATS)[number];
/**
 * Why a check has no judgement, as the JSON result's `errorKind` says it: a script switches on these
 * (README "Reports" lists them). A result with status `error` always has one; a `skip` has
 * `not-applicable` when the check found it does not apply. Append; never rename.
 */
export const ERROR_KINDS = [
  /** The chain answered, but not with something the check can judge (missing round, revert). */
  'measurement',
  /** The check does not apply to this venue (a `skip`). */
  'not-applicable',
  /** The check outlived its own timeout. */
  'timeout',
  /** The run's --deadline ended the check. */
  'deadline',
  /** The run was interrupted (Ctrl-C in --watch) before the check finished. */
  'interrupted',
  /** The freshest endpoint's head is older than the chain's bound: a state read would be stale. */
  'stale-read',
  /** Every endpoint of a chain failed (refused, timed out, HTTP error, not JSON-RPC). */
  'rpc',
  /** An endpoint serves another chain id than the checklist declares. */
  'chain-mismatch',
  /** An endpoint answered JSON-RPC, but not in the shape the spec promises (a block without a hash). */
  'malformed-response',
  /** This machine's clock is behind the chain head by more than the tolerance. */
  'clock',
  /** An exception nobody planned for: a bug in l2preflight (please report it). */
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
