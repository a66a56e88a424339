import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { anvilRpc } from '../../src/devnet/venue.js';
import { runChecklist } from '../../src/engine/run.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { checklistYaml } from '../helpers/venue.js';

let venue: TestVenue;
beforeAll(async () => {
  venue = await sharedTestVenue();
});
afterAll(() => venue?.stop());

const load = (checks: string) =>
  parseChecklist(checklistYaml(venue.node.url, checks), 'engine.yaml', { env: {} });

const feedCheck = (id: string) =>
  `  - id: ${id}\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 65m\n`;

describe('runChecklist', () => {
  it('de-duplicates and batches identical reads across checks', async () => {
    const one = await runChecklist(load(feedCheck('a')));
    const three = await runChecklist(load(feedCheck('a') + feedCheck('b') + feedCheck('c')));
    expect(three.run.summary.pass).toBe(3);
    // Three checks reading the same feed cost no more JSON-RPC calls than one.
    expect(three.traffic.rpcCalls).toBe(one.traffic.rpcCalls);
    // chain-id probe (with the head and Multicall3's presence), then one batch: a multicall for the
    // feed's reads and the aggregator-bounds probe.
    expect(three.traffic.httpRequests).toBeLessThanOrEqual(2);
  });

  it('turns a check that outlives its timeout into error, not pass', async () => {
    const { run } = await runChecklist(
      load('  - id: slow\n    type: reorg.probe\n    wait: 5s\n    timeout: 500ms\n'),
    );
    expect(run.results[0]).toMatchObject({
      status: 'error',
      errorKind: 'timeout',
      message: 'could not measure: timed out after 500ms',
    });
    expect(run.results[0]?.durationMs).toBeLessThan(2_000);
    expect(run.verdict).toBe('NO VERDICT'); // its only critical check measured nothing: never ROUTE
  });

  it('ends every unfinished check at the run deadline', async () => {
    const started = Date.now();
    const { run } = await runChecklist(
      load(`  - id: slow\n    type: reorg.probe\n    wait: 5s\n${feedCheck('fast')}`),
      { deadlineMs: 800 },
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(run.results.find((r) => r.id === 'slow')).toMatchObject({
      status: 'error',
      errorKind: 'deadline',
    });
    expect(run.results.find((r) => r.id === 'slow')?.message).toContain('run deadline of 800ms reached');
    expect(run.results.find((r) => r.id === 'fast')?.status).toBe('pass');
  });

  it('ends at once a check the pool starts after the deadline, and names every check the deadline cut', async () => {
    const started = Date.now();
    const probes = [1, 2, 3]
      .map((i) => `  - id: probe-${i}\n    type: reorg.probe\n    wait: 5s\n    timeout: 20s\n`)
      .join('');
    // One at a time: probe-2 and probe-3 start after the deadline has already passed.
    const { run } = await runChecklist(load(probes), { deadlineMs: 800, concurrency: 1 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(run.results.map((r) => r.status)).toEqual(['error', 'error', 'error']);
    // Also the two the pool started after the deadline, which never ran.
    expect(run.results.map((r) => r.status === 'error' && r.errorKind)).toEqual([
      'deadline',
      'deadline',
      'deadline',
    ]);
    expect(run.cutByDeadline).toEqual(['probe-1', 'probe-2', 'probe-3']);
    expect(run.verdict).toBe('NO VERDICT');
    expect(run.verdictReason).toContain('run deadline of 800ms reached');
  });

  it('ends every check of an interrupted run as error, kind interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { run } = await runChecklist(load(feedCheck('a')), { signal: controller.signal });
    expect(run.results[0]).toMatchObject({
      status: 'error',
      errorKind: 'interrupted',
      message: 'could not measure: the run was interrupted',
    });
  });

  it('skips a check that does not apply, kind not-applicable; a --skip has no kind', async () => {
    const { run } = await runChecklist(
      load(`  - id: divergence\n    type: sequencer.rpc-divergence\n${feedCheck('price')}`),
      { skip: ['price'] },
    );
    expect(run.results[0]).toMatchObject({ status: 'skip', errorKind: 'not-applicable' });
    expect(run.results[0]?.message).toContain('not applicable: needs two or more L2 RPC URLs');
    expect(run.results[1]).toMatchObject({ status: 'skip', message: 'skipped by --skip' });
    expect(run.results[1]).not.toHaveProperty('errorKind');
  });

  it('reports a chain whose every endpoint is down as error, kind rpc', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const { run } = await runChecklist(
      parseChecklist(checklistYaml(url, feedCheck('price')), 'dead.yaml', { env: {} }),
    );
    expect(run.results[0]).toMatchObject({ status: 'error', errorKind: 'rpc' });
    expect(run.results[0]?.message).toContain('refused the connection');
  });

  it('reports a contract read that the chain cannot answer as error, kind measurement', async () => {
    // An address without code where the checklist declares a Chainlink feed.
    const { run } = await runChecklist(
      load(
        '  - id: nothing\n    type: oracle.chainlink\n    feed: "0x000000000000000000000000000000000000dEaD"\n    maxAge: 1h\n',
      ),
    );
    expect(run.results[0]).toMatchObject({ status: 'error', errorKind: 'measurement' });
  });

  it("leaves no listener on the caller's signal: --watch passes one signal to every run", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 2; i++) await runChecklist(load(feedCheck('a')), { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('runs checks concurrently: wall time is close to the slowest check, not the sum', async () => {
    const probes = [1, 2, 3].map((i) => `  - id: probe-${i}\n    type: reorg.probe\n    wait: 1s\n`).join('');
    const { run } = await runChecklist(load(probes));
    expect(run.summary.pass).toBe(3);
    expect(run.durationMs).toBeLessThan(2_500);
  });

  it('selects with --only and --skip by id or tag', async () => {
    const checks = `${feedCheck('price')}    tags: [oracle]\n  - id: head\n    type: sequencer.head-age\n`;
    const only = await runChecklist(load(checks), { only: ['oracle'] });
    expect(only.run.results.map((r) => r.id)).toEqual(['price']);
    const skipped = await runChecklist(load(checks), { skip: ['head'] });
    expect(skipped.run.results.find((r) => r.id === 'head')).toMatchObject({
      status: 'skip',
      message: 'skipped by --skip',
    });
  });

  it('refuses to read from an endpoint that serves another chain id', async () => {
    const checklist = parseChecklist(
      checklistYaml(venue.node.url, '  - id: head\n    type: sequencer.head-age\n', 10),
      'wrong-chain.yaml',
      { env: {} },
    );
    const { run } = await runChecklist(checklist);
    expect(run.results[0]).toMatchObject({ status: 'error', errorKind: 'chain-mismatch' });
    expect(run.results[0]?.message).toContain('serves chain id 901, but the checklist declares 10');
  });
});

describe('malformed RPC answers', () => {
  type Call = { id: number; method: string };
  // The kind: `rpc` when the answer is not JSON-RPC at all (the transport refuses it), and
  // `malformed-response` when it is JSON-RPC but not what the method promises.
  it.each([
    ['an HTML error page', () => '<html>502 Bad Gateway</html>', 'rpc'],
    [
      'results of the wrong shape',
      (call: Call) => ({ jsonrpc: '2.0', id: call.id, result: { unexpected: true } }),
      'rpc',
    ],
    ['empty results', (call: Call) => ({ jsonrpc: '2.0', id: call.id, result: null }), 'malformed-response'],
  ])('make the check error, never pass: %s', async (_name, answer, kind) => {
    const server = createServer(async (request, response) => {
      let text = '';
      for await (const chunk of request) text += chunk;
      const parsed = JSON.parse(text) as Call | Call[];
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      // eth_chainId is answered honestly so that the garbage reaches the checks themselves.
      const answers = calls.map((call) =>
        call.method === 'eth_chainId' ? { jsonrpc: '2.0', id: call.id, result: '0x385' } : answer(call),
      );
      if (answers.some((a) => typeof a === 'string')) {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(answers.find((a) => typeof a === 'string'));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const checklist = parseChecklist(
        checklistYaml(url, `  - id: head\n    type: sequencer.head-age\n${feedCheck('price')}`),
        'garbage.yaml',
        { env: {} },
      );
      const { run } = await runChecklist(checklist);
      expect(run.results.map((r) => r.status)).toEqual(['error', 'error']);
      expect(run.results.map((r) => r.status === 'error' && r.errorKind)).toEqual([kind, kind]);
      expect(run.results.map((r) => r.message)).toEqual([
        expect.stringContaining('could not measure'),
        expect.stringContaining('could not measure'),
      ]);
      expect(run.verdict).toBe('NO VERDICT'); // nothing was measured: never ROUTE
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("this machine's clock against the chain heads", () => {
  const ageChecks = `  - id: head\n    type: sequencer.head-age\n${feedCheck('price')}`;
  const withL1 = (checks: string, defaults = '') =>
    parseChecklist(
      checklistYaml(venue.node.url, checks, 901, venue.l1.node.url).replace(
        'defaults:\n',
        `defaults:\n${defaults}`,
      ),
      'clock.yaml',
      { env: {} },
    );
  const slow = (ms: number) => () => Date.now() - ms;

  it('passes the age checks when the clock agrees with the L1 head', async () => {
    const { run } = await runChecklist(withL1(ageChecks));
    expect(run.results.map((r) => [r.id, r.status])).toEqual([
      ['head', 'pass'],
      ['price', 'pass'],
    ]);
  });

  it('makes every age check error, the skew named, when the clock is 60 s behind the L1 head', async () => {
    const { run } = await runChecklist(
      withL1(`${ageChecks}  - id: depth\n    type: reorg.probe\n    wait: 100ms\n`),
      {
        now: slow(60_000),
      },
    );
    for (const id of ['head', 'price']) {
      const result = run.results.find((r) => r.id === id);
      expect(result).toMatchObject({ status: 'error', errorKind: 'clock' });
      expect(result?.message).toMatch(
        /^could not measure: this machine's clock is ((5\d|6[0-5])s|1m( \ds)?) behind the L1 head \(block \d+ at .*\), more than the 30s tolerance: every age would read/,
      );
      expect(result?.status === 'error' && result.evidence?.clock).toMatchObject({
        reference: { chain: 'l1' },
        toleranceMs: 30_000,
      });
    }
    // A check that judges no age runs as usual.
    expect(run.results.find((r) => r.id === 'depth')?.status).toBe('pass');
    // critical checks could not measure and none failed: no verdict (exit 3), not HOLD
    expect(run.verdict).toBe('NO VERDICT');
  });

  it('names the L2 head when the checklist declares no L1', async () => {
    const { run } = await runChecklist(load(ageChecks), { now: slow(60_000) });
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.message).toMatch(/clock is ((5\d|6[0-5])s|1m( \ds)?) behind the L2 head/);
  });

  it('accepts a larger lag with defaults.clockTolerance or --clock-tolerance', async () => {
    const fromChecklist = await runChecklist(withL1(ageChecks, '  clockTolerance: 2m\n'), {
      now: slow(60_000),
    });
    const fromFlag = await runChecklist(withL1(ageChecks), { now: slow(60_000), clockToleranceMs: 120_000 });
    for (const { run } of [fromChecklist, fromFlag]) {
      // The checks judge again (head-age keeps its own rule for a head dated ahead of its max).
      expect(run.summary.error).toBe(0);
      expect(run.results.find((r) => r.id === 'price')?.status).toBe('pass');
    }
  });

  it('never turns a stale head into a clock error: a fast clock or a halted L2 still fails head-age', async () => {
    // 60 s fast: every head looks 60 s old, as with a halted chain. Nothing proves the clock wrong.
    const { run } = await runChecklist(withL1(ageChecks), { now: () => Date.now() + 60_000 });
    expect(run.results.find((r) => r.id === 'head')).toMatchObject({ status: 'fail' });
  });

  it('fails head-age, not a clock error, when the L2 really halts while L1 goes on', async () => {
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    try {
      // Wait on the condition (the head is older than head-age's max), not on a fixed sleep.
      const head = await venue.clients.public.getBlock({ blockTag: 'latest' });
      while (Date.now() - Number(head.timestamp) * 1000 <= 3_000)
        await new Promise((r) => setTimeout(r, 200));
      const { run } = await runChecklist(withL1('  - id: head\n    type: sequencer.head-age\n    max: 2s\n'));
      expect(run.results[0]).toMatchObject({ status: 'fail' });
      expect(run.results[0]?.message).toMatch(/latest L2 block \d+ is [\d.]+s old/);
    } finally {
      await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
    }
  });
});
