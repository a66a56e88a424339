/**
 * JSON-RPC over node:http/node:https for one endpoint: what viem's `http` transport does (calls of the
 * same tick sent as one batch, a timeout that covers connect, headers and body, a response size cap read
 * as it streams, the run's abort signal, 307/308 redirects), throwing the same viem errors, so that
 * rpcErrors.ts and viem's contract-read decoding see no difference. Unlike viem, batch answers are
 * matched to calls by id, and a kept-alive socket the server had closed is retried once.
 *
 * Why not viem's `http`: it goes through `fetch` and `Headers`, and on Node 20 the first use of either
 * loads and compiles undici and its WebAssembly HTTP parser, which cost a cold `run` about a fifth of its
 * CPU before the first byte went out. node:http is part of Node's startup snapshot and parses in C++.
 */

import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import {
  createTransport,
  type EIP1193RequestFn,
  HttpRequestError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
} from 'viem';
import { redactUrl } from './redact.js';

type RpcCall = { method: string; params?: unknown };
type RpcRequest = RpcCall & { jsonrpc: '2.0'; id: number };
type RpcError = { code: number; message: string; data?: unknown };
type RpcResponse = { id?: number; result?: unknown; error?: RpcError };

export interface HttpRpcOptions {
  /** Per batch: connect, headers and body of its HTTP request, and of any redirect or retry it takes. */
  timeoutMs: number;
  /** A body larger than this is refused while it streams in. */
  maxResponseBytes: number;
  /** Before each HTTP request, with the calls it carries (for counting). */
  onRequest?: (calls: number) => void;
}

/**
 * node:https loads TLS, which an http:// endpoint never needs: required on first use. Not `import()`:
 * the CommonJS build runs under vm.Script (bin/), which has no loader for dynamic imports.
 */
let httpsModule: typeof import('node:https') | undefined;
const https = () => {
  httpsModule ??= createRequire(import.meta.url)('node:https') as typeof import('node:https');
  return httpsModule;
};

/** Calls per HTTP request at most (viem's default batch size); more go in another request. */
const MAX_BATCH = 1_000;

/** Rejection of a request that timed out; replaced by viem's TimeoutError, which names the body and URL. */
const timedOut = new Error('timed out');

/** viem's abort error: the signal's reason, else a DOMException named AbortError. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

const isAbortError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

const isRpcError = (data: unknown): data is { error: RpcError } => {
  const error = (data as { error?: Partial<RpcError> } | null | undefined)?.error;
  return typeof error?.code === 'number' && typeof error?.message === 'string';
};

/** JSON with bigints as decimal strings, as viem's `stringify`. */
const stringify = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v));

/** The URL without credentials (what errors name) and the Basic auth header they become, as viem does. */
function splitCredentials(raw: string): { url: string; target: URL; authorization?: string } {
  const target = new URL(raw);
  if (!target.username) return { url: target.toString(), target };
  const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  target.username = '';
  target.password = '';
  return {
    url: target.toString(),
    target,
    authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
  };
}

interface Response {
  status: number;
  statusText: string;
  contentType: string;
  /** The Location header of a redirect. */
  location?: string;
  body: string;
}

/** Redirects at most this many times per request: a loop must end as an error, not spin. */
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A redirect that is not followed. `reason` is ours (status and the redacted target, never a path or
 * query that may carry a key): what the run prints after the endpoint.
 */
export class RpcRedirectError extends HttpRequestError {
  readonly reason: string;
  constructor(args: { body: RpcRequest[]; status: number; url: string; reason: string }) {
    super({ body: args.body, details: args.reason, status: args.status, url: args.url });
    this.reason = args.reason;
  }
}

/**
 * A batch answer that cannot be matched to its calls by id (an id it was not sent, one id twice, no
 * answer for a call). The endpoint answered, but not JSON-RPC: classified as such, never guessed at.
 */
export class MalformedBatchError extends Error {
  override readonly name = 'MalformedBatchError';
}

/**
 * A request on a kept-alive socket that the server had already closed (ECONNRESET or EPIPE before any
 * answer): the server never saw it, so it is sent once more on a fresh socket.
 */
class StaleSocketError extends Error {
  constructor(readonly original: Error) {
    super('reused socket closed by the server');
  }
}
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * One HTTP POST; resolves with the whole body. Rejects with `stop`'s reason once it aborts (the
 * timeout or the run's signal), with ResponseBodyTooLargeError once the body passes the cap.
 */
