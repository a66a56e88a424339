import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRpc } from '../../src/rpc/httpRpc.js';

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
