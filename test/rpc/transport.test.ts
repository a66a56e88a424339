/**
 * The hedged transport against a real anvil behind fault proxies: a hanging or slow URL is raced, a
 * failing one is demoted, every failure names its endpoint and cause, the run's signal cancels requests.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { erc20Abi } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChainMismatchError, RpcEndpointError } from '../../src/core/errors.js';
import { freePort } from '../../src/devnet/anvil.js';
import { DEVNET_ADDRESSES } from '../../src/devnet/constants.js';
import { runChecklist } from '../../src/engine/run.js';
import { ChainReader } from '../../src/rpc/reader.js';
import { Redactor } from '../../src/rpc/redact.js';
import { defaultHedgeDelay, resolveRpcTimeout, rpcTimeoutProblem } from '../../src/rpc/transport.js';
import { cli } from '../helpers/cli.js';
import { type FaultMode, type FaultProxy, GARBAGE_SECRET, startFaultProxy } from '../helpers/faultProxy.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { checklistYaml } from '../helpers/venue.js';

let venue: TestVenue;
const proxies: FaultProxy[] = [];
beforeAll(async () => {
  venue = await sharedTestVenue();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => venue?.stop());

async function proxy(mode: FaultMode = { kind: 'pass' }): Promise<FaultProxy> {
  const started = await startFaultProxy(venue.node.url, mode);
  proxies.push(started);
  return started;
}

const reader = (urls: string[], options: { requestTimeoutMs?: number; signal?: AbortSignal } = {}) =>
  new ChainReader({ label: 'l2', chainId: 901, urls, redactor: new Redactor(), ...options });

async function failure(promise: Promise<unknown>): Promise<RpcEndpointError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcEndpointError);
  return error as RpcEndpointError;
}

const READ_ONLY = [
  '  - id: feed\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 65m\n',
  '  - id: head\n    type: sequencer.head-age\n    max: 1h\n',
  '  - id: cadence\n    type: sequencer.cadence\n    window: 8\n    maxGap: 1h\n    maxP99: 1h\n',
  '  - id: uptime\n    type: sequencer.uptime-feed\n    feed: $sequencerUptimeFeed\n    gracePeriod: 1s\n',
].join('');

describe('hedged RPC transport', () => {
  it('a hanging first URL costs a healthy second one nothing: every check passes as without the fault', async () => {
    const healthy = await runChecklist(
      parseChecklist(checklistYaml([venue.node.url], READ_ONLY), 'a.yaml', { env: {} }),
    );
    expect(healthy.run.summary.pass).toBe(4);

    const hanging = await proxy({ kind: 'hang' });
    const started = Date.now();
    const { run } = await runChecklist(
      parseChecklist(checklistYaml([hanging.url, venue.node.url], READ_ONLY), 'b.yaml', { env: {} }),
    );
    const elapsed = Date.now() - started;
    expect(run.results.map((r) => [r.id, r.status])).toEqual(
      healthy.run.results.map((r) => [r.id, r.status]),
    );
    // The checks' timeout is 10 s; the old transport spent 2 × 10 s per request on the hanging URL.
    expect(elapsed).toBeLessThan(7_000);
  });

  it('races a slow endpoint with the next one, then asks the fast one first', async () => {
    const slow = await proxy();
    const chain = reader([slow.url, venue.node.url], { requestTimeoutMs: 9_000 });
    await chain.freshBlock(1n);
    // Slow from now on, after it was checked and preferred.
    slow.setMode({ kind: 'latency', ms: 8_000 });
    const started = Date.now();
    // (Not latestBlock: the run's head comes from the chain-id probe and costs no request.)
    const block = await chain.freshBlock(2n);
    expect(block.number).toBe(2n);
    // The hedge goes out after 1 s; the slow endpoint would answer after 8 s.
    expect(Date.now() - started).toBeLessThan(5_000);
    const askedSlow = slow.stats().requests;
    for (let i = 1; i <= 3; i++) await chain.freshBlock(BigInt(i));
    expect(slow.stats().requests).toBe(askedSlow);
  });

  it('deprioritises an endpoint that failed for the rest of the run', async () => {
    const flaky = await proxy();
    const chain = reader([flaky.url, venue.node.url]);
    await chain.freshBlock(1n);
    flaky.setMode({ kind: 'status', code: 503 });
    const before = flaky.stats().requests;
    for (let i = 1; i <= 5; i++) expect((await chain.freshBlock(BigInt(i))).number).toBe(BigInt(i));
    // One request found it failing; none went there afterwards (the old fallback asked it twice per read).
    expect(flaky.stats().requests - before).toBe(1);
    expect(chain.endpoints()[0]).toMatchObject({ failures: 1 });
  });

  it('names the endpoint and the cause of each failure, never the bytes it sent', async () => {
    const closedPort = `http://127.0.0.1:${await freePort()}`;
    const refused = await failure(reader([closedPort]).latestBlock());
    expect(refused.cause).toBe('refused');
    expect(refused.message).toBe(`l2 RPC #1 ${closedPort} refused the connection`);

    const limited = await proxy({ kind: 'status', code: 429 });
    const rateLimited = await failure(reader([limited.url]).latestBlock());
    expect(rateLimited).toMatchObject({ cause: 'http-429', endpoint: `#1 ${limited.url}` });
    expect(rateLimited.message).toBe(`l2 RPC #1 ${limited.url} answered HTTP 429 (rate limited)`);

    const hanging = await proxy({ kind: 'hang' });
    const timedOut = await failure(reader([hanging.url], { requestTimeoutMs: 500 }).latestBlock());
    expect(timedOut.cause).toBe('timeout');
    expect(timedOut.message).toBe(`l2 RPC #1 ${hanging.url} timed out after 500ms`);

    // Garbage once the endpoint is admitted: the chain-id probe passes, then the reads get HTML.
    const garbled = await proxy();
    const garbledChain = reader([garbled.url]);
    await garbledChain.freshBlock(1n);
    garbled.setMode({ kind: 'garbage' });
    const garbage = await failure(garbledChain.freshBlock(2n));
    expect(garbage.cause).toBe('bad-json');
    expect(garbage.message).toBe(
      `l2 RPC #1 ${garbled.url} answered with something that is not a JSON-RPC response`,
    );
    expect(JSON.stringify({ message: garbage.message, short: garbage.shortMessage })).not.toMatch(
      new RegExp(`${GARBAGE_SECRET}|html|Gateway`),
    );
  });

  it('says what each endpoint did when all of them fail', async () => {
    const limited = await proxy({ kind: 'status', code: 500 });
    const closedPort = `http://127.0.0.1:${await freePort()}`;
    const error = await failure(reader([limited.url, closedPort]).latestBlock());
    expect(error.message).toBe(
      `every l2 RPC endpoint failed: #1 ${limited.url} answered HTTP 500 (server error); #2 ${closedPort} refused the connection`,
    );
    expect(error.failures.map((f) => f.cause)).toEqual(['http-5xx', 'refused']);
  });

  it('refuses a 50 MB answer as too large without waiting for all of it', async () => {
    const huge = await proxy();
    const chain = reader([huge.url], { requestTimeoutMs: 20_000 });
    await chain.freshBlock(1n);
    huge.setMode({ kind: 'huge', bytes: 50 * 1024 * 1024 });
    const error = await failure(chain.freshBlock(2n));
    expect(error.cause).toBe('too-large');
    expect(error.message).toBe(`l2 RPC #1 ${huge.url} sent a response over 16 MB (refused, not read)`);
  });

  it('calls truncated and short batch answers bad JSON, and still fails a chain on a wrong chain id', async () => {
    for (const kind of ['truncate', 'partial'] as const) {
      const broken = await proxy();
      const chain = reader([broken.url]);
      await chain.freshBlock(1n);
      broken.setMode({ kind });
      const reads = await Promise.allSettled([chain.freshBlock(2n), chain.freshBlock(3n)]);
      const [first, second] = reads;
      if (kind === 'truncate') {
        expect(first?.status === 'rejected' && first.reason).toMatchObject({ cause: 'bad-json' });
      } else {
        // A short batch: the call left without an answer of its id fails; the other keeps its own block.
        expect(first?.status === 'fulfilled' && first.value.number).toBe(2n);
        expect(second?.status === 'rejected' && second.reason).toMatchObject({ cause: 'bad-json' });
      }
    }
    const liar = await proxy({ kind: 'wrong-chain', chainId: 1 });
    const error = await failure(reader([venue.node.url, liar.url]).latestBlock());
    expect(error).toBeInstanceOf(ChainMismatchError);
    expect(error.message).toBe(`l2 RPC #2 ${liar.url} serves chain id 1, but the checklist declares 901`);
  });

  it('aborting the run signal cancels the in-flight HTTP request at once', async () => {
    let server: Server | undefined;
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const closed = new Promise<number>((resolve) => {
      server = createServer((request) => {
        // Read, never answered; note when the client hangs up.
        arrived();
        request.resume();
        request.socket.once('close', () => resolve(Date.now()));
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server?.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const abort = new AbortController();
      const read = reader([url], { requestTimeoutMs: 20_000, signal: abort.signal }).latestBlock();
      // Abort once the request is in flight, however long the machine takes to send it.
      await inFlight;
      const abortedAt = Date.now();
      abort.abort(new Error('run deadline of 1s reached'));
      const error = await failure(read);
      expect(error.cause).toBe('aborted');
      expect(error.message).toBe(`l2 RPC #1 ${url} request aborted: run deadline of 1s reached`);
      // Far below the request's own 20 s timeout, so only the abort can have ended it; not a tight bound,
      // which would measure how busy the machine is rather than whether the request was cancelled.
      expect(Date.now() - abortedAt).toBeLessThan(5_000);
      expect((await closed) - abortedAt).toBeLessThan(5_000);
    } finally {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });
});

describe('RPC failures in a run', () => {
  it('a stray null-id entry in every batch answer changes no check; an answer missing its id ends the check as error', async () => {
    const clean = await runChecklist(
      parseChecklist(checklistYaml([venue.node.url], READ_ONLY), 'c.yaml', { env: {} }),
    );
    const stray = await proxy({ kind: 'stray-null-id' });
    const { run } = await runChecklist(
      parseChecklist(checklistYaml([stray.url], READ_ONLY), 'c.yaml', { env: {} }),
    );
    // Matched by position, each call would have taken its neighbour's answer.
    expect(run.results.map((r) => [r.id, r.status])).toEqual(clean.run.results.map((r) => [r.id, r.status]));
    expect(run.results.every((r) => r.status === 'pass')).toBe(true);

    const short = await proxy({ kind: 'partial' });
    const partial = await runChecklist(
      parseChecklist(checklistYaml([short.url], READ_ONLY), 'c.yaml', { env: {} }),
    );
    // Whatever did not get its own answer is an error, never a verdict on another call's value.
    for (const result of partial.run.results) expect(['pass', 'error']).toContain(result.status);
    expect(partial.run.results.some((r) => r.status === 'error')).toBe(true);
  });

  it('reach the check row as endpoint and cause, through viem contract reads too, with no response bytes', async () => {
    const garbled = await proxy({ kind: 'garbage' });
    const { run } = await runChecklist(
      parseChecklist(checklistYaml([garbled.url], READ_ONLY), 'c.yaml', { env: {} }),
    );
    for (const result of run.results) {
      expect(result).toMatchObject({
        status: 'error',
        message: `could not measure: l2 RPC #1 ${garbled.url} answered with something that is not a JSON-RPC response`,
      });
    }
    expect(JSON.stringify(run)).not.toMatch(new RegExp(`${GARBAGE_SECRET}|html|Gateway`));

    // A contract read that fails after the endpoint was admitted: viem wraps the error, the message stays ours.
    const limited = await proxy();
    const chain = reader([limited.url]);
    await chain.freshBlock(1n);
    limited.setMode({ kind: 'status', code: 429 });
    const error = await chain
      .readContract({ address: DEVNET_ADDRESSES.ethUsdFeed, abi: erc20Abi, functionName: 'decimals' })
      .then(
        () => undefined,
        (e: unknown) => e as { shortMessage?: string },
      );
    expect(error?.shortMessage).toBe(`l2 RPC #1 ${limited.url} answered HTTP 429 (rate limited)`);
  });
});

describe('the RPC timeout', () => {
  it('defaults to 3s, at most half the check timeout; an explicit one is kept', () => {
    expect(resolveRpcTimeout(20_000)).toBe(3_000);
    expect(resolveRpcTimeout(4_000)).toBe(2_000);
    expect(resolveRpcTimeout(20_000, 5_000)).toBe(5_000);
    expect(defaultHedgeDelay(3_000)).toBe(1_000);
    expect(defaultHedgeDelay(600)).toBe(200);
  });

  it('must be below the check timeout', () => {
    expect(rpcTimeoutProblem(3_000, 10_000)).toBeUndefined();
    expect(rpcTimeoutProblem(10_000, 10_000)).toBe(
      'the RPC timeout (10s) must be below the check timeout (10s): a check would end before its first request could fail over',
    );
  });

  it('is refused by run at or above the check timeout, from the flag or the checklist', async () => {
    const flag = await cli(['run', 'checks/devnet.yaml', '--rpc-timeout', '10s']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      '--rpc-timeout: the RPC timeout (10s) must be below the check timeout (10s)',
    );
    expect(flag.stderr).not.toContain('    at ');

    const dir = await mkdtemp(join(tmpdir(), 'rpc-timeout-'));
    const file = join(dir, 'c.yaml');
    await writeFile(
      file,
      checklistYaml('http://127.0.0.1:1', READ_ONLY).replace(
        '  timeout: 10s',
        '  timeout: 10s\n  rpcTimeout: 10s',
      ),
    );
    const checklist = await cli(['validate', file]);
    expect(checklist.code).toBe(2);
    expect(checklist.stderr).toMatch(
      /c\.yaml:\d+:\d+: .*rpcTimeout.*expected an RPC timeout below defaults\.timeout/,
    );
  }, 120_000);
});
