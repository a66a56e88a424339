/** The fault proxy itself, against a real anvil: each mode does what the fault suite relies on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import { type FaultProxy, GARBAGE_SECRET, startFaultProxy } from '../helpers/faultProxy.js';

let node: AnvilNode;
let proxy: FaultProxy;
let txHash: string;
const recipient = '0x00000000000000000000000000000000000f4017';

interface Reply {
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

async function rpc(
  url: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  return { status: response.status, text: await response.text() };
}

const call = (method: string, params: unknown[] = [], id: number = 1) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});

async function result(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const { text } = await rpc(url, call(method, params));
  return (JSON.parse(text) as Reply).result;
}

beforeAll(async () => {
  node = await startAnvil({ port: await freePort(), chainId: 901 });
  await result(node.url, 'anvil_mine', ['0x14']);
  const [from] = (await result(node.url, 'eth_accounts')) as string[];
  txHash = (await result(node.url, 'eth_sendTransaction', [{ from, to: recipient, value: '0x1' }])) as string;
  await result(node.url, 'anvil_mine', ['0x5']);
  proxy = await startFaultProxy(node.url);
});

afterAll(async () => {
  await proxy?.close();
  await node?.stop();
});

describe('fault proxy', () => {
  it('passes calls and batches through, counting requests and calls', async () => {
    proxy.setMode({ kind: 'pass' });
    const before = proxy.stats();
    expect(await result(proxy.url, 'eth_chainId')).toBe('0x385');
    const { text } = await rpc(proxy.url, [call('eth_chainId', [], 1), call('eth_blockNumber', [], 2)]);
    expect((JSON.parse(text) as Reply[]).map((r) => r.id)).toEqual([1, 2]);
    const after = proxy.stats();
    expect(after.requests - before.requests).toBe(2);
    expect(after.calls - before.calls).toBe(3);
  });

  it('adds latency', async () => {
    proxy.setMode({ kind: 'latency', ms: 300 });
    const started = Date.now();
    expect(await result(proxy.url, 'eth_chainId')).toBe('0x385');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('hangs without answering, and close() ends a hung socket', async () => {
    const hung = await startFaultProxy(node.url, { kind: 'hang' });
    const pending = rpc(hung.url, call('eth_chainId')).then(
      () => 'answered',
      () => 'failed',
    );
    const first = await Promise.race([
      pending,
      new Promise((r) => setTimeout(() => r('still waiting'), 500)),
    ]);
    expect(first).toBe('still waiting');
    expect(hung.stats().calls).toBe(1);
    await hung.close();
    expect(await pending).toBe('failed');
  });

  it('answers an HTTP status with a small body', async () => {
    for (const code of [429, 500, 401]) {
      proxy.setMode({ kind: 'status', code });
      const { status, text } = await rpc(proxy.url, call('eth_chainId'));
      expect(status).toBe(code);
      expect(text.length).toBeLessThan(200);
    }
  });

  it('refuses by closing the socket', async () => {
    proxy.setMode({ kind: 'refuse' });
    await expect(rpc(proxy.url, call('eth_chainId'))).rejects.toThrow();
  });

  it('truncates the JSON body', async () => {
    proxy.setMode({ kind: 'truncate' });
    const { status, text } = await rpc(proxy.url, [
      call('eth_chainId', [], 1),
      call('eth_blockNumber', [], 2),
    ]);
    expect(status).toBe(200);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('answers garbage carrying a secret-looking token', async () => {
    proxy.setMode({ kind: 'garbage' });
    const { status, text } = await rpc(proxy.url, call('eth_chainId'));
    expect(status).toBe(200);
    expect(text).toContain(GARBAGE_SECRET);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('reverses a batch answer', async () => {
    proxy.setMode({ kind: 'reorder' });
    const { text } = await rpc(proxy.url, [call('eth_chainId', [], 1), call('eth_blockNumber', [], 2)]);
    expect((JSON.parse(text) as Reply[]).map((r) => r.id)).toEqual([2, 1]);
  });

  it('drops one element of a batch answer', async () => {
    proxy.setMode({ kind: 'partial' });
    const { text } = await rpc(proxy.url, [
      call('eth_chainId', [], 1),
      call('eth_blockNumber', [], 2),
      call('eth_gasPrice', [], 3),
    ]);
    expect((JSON.parse(text) as Reply[]).length).toBe(2);
  });

  it('answers another chain id', async () => {
    proxy.setMode({ kind: 'wrong-chain', chainId: 10 });
    expect(await result(proxy.url, 'eth_chainId')).toBe('0xa');
    const { text } = await rpc(proxy.url, [call('eth_blockNumber', [], 1), call('eth_chainId', [], 2)]);
    expect((JSON.parse(text) as Reply[])[1]?.result).toBe('0xa');
  });

  it('streams a huge body of the given size', async () => {
    proxy.setMode({ kind: 'huge', bytes: 2_000_000 });
    const { text } = await rpc(proxy.url, call('eth_chainId'));
    expect(text.length).toBe(2_000_000);
    expect((JSON.parse(text) as Reply).id).toBe(1);
  });

  it('serves a consistent view N blocks behind', async () => {
    proxy.setMode({ kind: 'pass' });
    const head = BigInt((await result(proxy.url, 'eth_blockNumber')) as string);
    expect(BigInt((await result(proxy.url, 'eth_getBalance', [recipient, 'latest'])) as string)).toBe(1n);
    proxy.setMode({ kind: 'stale', blocks: 10 });
    expect(BigInt((await result(proxy.url, 'eth_blockNumber')) as string)).toBe(head - 10n);
    const latest = (await result(proxy.url, 'eth_getBlockByNumber', ['latest', false])) as { number: string };
    expect(BigInt(latest.number)).toBe(head - 10n);
    // the transfer is 5 blocks old: the stale view has not seen it, whichever way it is asked
    expect(BigInt((await result(proxy.url, 'eth_getBalance', [recipient, 'latest'])) as string)).toBe(0n);
    // a block newer than the view is one the node does not have: an error, never an older block's state
    const { text: pinned } = await rpc(
      proxy.url,
      call('eth_getBalance', [recipient, `0x${head.toString(16)}`]),
    );
    expect((JSON.parse(pinned) as { error?: { message: string } }).error?.message).toBe('header not found');
    expect(await result(proxy.url, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false])).toBeNull();
    expect(await result(proxy.url, 'eth_getTransactionReceipt', [txHash])).toBeNull();
    const { text } = await rpc(proxy.url, [
      call('eth_blockNumber', [], 7),
      call('eth_getBlockByNumber', ['safe', false], 8),
    ]);
    const [number, safe] = JSON.parse(text) as [Reply, { result: { number: string } }];
    expect(number.result).toBe(`0x${(head - 10n).toString(16)}`);
    expect(BigInt(safe.result.number)).toBeLessThanOrEqual(head - 10n);
  });

  it('closes itself when its lifetime ends', async () => {
    const brief = await startFaultProxy(node.url, { kind: 'pass' }, { lifetimeMs: 200 });
    expect(await result(brief.url, 'eth_chainId')).toBe('0x385');
    await new Promise((r) => setTimeout(r, 500));
    await expect(rpc(brief.url, call('eth_chainId'))).rejects.toThrow();
  });

  it('only proxies to loopback', async () => {
    await expect(startFaultProxy('http://example.com:8545')).rejects.toThrow(/loopback/);
  });
});
