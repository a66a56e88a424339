import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { HttpRequestError, ResponseBodyTooLargeError, RpcRequestError, TimeoutError } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRpc, redirectTarget } from '../../src/rpc/httpRpc.js';
import { classifyRpcFailure } from '../../src/rpc/rpcErrors.js';
import { ROOT } from '../helpers/cli.js';

type Call = { id: number; method: string; params?: unknown };

/** A loopback JSON-RPC server that answers through `reply` and keeps what it was sent. */
async function server(reply: (calls: Call[]) => unknown) {
  const seen: { headers: IncomingHttpHeaders; url: string; calls: Call[] }[] = [];
  const instance: Server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const calls = JSON.parse(body) as Call[];
    seen.push({ headers: request.headers, url: request.url ?? '', calls });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply(calls)));
  });
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  const address = instance.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  servers.push(instance);
  return { port, seen };
}

/** A loopback server whose handler answers as it likes (stall, redirect, reset); `requests` counts them. */
async function rawServer(handle: (request: IncomingMessage, response: ServerResponse, body: string) => void) {
  let requests = 0;
  const instance: Server = createServer(async (request, response) => {
    requests += 1;
    let body = '';
    for await (const chunk of request) body += chunk;
    handle(request, response, body);
  });
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  const address = instance.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  servers.push(instance);
  return { port, url: `http://127.0.0.1:${port}`, server: instance, requests: () => requests };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const options = { timeoutMs: 5_000, maxResponseBytes: 1024 * 1024 };

describe('httpRpc (JSON-RPC over node:http)', () => {
  it('sends the calls of one tick as one batch and gives each call its own answer, whatever the order', async () => {
    // Answers in reverse order: each call must still get the answer with its id.
    const { port, seen } = await server((calls) =>
      calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: `${c.method}:${c.id}` })).reverse(),
    );
    let requests = 0;
    let counted = 0;
    const request = httpRpc(`http://127.0.0.1:${port}`, {
      ...options,
      onRequest: (calls) => {
        requests += 1;
        counted += calls;
      },
    });
    const answers = await Promise.all([
      request({ method: 'eth_chainId' }),
      request({ method: 'eth_blockNumber' }),
      request({ method: 'eth_gasPrice' }),
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.calls.map((c) => c.method)).toEqual(['eth_chainId', 'eth_blockNumber', 'eth_gasPrice']);
    const ids = seen[0]?.calls.map((c) => c.id) ?? [];
    expect(answers).toEqual([`eth_chainId:${ids[0]}`, `eth_blockNumber:${ids[1]}`, `eth_gasPrice:${ids[2]}`]);
    expect({ requests, counted }).toEqual({ requests: 1, counted: 3 });
  });

  it('rejects only the call the node answered with a JSON-RPC error, with its code', async () => {
    const { port } = await server((calls) =>
      calls.map((c) =>
        c.method === 'eth_call'
          ? { jsonrpc: '2.0', id: c.id, error: { code: 3, message: 'execution reverted', data: '0x' } }
          : { jsonrpc: '2.0', id: c.id, result: '0x1' },
      ),
    );
    const request = httpRpc(`http://127.0.0.1:${port}`, options);
    const [ok, reverted] = await Promise.allSettled([
      request({ method: 'eth_chainId' }),
      request({ method: 'eth_call', params: [{}, 'latest'] }),
    ]);
    expect(ok).toEqual({ status: 'fulfilled', value: '0x1' });
    expect(reverted.status === 'rejected' && reverted.reason).toMatchObject({ code: 3 });
  });

  it('turns credentials in the URL into a Basic Authorization header, never the request line', async () => {
    const { port, seen } = await server((calls) =>
      calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: '0x1' })),
    );
    const request = httpRpc(`http://alice:s%3Acret@127.0.0.1:${port}/v1/path`, options);
    await request({ method: 'eth_chainId' });
    expect(seen[0]?.url).toBe('/v1/path');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alice:s:cret').toString('base64')}`);
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });
});

/** The settled outcome of a call: its value, or how the run would classify its error. */
async function outcome(promise: Promise<unknown>) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error, classified: classifyRpcFailure(error, options.timeoutMs) };
  }
}

const answer = (c: Call) => ({ jsonrpc: '2.0', id: c.id, result: `${c.method}:${c.id}` });

