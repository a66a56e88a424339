/**
 * Everything a check, a reader or the engine throws on purpose, in one module (viem's `src/errors/` is
 * the model): each class has a stable `name` and a `kind` (vocabulary.ts ERROR_KINDS) that the JSON
 * result carries as `errorKind`, so a script can tell a dead endpoint from a stale one from a bug
 * without parsing messages. `classifyError` turns any thrown value into that kind and the message the
 * report shows. Leaf module: protocols, venues, rpc, checks and the engine import it; it imports
 * nothing of ours (viem only, for RpcEndpointError's base).
 */
import { BaseError } from 'viem';
import { formatDuration } from './units.js';
import type { ErrorKind } from './vocabulary.js';

/** Which chain an RPC error or a stale head belongs to (a checked reference chain is `reference`). */
export type RpcChain = 'l1' | 'l2' | 'reference';

/**
 * Base of our own errors: a `kind` for the report, a `name` that survives bundling (not the
 * constructor's), and optional evidence that becomes the result's `evidence`.
 */
export abstract class L2PreflightError extends Error {
  abstract readonly kind: ErrorKind;
  abstract override readonly name: string;
  readonly evidence?: Record<string, unknown>;
  constructor(message: string, options: { evidence?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.evidence = options.evidence;
  }
}

/** The check does not apply here (e.g. divergence with a single endpoint): reported as `skip`. */
export class NotApplicable extends L2PreflightError {
  readonly kind = 'not-applicable';
  override readonly name = 'NotApplicable';
}

/**
 * The check could not measure (e.g. the round is missing, the contract reverted). Becomes `error`,
 * never `pass`.
 */
export class MeasurementError extends L2PreflightError {
  readonly kind = 'measurement';
  override readonly name = 'MeasurementError';
  constructor(message: string, evidence?: Record<string, unknown>) {
    super(message, { evidence });
  }
}

/** The check outlived its own timeout (the check's `timeout`, else defaults.timeout). */
export class CheckTimeoutError extends L2PreflightError {
  readonly kind = 'timeout';
  override readonly name = 'CheckTimeoutError';
}

/** The run's deadline passed: the checks it ends are reported as cut by the deadline. */
export class DeadlineError extends L2PreflightError {
  readonly kind = 'deadline';
  override readonly name = 'DeadlineError';
}

/** The caller stopped the run (Ctrl-C in --watch) or the run ended with reads still in flight. */
export class InterruptedError extends L2PreflightError {
  readonly kind = 'interrupted';
  override readonly name = 'InterruptedError';
}

/** The endpoint answered, but not with what the JSON-RPC spec promises. */
export class MalformedResponseError extends L2PreflightError {
  readonly kind = 'malformed-response';
  override readonly name = 'MalformedResponseError';
}

/**
 * A state read at a block older than the chain's bound: the value would be judged against this
 * machine's clock as if it were current. The check is `error`, never `pass`.
 */
export class StaleReadError extends L2PreflightError {
  readonly kind = 'stale-read';
  override readonly name = 'StaleReadError';
  constructor(
    readonly chain: RpcChain,
    readonly head: { endpoint: string; block: bigint },
    readonly ageMs: number,
    readonly boundMs: number,
    /** Every endpoint's head and its age, for the evidence. */
    endpoints: readonly { endpoint: string; block: number; ageMs: number }[],
  ) {
    const others = endpoints.length > 1 ? `, the freshest of ${endpoints.length} endpoints` : '';
    super(
      `${chain} RPC ${head.endpoint} serves block ${head.block}, ${formatDuration(ageMs)} old` +
        ` (bound ${formatDuration(boundMs)}${others}): a state read there would be judged as fresh`,
      {
        evidence: {
          staleness: { chain, block: Number(head.block), ageMs: Math.round(ageMs), boundMs, endpoints },
        },
      },
    );
  }
}

/** Why one endpoint failed, as rpc/rpcErrors.ts classifies viem's transport errors. */
export type RpcFailureCause =
  | 'refused'
  | 'dns'
  | 'tls'
  | 'http-401'
  | 'http-403'
  | 'http-429'
  | 'http-5xx'
  | 'http-other'
  | 'timeout'
  | 'aborted'
  | 'bad-json'
  | 'wrong-chain'
  | 'rpc-error'
  | 'too-large';

/**
 * One endpoint failed (or, with `failures`, every endpoint of the chain did), in words a desk can act
 * on: which chain, which endpoint (redacted, numbered as the checklist lists it) and the class of the
 * cause. The message is built from what we know (status, error codes, our own timeout), never from the
 * bytes the endpoint sent.
 *
 * A viem BaseError, not an L2PreflightError: it is thrown inside our transport, and viem's request
 * layer passes a BaseError through as it is but wraps anything else in an "unknown RPC error" whose
 * message and details would replace ours. viem's outer errors (a contract call's) keep it as `cause`,
 * where `error.walk()` and classifyError find it. The message is kept to the one line (no viem
 * version and docs lines).
 */
export class RpcEndpointError extends BaseError {
  readonly kind: ErrorKind = 'rpc';
  readonly chain: RpcChain;
  /** Redacted and numbered: `#2 https://host/…`. */
  readonly endpoint: string;
  override readonly cause: RpcFailureCause;
  /** When every endpoint failed: what each one did, in the order they were tried. */
  readonly failures: RpcEndpointError[];

