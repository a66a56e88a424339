import {
  HttpRequestError,
  InternalRpcError,
  InvalidInputRpcError,
  LimitExceededRpcError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
} from 'viem';
import { describe, expect, it } from 'vitest';
import { classifyRpcFailure } from '../../src/rpc/rpcErrors.js';

const url = 'http://127.0.0.1:8545';
const body = { method: 'eth_blockNumber' };
const network = (code: string) =>
  new HttpRequestError({
    url,
    body,
    cause: new TypeError('fetch failed', { cause: Object.assign(new Error(`boom ${code}`), { code }) }),
  });
const rpc = (code: number, message: string) => new RpcRequestError({ url, body, error: { code, message } });

describe('classifyRpcFailure', () => {
  it.each([
    ['refused', network('ECONNREFUSED'), 'refused', 'refused the connection'],
    ['reset', network('UND_ERR_SOCKET'), 'refused', 'dropped the connection (UND_ERR_SOCKET)'],
    ['dns', network('ENOTFOUND'), 'dns', 'host name did not resolve (ENOTFOUND)'],
    ['tls', network('CERT_HAS_EXPIRED'), 'tls', 'TLS failed (CERT_HAS_EXPIRED)'],
    [
      'self-signed',
      network('DEPTH_ZERO_SELF_SIGNED_CERT'),
      'tls',
      'TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
    ],
    [
      '401',
      new HttpRequestError({ url, body, status: 401 }),
      'http-401',
      'answered HTTP 401 (unauthorized: check the API key)',
    ],
    [
      '403',
      new HttpRequestError({ url, body, status: 403 }),
      'http-403',
      'answered HTTP 403 (forbidden: check the API key or plan)',
    ],
    ['429', new HttpRequestError({ url, body, status: 429 }), 'http-429', 'answered HTTP 429 (rate limited)'],
    ['502', new HttpRequestError({ url, body, status: 502 }), 'http-5xx', 'answered HTTP 502 (server error)'],
    ['404', new HttpRequestError({ url, body, status: 404 }), 'http-other', 'answered HTTP 404'],
    ['timeout', new TimeoutError({ url, body }), 'timeout', 'timed out after 3s'],
    [
      'too large',
      new ResponseBodyTooLargeError({ maxSize: 16 * 1024 * 1024, size: 20 * 1024 * 1024 }),
      'too-large',
      'sent a response over 16 MB (refused, not read)',
    ],
    [
      'not JSON',
      new HttpRequestError({ url, body, cause: new SyntaxError('Unexpected token < in JSON') }),
      'bad-json',
      'answered with something that is not a JSON-RPC response',
    ],
    [
      'behind',
      new InvalidInputRpcError(rpc(-32000, 'header not found')),
      'rpc-error',
      'answered JSON-RPC error -32000 (it is behind: unknown block)',
    ],
    [
      'rate limit code',
      new LimitExceededRpcError(rpc(-32005, 'slow down')),
      'rpc-error',
      'answered JSON-RPC error -32005 (rate limited)',
    ],
    ['internal', new InternalRpcError(rpc(-32603, 'oops')), 'rpc-error', 'answered JSON-RPC error -32603'],
  ])('%s', (_name, error, cause, says) => {
    expect(classifyRpcFailure(error, 3_000)).toEqual({ cause, says });
  });

  it('passes deterministic answers through: a revert is not the endpoint failing', () => {
    expect(
      classifyRpcFailure(new InvalidInputRpcError(rpc(-32000, 'execution reverted')), 3_000),
    ).toBeUndefined();
    expect(classifyRpcFailure(rpc(3, 'execution reverted: paused'), 3_000)).toBeUndefined();
    expect(classifyRpcFailure(rpc(-32602, 'invalid argument 0'), 3_000)).toBeUndefined();
  });
});