function post(
  target: URL,
  headers: Record<string, string>,
  payload: string,
  maxBytes: number,
  stop: AbortSignal,
): Promise<Response> {
  const { request } = target.protocol === 'https:' ? https() : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    let answered = false;
    let req: ClientRequest | undefined;
    const finish = (error: unknown, response?: Response) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        // Cancels the request and its socket: a stalled or oversized answer is not read any further.
        req?.destroy();
        reject(error);
      } else resolve(response as Response);
    };
    const onAbort = () => finish(stop.reason);
    if (stop.aborted) return onAbort();
    stop.addEventListener('abort', onAbort);
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) },
    };
    req = request(target, requestOptions, (res: IncomingMessage) => {
      answered = true;
      const tooLarge = (size: number) => new ResponseBodyTooLargeError({ maxSize: maxBytes, size });
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) return finish(tooLarge(declared));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > maxBytes) return finish(tooLarge(size));
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
      res.on('end', () =>
        finish(undefined, {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          contentType: String(res.headers['content-type'] ?? ''),
          location: res.headers.location,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', (error: Error & { code?: string }) => {
      const stale = !answered && req?.reusedSocket === true && STALE_SOCKET_CODES.has(error.code ?? '');
      finish(stale ? new StaleSocketError(error) : error);
    });
    req.end(payload);
  });
}

/** One POST, sent again once on a fresh socket when the kept-alive one turned out closed. */
async function postRetryingStaleSocket(
  target: URL,
  headers: Record<string, string>,
  payload: string,
  maxBytes: number,
  stop: AbortSignal,
): Promise<Response> {
  try {
    return await post(target, headers, payload, maxBytes, stop);
  } catch (error) {
    if (!(error instanceof StaleSocketError) || stop.aborted) throw error;
  }
  try {
    return await post(target, headers, payload, maxBytes, stop);
  } catch (error) {
    throw error instanceof StaleSocketError ? error.original : error;
  }
}

/**
 * Where a redirect may be followed to, or the RpcRedirectError saying why not. Only 307 and 308, which
 * keep the method and body (after a 301, 302 or 303 a client may send a GET, which is no JSON-RPC call),
 * and never from https to http.
 */
export function redirectTarget(response: Response, from: URL, body: RpcRequest[], url: string): URL {
  const fail = (reason: string) => new RpcRedirectError({ body, status: response.status, url, reason });
  let to: URL;
  try {
    to = new URL(response.location ?? '', from);
  } catch {
    throw fail(`answered HTTP ${response.status}, a redirect without a usable target`);
  }
  if (!response.location || (to.protocol !== 'http:' && to.protocol !== 'https:'))
    throw fail(`answered HTTP ${response.status}, a redirect without a usable target`);
  const where = redactUrl(to.toString());
  if (response.status !== 307 && response.status !== 308)
    throw fail(
      `answered HTTP ${response.status}, a redirect to ${where} (not followed for a POST: put that URL in the checklist)`,
    );
  if (from.protocol === 'https:' && to.protocol === 'http:')
    throw fail(`answered HTTP ${response.status}, a redirect to ${where} (not followed: it leaves https)`);
  return to;
}

/**
 * The HTTP exchange of one batch: its POST, a kept-alive socket's retry and up to MAX_REDIRECTS
 * redirects, all within one timeout (connect, headers and body of every hop) and the run's signal.
 * Rejects with `timedOut` after the timeout, with the signal's abort error on abort.
 */
