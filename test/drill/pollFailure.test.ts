/**
 * Which errors end a drill's poll as a failed read (said, then tried again) and which end the drill:
 * each made by the real thing against a bare anvil — a read that reverts, a transaction the node
 * refuses, an endpoint that is not there — not built by hand.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicClient, createWalletClient, type Hex, http, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainMismatchError, MeasurementError } from '../../src/core/errors.js';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import { pollFailure, retryDelayMs } from '../../src/drill/pollFailure.js';
import { ChainReader } from '../../src/rpc/reader.js';
import { Redactor } from '../../src/rpc/redact.js';

/** anvil's first test key: public, only ever holds devnet ether. */
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** Deploys runtime code that reverts whatever it is called with (PUSH1 0 PUSH1 0 REVERT). */
const REVERTER_INITCODE: Hex = '0x6460006000fd6000526005601bf3';
const abi = parseAbi(['function gameCount() view returns (uint256)']);
const chain = {
  id: 31337,
  name: 'anvil',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [] as string[] } },
};

let node: AnvilNode;
let reverter: Hex;
/** A loopback port nothing listens on. */
let closedUrl: string;
/** A loopback server that answers every request with the HTTP status in its path (`/401`). */
let statusServer: Server;
let statusUrl: (code: number | 'rpc-error') => string;

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

/** What a read through the run's reader, whose one endpoint is `url`, rejects with. */
const runReaderFailure = (url: string) =>
  rejection(
    new ChainReader({ label: 'l1', chainId: 31337, urls: [url], redactor: new Redactor() }).readContract({
      address: reverter,
      abi,
      functionName: 'gameCount',
    }),
  );

beforeAll(async () => {
  node = await startAnvil({ port: await freePort(), chainId: 31337 });
  closedUrl = `http://127.0.0.1:${await freePort()}/v2/sk_live_pollkey`;
  const wallet = createWalletClient({ chain, transport: http(node.url), account: privateKeyToAccount(KEY) });
  const client = createPublicClient({ chain, transport: http(node.url) });
  const hash = await wallet.deployContract({ abi: [], bytecode: REVERTER_INITCODE });
  reverter = (await client.waitForTransactionReceipt({ hash })).contractAddress as Hex;
  statusServer = createServer((request, response) => {
    if (request.url === '/rpc-error') {
      // A node's own JSON-RPC error answer (HTTP 200), as a provider gives when its backend timed out.
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        const error = { code: -32000, message: 'request timed out' };
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id, error }));
      });
      return;
    }
    request.resume();
    response.writeHead(Number(request.url?.slice(1)), { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => statusServer.listen(0, '127.0.0.1', resolve));
  statusUrl = (code) => `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/${code}`;
});
afterAll(async () => {
  await new Promise((resolve) => statusServer?.close(resolve));
  await node?.stop();
});

describe('pollFailure: lasting or not', () => {
  const failureOf = async (url: string, method = 'eth_blockNumber') => {
    const client = createPublicClient({ chain, transport: http(url, { retryCount: 0 }) });
    // biome-ignore lint/suspicious/noExplicitAny: a method viem's typed schema does not list, on purpose
    return pollFailure(await rejection(client.request({ method: method as any })));
  };

  it('a refused key, an unserved method, a revert the node said, a missing archive state: lasting', async () => {
    expect(await failureOf(statusUrl(401))).toMatchObject({
      lasting: true,
      says: expect.stringMatching(/HTTP 401/),
    });
    expect(await failureOf(statusUrl(403))).toMatchObject({ lasting: true });
    expect(await failureOf(node.url, 'l2preflight_noSuchMethod')).toMatchObject({
      lasting: true,
      says: expect.stringMatching(/method not served/),
    });
    const client = createPublicClient({ chain, transport: http(node.url) });
    const reverted = await rejection(
      client.readContract({ address: reverter, abi, functionName: 'gameCount' }),
    );
    expect(pollFailure(reverted)).toMatchObject({ lasting: true });
    expect(
      pollFailure(
        new MeasurementError('cannot recompute the output root …; an archive L2 endpoint is needed'),
      ),
    ).toMatchObject({ lasting: true });
  });

  it("a refused connection, a 5xx, a rate limit, another 4xx (a load balancer's 404): not lasting", async () => {
    expect(await failureOf(closedUrl)).toMatchObject({ lasting: false });
    expect(await failureOf(statusUrl(404))).toMatchObject({ lasting: false });
    expect(await failureOf(statusUrl(503))).toMatchObject({ lasting: false });
    expect(await failureOf(statusUrl(429))).toMatchObject({ lasting: false });
    expect(pollFailure(await runReaderFailure(statusUrl(502)))).toMatchObject({ lasting: false });
  });

  it("a node's JSON-RPC error answer to a receipt read is a failed read, not the end of the drill", async () => {
    const client = createPublicClient({ chain, transport: http(statusUrl('rpc-error'), { retryCount: 0 }) });
    const failure = pollFailure(
      await rejection(client.getTransactionReceipt({ hash: `0x${'ab'.repeat(32)}` })),
    );
    expect(failure).toMatchObject({ lasting: false, says: expect.stringMatching(/request timed out/) });
  });

  it('a refused key through the run reader: lasting', async () => {
    expect(pollFailure(await runReaderFailure(statusUrl(401)))).toMatchObject({
      lasting: true,
      says: expect.stringMatching(/^l1 RPC #1 .*HTTP 401/),
    });
  });
});

describe('pollFailure', () => {
  it('retries a contract read that reverted', async () => {
    const client = createPublicClient({ chain, transport: http(node.url) });
    const error = await rejection(client.readContract({ address: reverter, abi, functionName: 'gameCount' }));
    expect(pollFailure(error)?.says).toMatch(/^a read reverted: .*gameCount/);
    expect(pollFailure(error)?.says).not.toContain('\n');
  });

  it('retries a read through the run reader whose endpoint is down, naming it redacted', async () => {
    const error = await runReaderFailure(closedUrl);
    expect(pollFailure(error)?.says).toMatch(
      /^l1 RPC #1 http:\/\/127\.0\.0\.1:\d+\/… refused the connection$/,
    );
  });

  it("retries a failed request of viem's own transport (the drill's wallet and public clients)", async () => {
    const client = createPublicClient({ chain, transport: http(closedUrl, { retryCount: 0 }) });
    const error = await rejection(client.getBlockNumber());
    expect(pollFailure(error)?.says).toMatch(/^RPC http:\/\/127\.0\.0\.1:\d+\/… refused the connection$/);
  });

  it('ends the drill on a transaction the node refuses while it is prepared', async () => {
    const wallet = createWalletClient({
      chain,
      transport: http(node.url),
      account: privateKeyToAccount(KEY),
    });
    const error = await rejection(wallet.sendTransaction({ to: reverter, data: '0x01' }));
    expect(pollFailure(error)).toBeUndefined();
  });

  it('ends the drill on a live endpoint of another chain, and on anything unplanned (a bug)', () => {
    expect(
      pollFailure(new ChainMismatchError('l1', '#1', 'wrong-chain', 'serves chain id 5')),
    ).toBeUndefined();
    expect(
      pollFailure(new TypeError("Cannot read properties of undefined (reading 'status')")),
    ).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('waits 1 s after the first failed poll, doubling, at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(retryDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
