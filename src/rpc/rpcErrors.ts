/**
 * Sorts what viem's HTTP transport throws into the cause classes of RpcEndpointError (core/errors.ts),
 * in words a desk can act on. The message is built from what we know (status, error codes, our own
 * timeout), never from the bytes the endpoint sent: a garbage or hostile body must not end up in a report.
 */
import { ResponseBodyTooLargeError, TimeoutError } from 'viem';
import type { RpcChain, RpcEndpointError, RpcFailureCause } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import { RpcRedirectError } from './httpRpc.js';

/** The first error in an error's `cause` chain that matches. */
function find(
  error: unknown,
  match: (e: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const record = current as Record<string, unknown>;
    if (match(record)) return record;
    current = record.cause;
  }
  return undefined;
}

const has = <T>(error: unknown, type: abstract new (...args: never[]) => T): boolean =>
  find(error, (e) => e instanceof type) !== undefined;

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
/** Node, undici and OpenSSL error codes: ours to print (they describe the socket, not the body). */
const NODE_CODE = /^[A-Z][A-Z0-9_]{2,40}$/;

/**
 * Answers that are the same from every honest node (a revert, a malformed argument): failing over would
 * only repeat them, so they pass through untouched for viem to decode.
 */
function isDeterministicAnswer(code: number, message: string): boolean {
  if (/revert/i.test(message) || code === 3) return true;
  // A node that is behind (geth: header not found; anvil: BlockOutOfRangeError), rate-limits, has no such method or broke inside: another node may do better.
  if (
    /header not found|unknown block|block not found|BlockOutOfRange|missing trie node|not available|rate|limit/i.test(
      message,
    )
  )
    return false;
  return code === -32602 || code === -32000 || code === -32600;
}

export interface Classified {
  cause: RpcFailureCause;
  /** What follows the endpoint in the message, e.g. `timed out after 3s`. */
  says: string;
}

/**
 * Sorts an error from viem's HTTP transport into a cause class. `undefined`: the endpoint answered
 * deterministically (a revert): not its fault, not worth another endpoint.
 */
export function classifyRpcFailure(error: unknown, timeoutMs: number): Classified | undefined {
  if (find(error, (e) => e.name === 'AbortError') || has(error, DOMException)) {
    return { cause: 'aborted', says: 'request aborted' };
  }
  if (has(error, TimeoutError))
    return { cause: 'timeout', says: `timed out after ${formatDuration(timeoutMs)}` };
  const tooLarge = find(error, (e) => e instanceof ResponseBodyTooLargeError);
  if (tooLarge) {
    const limit = Number(tooLarge.maxSize);
    const size = limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MB` : `${limit} bytes`;
    return { cause: 'too-large', says: `sent a response over ${size} (refused, not read)` };
  }
  // Our own words: the status and the redacted target (httpRpc.ts), never the response's bytes.
  const redirect = find(error, (e) => e instanceof RpcRedirectError);
  if (redirect) return { cause: 'http-other', says: String(redirect.reason) };
  const rpc = find(error, (e) => typeof e.code === 'number' && e.code !== -1);
  const status = find(error, (e) => typeof e.status === 'number')?.status as number | undefined;
  if (rpc) {
    const code = rpc.code as number;
    const message = typeof rpc.message === 'string' ? rpc.message : '';
    if (isDeterministicAnswer(code, message) && !(status && status >= 400)) return undefined;
  }
  if (status !== undefined && status >= 400) {
    if (status === 401)
      return { cause: 'http-401', says: 'answered HTTP 401 (unauthorized: check the API key)' };
    if (status === 403)
      return { cause: 'http-403', says: 'answered HTTP 403 (forbidden: check the API key or plan)' };
    if (status === 429) return { cause: 'http-429', says: 'answered HTTP 429 (rate limited)' };
    if (status >= 500) return { cause: 'http-5xx', says: `answered HTTP ${status} (server error)` };
    return { cause: 'http-other', says: `answered HTTP ${status}` };
  }
  if (rpc) {
    const code = rpc.code as number;
    const message = typeof rpc.message === 'string' ? rpc.message : '';
    const why = /header not found|unknown block|block not found|BlockOutOfRange|missing trie node/i.test(
      message,
    )
      ? ' (it is behind: unknown block)'
      : code === -32005 || code === -32007 || code === 429 || /rate|limit/i.test(message)
        ? ' (rate limited)'
        : code === -32601 || code === -32004
          ? ' (method not served)'
          : '';
    return { cause: 'rpc-error', says: `answered JSON-RPC error ${code}${why}` };
  }
  const system = find(
    error,
    (e) => e instanceof Error && typeof e.code === 'string' && NODE_CODE.test(e.code),
  );
  const code = system?.code as string | undefined;
  if (code) {
    if (DNS_CODES.has(code)) return { cause: 'dns', says: `host name did not resolve (${code})` };
    if (TLS_CODE.test(code)) return { cause: 'tls', says: `TLS failed (${code})` };
    if (CONNECT_TIMEOUT_CODES.has(code)) return { cause: 'timeout', says: `timed out connecting (${code})` };
    if (code === 'ECONNREFUSED') return { cause: 'refused', says: 'refused the connection' };
    return { cause: 'refused', says: `dropped the connection (${code})` };
  }
  // A body that is not JSON (SyntaxError), a batch answered short, a null in place of a response: the
  // endpoint answered, but not JSON-RPC.
  return { cause: 'bad-json', says: 'answered with something that is not a JSON-RPC response' };
}

/** The one-line summary when every endpoint of a chain failed the same request. */
export function allFailedMessage(chain: RpcChain, failures: RpcEndpointError[]): string {
  if (failures.length === 1) return failures[0]?.message ?? `${chain} RPC failed`;
  return `every ${chain} RPC endpoint failed: ${failures
    .map((f) => f.message.replace(`${chain} RPC `, ''))
    .join('; ')}`;
}