async function exchange(
  start: URL,
  headers: Record<string, string>,
  payload: string,
  body: RpcRequest[],
  url: string,
  options: { timeoutMs: number; maxBytes: number; signal?: AbortSignal },
): Promise<Response> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const stop = new AbortController();
  const onAbort = () => stop.abort(abortError(signal as AbortSignal));
  const timer = options.timeoutMs > 0 ? setTimeout(() => stop.abort(timedOut), options.timeoutMs) : undefined;
  signal?.addEventListener('abort', onAbort);
  try {
    let target = start;
    let hopHeaders = headers;
    for (let hop = 0; ; hop++) {
      const response = await postRetryingStaleSocket(
        target,
        hopHeaders,
        payload,
        options.maxBytes,
        stop.signal,
      );
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      const next = redirectTarget(response, target, body, url);
      if (hop >= MAX_REDIRECTS)
        throw new RpcRedirectError({
          body,
          status: response.status,
          url,
          reason: `redirected more than ${MAX_REDIRECTS} times (last to ${redactUrl(next.toString())})`,
        });
      // Credentials from the URL are for its own host: another origin does not get them (as fetch does).
      if (next.origin !== start.origin && hopHeaders.Authorization) {
        const { Authorization: _dropped, ...rest } = hopHeaders;
        hopHeaders = rest;
      }
      target = next;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The answer to each call of the batch, matched by id, or the error that call fails with; throws the
 * error every call fails with. viem's `getHttpRpcClient` rules for the status: a non-2xx status is an
 * RpcRequestError when the body is a JSON-RPC error, else an HttpRequestError. Then:
 * - a single JSON-RPC error (bare, or alone in the array, with no call's id) rejects the whole batch;
 * - a bare answer with the id of a one-call batch is that call's answer;
 * - an id the batch did not send, or one id answered twice: the whole answer is malformed;
 * - entries without an id (`null`: the spec's error for a request it could not read) are skipped;
 * - a call with no answer of its id fails alone, as malformed: it never takes another call's answer.
 */
function answers(response: Response, body: RpcRequest[], url: string): (RpcResponse | Error)[] {
  const ok = response.status >= 200 && response.status < 300;
  let data: unknown;
  if (response.contentType.startsWith('application/json')) data = JSON.parse(response.body);
  else {
    try {
      data = JSON.parse(response.body || '{}');
    } catch (error) {
      if (ok) throw error;
      data = { error: response.body };
    }
  }
  // A server that rejects a whole batch replies with a single error, bare or in a one-element array.
  const error = Array.isArray(data) && data.length === 1 ? data[0] : data;
  if (!ok) {
    if (isRpcError(error))
      throw new RpcRequestError({ body, error: error.error, status: response.status, url });
    throw new HttpRequestError({
      body,
      details: stringify((data as { error?: unknown } | null)?.error) || response.statusText,
      status: response.status,
      url,
    });
  }
  const sent = new Set(body.map((call) => call.id));
  const entries = Array.isArray(data) ? data : [data];
  const byId = new Map<number, RpcResponse>();
  for (const entry of entries) {
    if (!isObject(entry) || entry.id === null || entry.id === undefined) continue;
    const id = entry.id;
    if (typeof id !== 'number' || !sent.has(id))
      throw new MalformedBatchError('the batch answer has an id that was not sent');
    if (byId.has(id)) throw new MalformedBatchError('the batch answer has one id twice');
    byId.set(id, entry as RpcResponse);
  }
  if (byId.size === 0 && isRpcError(error)) return body.map(() => error as RpcResponse);
  if (!Array.isArray(data) && byId.size === 0)
    throw new MalformedBatchError(`a batch of ${body.length} answered with something other than a list`);
  return body.map(
    (call) =>
      byId.get(call.id) ??
      new HttpRequestError({
        body: [call],
        cause: new MalformedBatchError(`the batch answer has no response with id ${call.id}`),
        url,
      }),
  );
}

/** viem's error for a failed HTTP exchange, as `getHttpRpcClient` throws it. */
function httpFailure(error: unknown, body: RpcRequest[], url: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return abortError(signal);
  if (error === timedOut) return new TimeoutError({ body, url });
  if (
    isAbortError(error) ||
    error instanceof HttpRequestError ||
    error instanceof ResponseBodyTooLargeError ||
    error instanceof RpcRequestError ||
    error instanceof TimeoutError
  )
    return error;
  return new HttpRequestError({ body, cause: error as Error, url });
}

/**
 * A viem EIP-1193 request function for one URL: calls made in the same tick (until a zero-delay timer
 * fires, as viem's batch `wait: 0`) go out as one JSON-RPC batch; viem's `buildRequest` maps JSON-RPC
 * error codes to its error classes, as for its own transports.
 */
export function httpRpc(rawUrl: string, options: HttpRpcOptions): EIP1193RequestFn {
  const { url, target, authorization } = splitCredentials(rawUrl);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (authorization) headers.Authorization = authorization;
  let nextId = 0;
  type Pending = {
    call: RpcRequest;
    resolve: (answer: RpcResponse) => void;
    reject: (error: unknown) => void;
  };
  // One queue per abort signal, as viem keys its batches by signal: an abort cancels only its own batch.
  const queues = new Map<AbortSignal | undefined, Pending[]>();

  const send = async (batch: Pending[], signal?: AbortSignal) => {
    const body = batch.map((p) => p.call);
    try {
      options.onRequest?.(body.length);
      const response = await exchange(target, headers, stringify(body), body, url, {
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxResponseBytes,
        signal,
      });
      const data = answers(response, body, url);
      batch.forEach((pending, index) => {
        const answer = data[index];
        if (answer instanceof Error) pending.reject(answer);
        else pending.resolve(answer as RpcResponse);
      });
    } catch (error) {
      const failure = httpFailure(error, body, url, signal);
      for (const pending of batch) pending.reject(failure);
    }
  };

  const schedule = (call: RpcCall, signal?: AbortSignal): Promise<RpcResponse> =>
    new Promise((resolve, reject) => {
      let queue = queues.get(signal);
      if (!queue || queue.length >= MAX_BATCH) {
        const fresh: Pending[] = [];
        queue = fresh;
        queues.set(signal, fresh);
        setTimeout(() => {
          queues.delete(signal);
          void send(fresh, signal);
        }, 0);
      }
      nextId += 1;
      queue.push({ call: { jsonrpc: '2.0', id: nextId, ...call }, resolve, reject });
    });

  return createTransport({
    key: 'http',
    name: 'HTTP JSON-RPC',
    type: 'http',
    retryCount: 0,
    timeout: options.timeoutMs,
    request: (async ({ method, params }: RpcCall, requestOptions?: { signal?: AbortSignal }) => {
      const body = { method, params };
      const { error, result } = await schedule(body, requestOptions?.signal);
      if (error) throw new RpcRequestError({ body, error, url });
      return result;
    }) as EIP1193RequestFn,
  }).request;
}