  constructor(
    chain: RpcChain,
    endpoint: string,
    cause: RpcFailureCause,
    message: string,
    failures: RpcEndpointError[] = [],
  ) {
    super(message, { name: 'RpcEndpointError' });
    this.message = message;
    this.chain = chain;
    this.endpoint = endpoint;
    this.cause = cause;
    this.failures = failures;
  }
}

/** A live endpoint serves another chain than the checklist declares: the whole chain fails. */
export class ChainMismatchError extends RpcEndpointError {
  override readonly kind: ErrorKind = 'chain-mismatch';
  override readonly name = 'ChainMismatchError';
}

/** Ours: the errors whose `kind` classifyError trusts. */
function isOurs(value: unknown): value is L2PreflightError | RpcEndpointError {
  return value instanceof L2PreflightError || value instanceof RpcEndpointError;
}

/**
 * The first error in `error`'s `cause` chain (itself included) that `match` accepts, like viem's
 * `BaseError.walk` but for any thrown value. Bounded: a cycle of causes cannot hang a run.
 */
export function walkCauses(error: unknown, match: (error: unknown) => boolean): unknown {
  let current = error;
  for (let depth = 0; depth < 8 && current !== null && current !== undefined; depth++) {
    if (match(current)) return current;
    if (typeof current !== 'object' || !('cause' in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}

/** The one line a report shows: viem's short message (without its docs and version lines) and details. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    const details = (error as { details?: unknown }).details;
    const base = typeof short === 'string' ? short : error.message;
    return typeof details === 'string' && details && !base.includes(details) ? `${base} (${details})` : base;
  }
  return String(error);
}

export interface ClassifiedError {
  kind: ErrorKind;
  /** For the result's message, after `could not measure: ` (or `not applicable: `). */
  message: string;
  evidence?: Record<string, unknown>;
}

/**
 * What a thrown value means for the report. Ours carry their kind, also when viem wrapped them (a
 * contract read that failed on every endpoint is a ContractFunctionExecutionError around an
 * RpcEndpointError); any other viem error is about what the chain answered (a revert, no contract
 * code, an undecodable result): `measurement`. Anything else nobody planned for: `internal`, a bug.
 */
export function classifyError(error: unknown): ClassifiedError {
  const ours = walkCauses(error, isOurs) as L2PreflightError | RpcEndpointError | undefined;
  const kind: ErrorKind = ours ? ours.kind : error instanceof BaseError ? 'measurement' : 'internal';
  const evidence =
    (error as { evidence?: Record<string, unknown> } | undefined)?.evidence ??
    (ours instanceof L2PreflightError ? ours.evidence : undefined);
  return { kind, message: errorMessage(error), ...(evidence ? { evidence } : {}) };
}
