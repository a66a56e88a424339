/**
 * The HTTP side of a chain reader: every RPC URL of one chain, each behind its JSON-RPC client (httpRpc.ts:
 * batching, the per-request timeout that also covers a body that stalls, the response size cap), and
 * one hedged transport over them for the viem client.
 *
 * Why not viem's `fallback`: it tries endpoints one after another, so a URL that hangs costs every
 * request its whole timeout before the next URL is asked, and it forgets between requests that the
 * URL hung. Here a request goes to the preferred endpoint; when that has not answered within the hedge
 * delay, the same request also goes to the next one and the first good answer wins. An endpoint that
 * failed (timeout, refused, HTTP error, bad JSON, wrong chain) or lost a race is tried last for the rest
 * of the run. Deterministic answers (a revert) are returned as they are: another node would say the same.
 */
import { createTransport, type EIP1193RequestFn, type Transport } from 'viem';
import { type RpcChain, RpcEndpointError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import { httpRpc } from './httpRpc.js';
import { redactUrl } from './redact.js';
import { allFailedMessage, classifyRpcFailure } from './rpcErrors.js';

/** Per HTTP request (connect, headers and body), unless `--rpc-timeout` or `defaults.rpcTimeout` say otherwise. */
export const DEFAULT_RPC_TIMEOUT_MS = 3_000;
/** A JSON-RPC answer larger than this is refused while it streams in (a 50 MB body is never buffered). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** A third of the request timeout, at most 1 s: a healthy endpoint answers well within it. */
export function defaultHedgeDelay(timeoutMs: number): number {
  return Math.max(1, Math.min(1_000, Math.round(timeoutMs / 3)));
}

/**
 * The per-request timeout a run uses. An explicit value (flag or checklist) must leave room inside the
 * check's timeout; the default is clamped to half the check timeout, so a failed request still leaves
 * time for the next endpoint.
 */
export function resolveRpcTimeout(checkTimeoutMs: number, explicitMs?: number): number {
  if (explicitMs !== undefined) return explicitMs;
  return Math.max(1, Math.min(DEFAULT_RPC_TIMEOUT_MS, Math.floor(checkTimeoutMs / 2)));
}

/** Why an explicit rpc timeout cannot work with this check timeout, or undefined when it can. */
export function rpcTimeoutProblem(rpcTimeoutMs: number, checkTimeoutMs: number): string | undefined {
  return rpcTimeoutMs < checkTimeoutMs
    ? undefined
    : `the RPC timeout (${formatDuration(rpcTimeoutMs)}) must be below the check timeout (${formatDuration(checkTimeoutMs)}): a check would end before its first request could fail over`;
}

type RequestArgs = { method: string; params?: unknown };

/** How a request should rank an endpoint for the rest of the run (lower goes first). */
const Standing = {
  Healthy: 0,
  /** Lost a hedge race: answered later than the next endpoint. */
  Slow: 1,
  /** Timed out, refused, answered an HTTP error or something that is not JSON-RPC, or another chain. */
  Failed: 2,
} as const;

export class Endpoint {
  /** `#2 https://host/…`: numbered as the checklist lists the URLs, redacted. */
  readonly label: string;
  requests = 0;
  calls = 0;
  failures = 0;
  standing: number = Standing.Healthy;
  /** Passed the gate (its chain id checked): preferred over one whose check is still pending. */
  admitted = false;
  private readonly send: EIP1193RequestFn;

  constructor(
    readonly index: number,
    readonly url: string,
    timeoutMs: number,
  ) {
    this.label = `#${index + 1} ${redactUrl(url)}`;
    this.send = httpRpc(url, {
      timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      // Counts HTTP requests and the JSON-RPC calls they carry, for `--debug` and the report's endpoints.
      onRequest: (calls) => {
        this.requests += 1;
        this.calls += calls;
      },
    });
  }

  async request(args: RequestArgs, signal?: AbortSignal): Promise<unknown> {
    const result = await this.send(args as Parameters<EIP1193RequestFn>[0], signal ? { signal } : undefined);
    // JSON that is not a JSON-RPC response (`{}`, a number) leaves no result: viem passes it on as undefined.
    if (result === undefined) throw new Error('a JSON-RPC response without result or error');
    return result;
  }
}

export interface EndpointPoolOptions {
  chain: RpcChain;
  urls: string[];
  timeoutMs: number;
  hedgeDelayMs: number;
  /** The run's: aborting it rejects every request at once and cancels its HTTP requests. */
  signal?: AbortSignal;
  /**
   * Resolves when the endpoint may serve reads (its chain id checked), rejects with why not. Called
   * before each request to the endpoint; the reader memoizes it.
   */
  gate?: (endpoint: Endpoint) => Promise<void>;
}

export class EndpointPool {
  readonly endpoints: Endpoint[];
  readonly chain: RpcChain;
  readonly timeoutMs: number;
  readonly hedgeDelayMs: number;
  private readonly signal?: AbortSignal;
  private readonly gate: (endpoint: Endpoint) => Promise<void>;
  /** Set when a live endpoint serves another chain: every later request of the run fails with it. */
  fatal?: Error;

  constructor(options: EndpointPoolOptions) {
    this.chain = options.chain;
    this.timeoutMs = options.timeoutMs;
    this.hedgeDelayMs = options.hedgeDelayMs;
    this.signal = options.signal;
    this.gate = options.gate ?? (async () => {});
    this.endpoints = options.urls.map((url, index) => new Endpoint(index, url, options.timeoutMs));
  }

  /** Position in the reader's freshness order (freshest head first); unranked endpoints after. */
  private readonly freshness = new Map<Endpoint, number>();
  /** Endpoints whose head is past the chain's bound while another is within it: never asked. */
  private readonly benched = new Set<Endpoint>();

  /** The reader's head probe: `serving` freshest first; `benched` could only answer with old state. */
  rank(serving: readonly number[], benched: readonly number[]): void {
    serving.forEach((index, position) => {
      const endpoint = this.endpoints[index];
      if (endpoint) this.freshness.set(endpoint, position);
    });
    for (const index of benched) {
      const endpoint = this.endpoints[index];
      if (endpoint) this.benched.add(endpoint);
    }
  }

  /**
   * Healthy endpoints first, then slow, then failed; admitted before unchecked; then the freshest head;
   * else the checklist's order. Benched (stale) endpoints are left out.
   */
  preferred(): Endpoint[] {
    const candidates = this.endpoints.filter((e) => !this.benched.has(e));
    const position = (e: Endpoint) => this.freshness.get(e) ?? Number.MAX_SAFE_INTEGER;
    return (candidates.length > 0 ? candidates : [...this.endpoints]).sort(
      (a, b) =>
        a.standing - b.standing ||
        Number(b.admitted) - Number(a.admitted) ||
        position(a) - position(b) ||
        a.index - b.index,
    );
  }

  /** The error for one endpoint's failure, or undefined for a deterministic answer (pass it through). */
  failure(endpoint: Endpoint, error: unknown): RpcEndpointError | undefined {
    if (error instanceof RpcEndpointError) return error;
    if (this.signal?.aborted) return this.aborted(endpoint);
    const classified = classifyRpcFailure(error, this.timeoutMs);
    if (!classified) return undefined;
    return new RpcEndpointError(
      this.chain,
      endpoint.label,
      classified.cause,
      `${this.chain} RPC ${endpoint.label} ${classified.says}`,
    );
  }

  private aborted(endpoint: Endpoint): RpcEndpointError {
    const reason = this.signal?.reason;
    const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
    return new RpcEndpointError(
      this.chain,
      endpoint.label,
      'aborted',
      `${this.chain} RPC ${endpoint.label} request aborted${why}`,
    );
  }

  /** Counts a failure against the endpoint (not an abort: that is the run's doing). */
  private fail(endpoint: Endpoint, error: unknown): RpcEndpointError | undefined {
    const failure = this.failure(endpoint, error);
    if (failure && failure.cause !== 'aborted') {
      endpoint.failures += 1;
      endpoint.standing = Standing.Failed;
    }
    return failure;
  }

  /** Whether the endpoint may serve reads (the gate: its chain id), as an RpcEndpointError when not. */
  async admit(endpoint: Endpoint): Promise<void> {
    try {
      await this.gate(endpoint);
      endpoint.admitted = true;
    } catch (error) {
      throw this.fail(endpoint, error) ?? error;
    }
  }

  /** One request through one endpoint: gated, classified, counted. */
  async direct(endpoint: Endpoint, args: RequestArgs): Promise<unknown> {
    await this.admit(endpoint);
    try {
      return await endpoint.request(args, this.signal);
    } catch (error) {
      throw this.fail(endpoint, error) ?? error;
    }
  }

  /**
   * The hedged request: the preferred endpoint first; the next one as soon as an endpoint fails, or when
   * none has answered within the hedge delay. First good answer wins; the others are left to end by
   * their own timeout (they share a JSON-RPC batch with other calls, so they cannot be cancelled alone).
   */
  request(args: RequestArgs, endpoints: Endpoint[] = this.preferred()): Promise<unknown> {
    if (this.fatal) return Promise.reject(this.fatal);
    // A transaction is sent once, to one endpoint: never raced (the readers only read; this is a guard).
    const order = args.method.startsWith('eth_send') ? endpoints.slice(0, 1) : endpoints;
    const signal = this.signal;
    return new Promise((resolve, reject) => {
      const failures: RpcEndpointError[] = [];
      const inFlight = new Set<Endpoint>();
      let next = 0;
      let done = false;
      let hedge: ReturnType<typeof setTimeout> | undefined;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(hedge);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => finish(() => reject(this.aborted(order[0] as Endpoint)));
      const launch = () => {
        clearTimeout(hedge);
        const endpoint = order[next++];
        if (done || !endpoint) return;
        inFlight.add(endpoint);
        if (next < order.length) hedge = setTimeout(launch, this.hedgeDelayMs);
        this.direct(endpoint, args).then(
          (result) => {
            inFlight.delete(endpoint);
            if (done) return;
            // Whoever was asked before the winner and is still silent lost the race: ask it later from now on.
            for (const slow of inFlight) {
              if (order.indexOf(slow) < order.indexOf(endpoint))
                slow.standing = Math.max(slow.standing, Standing.Slow);
            }
            finish(() => resolve(result));
          },
          (error: unknown) => {
            inFlight.delete(endpoint);
            // A deterministic answer, the run's abort, or a live endpoint on another chain: no failover.
            if (
              !(error instanceof RpcEndpointError) ||
              error.cause === 'aborted' ||
              error.cause === 'wrong-chain'
            ) {
              finish(() => reject(error));
              return;
            }
            failures.push(error);
            if (next < order.length) launch();
            else if (inFlight.size === 0) {
              const first = failures[0] as RpcEndpointError;
              finish(() =>
                reject(
                  failures.length === 1
                    ? first
                    : new RpcEndpointError(
                        this.chain,
                        first.endpoint,
                        first.cause,
                        allFailedMessage(this.chain, failures),
                        failures,
                      ),
                ),
              );
            }
          },
        );
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      launch();
    });
  }

  /** A viem transport: hedged over every endpoint, or direct to one (for comparing endpoints). */
  transport(only?: Endpoint): Transport<'hedged'> {
    return () =>
      createTransport({
        key: 'hedged',
        name: 'Hedged JSON-RPC',
        type: 'hedged',
        retryCount: 0,
        timeout: this.timeoutMs,
        request: (async ({ method, params }: RequestArgs) =>
          this.request({ method, params }, only ? [only] : undefined)) as EIP1193RequestFn,
      });
  }
}