describe('httpRpc batch answers are matched by id', () => {
  it('gives each call its own answer when the reply also holds a null-id error entry', async () => {
    // Sorted by id, the null-id error would come first and every call would get its neighbour's answer.
    const { port } = await server((calls) => [
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } },
      ...calls.map(answer),
    ]);
    const request = httpRpc(`http://127.0.0.1:${port}`, options);
    const values = await Promise.all([
      request({ method: 'eth_chainId' }),
      request({ method: 'eth_blockNumber' }),
      request({ method: 'eth_gasPrice' }),
    ]);
    expect(values.map((v) => String(v).split(':')[0])).toEqual([
      'eth_chainId',
      'eth_blockNumber',
      'eth_gasPrice',
    ]);
  });

  it('fails a call whose id is missing as a malformed answer; the others keep their own', async () => {
    const { port } = await server((calls) => [
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } },
      ...calls.filter((c) => c.method !== 'eth_blockNumber').map(answer),
    ]);
    const request = httpRpc(`http://127.0.0.1:${port}`, options);
    const [chainId, block, gas] = await Promise.all(
      ['eth_chainId', 'eth_blockNumber', 'eth_gasPrice'].map((method) => outcome(request({ method }))),
    );
    expect(String(chainId?.value)).toMatch(/^eth_chainId:/);
    expect(String(gas?.value)).toMatch(/^eth_gasPrice:/);
    expect(block?.value).toBeUndefined();
    expect(block?.classified).toEqual({
      cause: 'bad-json',
      says: 'answered with something that is not a JSON-RPC response',
    });
  });

  it('fails the whole batch on an id it did not send or an id answered twice', async () => {
    for (const reply of [
      (calls: Call[]) => [...calls.map(answer), { jsonrpc: '2.0', id: 9_999, result: '0xbad' }],
      (calls: Call[]) => [...calls.map(answer), answer(calls[0] as Call)],
    ]) {
      const { port } = await server(reply);
      const request = httpRpc(`http://127.0.0.1:${port}`, options);
      const results = await Promise.all(
        ['eth_chainId', 'eth_blockNumber'].map((method) => outcome(request({ method }))),
      );
      for (const result of results) {
        expect(result.value).toBeUndefined();
        expect(result.classified?.cause).toBe('bad-json');
      }
    }
  });

  it('takes a bare answer with the id of a one-call batch; a bare non-error to a larger batch is malformed', async () => {
    const { port } = await server((calls) =>
      calls.length === 1 ? answer(calls[0] as Call) : { result: '0x1' },
    );
    const request = httpRpc(`http://127.0.0.1:${port}`, options);
    expect(await request({ method: 'eth_chainId' })).toMatch(/^eth_chainId:/);
    const both = await Promise.all(
      ['eth_chainId', 'eth_gasPrice'].map((method) => outcome(request({ method }))),
    );
    expect(both.map((b) => b.classified?.cause)).toEqual(['bad-json', 'bad-json']);
  });

  it('gives every call the error of a server that rejects the whole batch', async () => {
    const { port } = await server(() => ({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32005, message: 'limit' },
    }));
    const request = httpRpc(`http://127.0.0.1:${port}`, options);
    const both = await Promise.all(
      ['eth_chainId', 'eth_gasPrice'].map((method) => outcome(request({ method }))),
    );
    for (const b of both) expect(b.error).toMatchObject({ code: -32005 });
  });
});

