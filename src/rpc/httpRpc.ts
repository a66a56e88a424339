/**
 * JSON-RPC over node:http/node:https for one endpoint: what viem's `http` transport does (calls of the
 * same tick sent as one batch, a timeout that covers connect, headers and body, a response size cap read
 * as it streams, the run's abort signal), throwing the same viem errors, so that rpcErrors.ts and viem's
 * contract-read decoding see no difference.
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

type RpcCall = { method: string; params?: unknown };
type RpcRequest = RpcCall & { jsonrpc: '2.0'; id: number };
type RpcError = { code: number; message: string; data?: unknown };
type RpcResponse = { id?: number; result?: unknown; error?: RpcError };

export interface HttpRpcOptions {
  /** Per HTTP request: connect, headers and body. */
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
  body: string;
}

/**
 * One HTTP POST; resolves with the whole body. Rejects with `timedOut` after the timeout, with the
 * signal's abort error on abort, with ResponseBodyTooLargeError once the body passes the cap.
 */
function post(
  target: URL,
  headers: Record<string, string>,
  payload: string,
  options: { timeoutMs: number; maxBytes: number; signal?: AbortSignal },
): Promise<Response> {
  const { request } = target.protocol === 'https:' ? https() : http;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (error: unknown, response?: Response) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        // Cancels the request and its socket: a stalled or oversized answer is not read any further.
        req?.destroy();
        reject(error);
      } else resolve(response as Response);
    };
    const onAbort = () => finish(abortError(signal as AbortSignal));
    const timer = options.timeoutMs > 0 ? setTimeout(() => finish(timedOut), options.timeoutMs) : undefined;
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) },
    };
    req = request(target, requestOptions, (res: IncomingMessage) => {
      const tooLarge = (size: number) => new ResponseBodyTooLargeError({ maxSize: options.maxBytes, size });
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) return finish(tooLarge(declared));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > options.maxBytes) return finish(tooLarge(size));
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
      res.on('end', () =>
        finish(undefined, {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', (error) => finish(error));
    req.end(payload);
  });
}

/**
 * The batch's answers in the order of its calls, or the error every call of it fails with; viem's
 * `getHttpRpcClient` rules: a non-2xx status is an RpcRequestError when the body is a JSON-RPC error,
 * else an HttpRequestError; a short batch is an error unless the server rejected the whole batch.
 */
function answers(response: Response, body: RpcRequest[], url: string): RpcResponse[] {
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
  if (!body.length) return data as RpcResponse[];
  if (Array.isArray(data) && data.length >= body.length) {
    // Answers come in any order: matched to the calls by id, as viem sorts them.
    return (data as RpcResponse[]).sort((a, b) => (a?.id ?? 0) - (b?.id ?? 0));
  }
  if (!isRpcError(error)) throw new Error(`Expected ${body.length} responses to batch request.`);
  return body.map(() => error as RpcResponse);
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
      const response = await post(target, headers, stringify(body), {
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxResponseBytes,
        signal,
      });
      const data = answers(response, body, url);
      batch.forEach((pending, index) => {
        pending.resolve(data[index] as RpcResponse);
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