describe('httpRpc redirects', () => {
  it('follows a 307 and a 308 with the same POST body, keeping credentials on the same origin', async () => {
    const seen: { url?: string; method?: string; body: string; auth?: string }[] = [];
    const { url } = await rawServer((request, response, body) => {
      seen.push({ url: request.url, method: request.method, body, auth: request.headers.authorization });
      if (request.url === '/old') return response.writeHead(307, { location: '/middle' }).end();
      if (request.url === '/middle') return response.writeHead(308, { location: '/new?key=1' }).end();
      const calls = JSON.parse(body) as Call[];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls.map(answer)));
    });
    const request = httpRpc(`${url.replace('http://', 'http://u:p@')}/old`, options);
    expect(await request({ method: 'eth_chainId' })).toMatch(/^eth_chainId:/);
    expect(seen.map((s) => [s.url, s.method])).toEqual([
      ['/old', 'POST'],
      ['/middle', 'POST'],
      ['/new?key=1', 'POST'],
    ]);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(seen.every((s) => s.auth === `Basic ${Buffer.from('u:p').toString('base64')}`)).toBe(true);
  });

  it('does not send URL credentials to another origin it is redirected to', async () => {
    const other = await rawServer((request, response, body) => {
      const calls = JSON.parse(body) as Call[];
      const result = request.headers.authorization ? 'leaked' : 'no-credentials';
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result }))));
    });
    const { url } = await rawServer((_request, response) =>
      response.writeHead(307, { location: `${other.url}/` }).end(),
    );
    const request = httpRpc(url.replace('http://', 'http://u:p@'), options);
    expect(await request({ method: 'eth_chainId' })).toBe('no-credentials');
  });

  it('refuses a 301/302 for a POST, naming the target without its path or query', async () => {
    for (const status of [301, 302]) {
      const { url, requests } = await rawServer((_request, response) =>
        response.writeHead(status, { location: 'https://moved.example/v2/SECRETKEY?apikey=SECRET2' }).end(),
      );
      const result = await outcome(httpRpc(url, options)({ method: 'eth_chainId' }));
      expect(result.classified).toEqual({
        cause: 'http-other',
        says: `answered HTTP ${status}, a redirect to https://moved.example/… (not followed for a POST: put that URL in the checklist)`,
      });
      expect(requests()).toBe(1);
    }
  });

  it('ends a redirect loop after a few hops', async () => {
    const { url, requests } = await rawServer((request, response) =>
      response.writeHead(307, { location: request.url === '/a' ? '/b' : '/a' }).end(),
    );
    const result = await outcome(httpRpc(`${url}/a`, options)({ method: 'eth_chainId' }));
    expect(result.classified).toEqual({
      cause: 'http-other',
      says: `redirected more than 3 times (last to ${url}/…)`,
    });
    expect(requests()).toBe(4);
  });

  it('never follows https to http; follows an upgrade from http to https', () => {
    const response = (status: number, location: string) => ({
      status,
      statusText: '',
      contentType: '',
      location,
      body: '',
    });
    const fromHttps = new URL('https://rpc.example/v1/KEY');
    const refused = (() => {
      try {
        redirectTarget(response(308, 'http://rpc.example/v1/KEY'), fromHttps, [], 'https://rpc.example/');
      } catch (error) {
        return classifyRpcFailure(error, 1_000);
      }
    })();
    expect(refused).toEqual({
      cause: 'http-other',
      says: 'answered HTTP 308, a redirect to http://rpc.example/… (not followed: it leaves https)',
    });
    const upgraded = redirectTarget(
      response(307, 'https://rpc.example/v1/KEY'),
      new URL('http://rpc.example/v1/KEY'),
      [],
      'http://rpc.example/',
    );
    expect(upgraded.href).toBe('https://rpc.example/v1/KEY');
  });
});

describe('httpRpc over kept-alive sockets', () => {
  it('sends a request again on a fresh socket when the server closed the kept-alive one', async () => {
    // The server drops a connection at its second request, as one that closed an idle socket just as the
    // client reused it: without the retry the second call fails with ECONNRESET.
    const perSocket = new Map<unknown, number>();
    const { url, requests } = await rawServer((request, response, body) => {
      const count = (perSocket.get(request.socket) ?? 0) + 1;
      perSocket.set(request.socket, count);
      if (count === 2) return request.socket.destroy();
      const calls = JSON.parse(body) as Call[];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls.map(answer)));
    });
    const request = httpRpc(url, options);
    expect(await request({ method: 'eth_chainId' })).toMatch(/^eth_chainId:/);
    expect(await request({ method: 'eth_blockNumber' })).toMatch(/^eth_blockNumber:/);
    // The retried request came on a new connection.
    expect({ requests: requests(), sockets: perSocket.size }).toEqual({ requests: 3, sockets: 2 });
  });

  it('does not retry a reset on a fresh socket', async () => {
    const { url, requests } = await rawServer((request) => request.socket.destroy());
    const result = await outcome(httpRpc(url, options)({ method: 'eth_chainId' }));
    expect(result.classified?.cause).toBe('refused');
    expect(requests()).toBe(1);
  });

  it('leaves no socket that keeps the process alive after its last request', {
    timeout: 60_000,
  }, async () => {
    // A server that would keep an idle connection for ten minutes: a child process that made a request
    // must not be held by the pooled socket (Node's agent would only drop it after its own 5 s idle
    // timeout), and exits on its own, without process.exit. `run` ends with process.exit anyway; other
    // callers (a library user, --watch between rounds) rely on this.
    const { url, server: instance } = await rawServer((_request, response, body) => {
      const calls = JSON.parse(body) as Call[];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls.map(answer)));
    });
    instance.keepAliveTimeout = 600_000;
    const dir = await mkdtemp(join(tmpdir(), 'httprpc-'));
    try {
      const script = join(dir, 'client.mjs');
      await build({
        stdin: {
          contents: `import { httpRpc } from './src/rpc/httpRpc.ts';
            const request = httpRpc(process.argv[2], { timeoutMs: 30000, maxResponseBytes: 1 << 20 });
            console.log(await request({ method: 'eth_chainId' }));
            // Once the socket is back in the pool: how many sockets still hold the event loop.
            await new Promise((resolve) => setImmediate(resolve));
            const held = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap');
            console.log('sockets holding the process:', held.length);`,
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: script,
        logLevel: 'silent',
      });
      const child = spawn(process.execPath, [script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^eth_chainId:\d+\nsockets holding the process: 0\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('httpRpc limits', () => {
  it('times out a server that stalls before its headers and one that stalls after them', async () => {
    for (const stall of ['before-headers', 'after-headers'] as const) {
      const { url } = await rawServer((_request, response) => {
        if (stall === 'after-headers')
          response.writeHead(200, { 'content-type': 'application/json' }).write('[');
      });
      const result = await outcome(httpRpc(url, { ...options, timeoutMs: 300 })({ method: 'eth_chainId' }));
      expect(result.error, stall).toBeInstanceOf(TimeoutError);
    }
  });

  it('refuses a body over the cap, declared by Content-Length or streamed', async () => {
    const cap = 64 * 1024;
    const declared = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(cap + 1) });
      response.write('[');
    });
    const result = await outcome(
      httpRpc(declared.url, { ...options, maxResponseBytes: cap })({ method: 'x' }),
    );
    expect(result.error).toBeInstanceOf(ResponseBodyTooLargeError);

    let closed: () => void = () => {};
    const hungUp = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const streamed = await rawServer((request, response) => {
      request.socket.once('close', closed);
      response.writeHead(200, { 'content-type': 'application/json' });
      // Streams without end: only the cap can stop the client reading.
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    const big = await outcome(httpRpc(streamed.url, { ...options, maxResponseBytes: cap })({ method: 'x' }));
    expect(big.error).toBeInstanceOf(ResponseBodyTooLargeError);
    await hungUp;
  });

  it('aborts a request in flight and hangs up its socket', async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let closed: () => void = () => {};
    const hungUp = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const { url } = await rawServer((request) => {
      request.socket.once('close', closed);
      arrived();
    });
    const abort = new AbortController();
    const pending = outcome(httpRpc(url, options)({ method: 'eth_chainId' }, { signal: abort.signal }));
    await inFlight;
    const reason = new Error('run deadline reached');
    abort.abort(reason);
    expect((await pending).error).toBe(reason);
    await hungUp;
  });

  it('throws viem errors for a non-2xx answer with a JSON body', async () => {
    const rpcError = await rawServer((_request, response) =>
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal' } })),
    );
    const first = await outcome(httpRpc(rpcError.url, options)({ method: 'eth_chainId' }));
    // viem's buildRequest maps the code to its class (InternalRpcError) around our RpcRequestError.
    expect(first.error).toMatchObject({ code: -32603 });
    const cause = (first.error as { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(RpcRequestError);
    expect(cause).toMatchObject({ status: 500 });
    expect(first.classified).toEqual({ cause: 'http-5xx', says: 'answered HTTP 500 (server error)' });

    const other = await rawServer((_request, response) =>
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'down' })),
    );
    const second = await outcome(httpRpc(other.url, options)({ method: 'eth_chainId' }));
    expect(second.error).toBeInstanceOf(HttpRequestError);
    expect(second.error).toMatchObject({ status: 503 });
    expect(second.classified).toEqual({ cause: 'http-5xx', says: 'answered HTTP 503 (server error)' });
  });
});
