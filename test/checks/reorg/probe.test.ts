import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
import { MeasurementError } from '../../../src/checks/define.js';
import { probe } from '../../../src/checks/reorg/probe.js';
import { admin, anvilRpc, type RunningVenue } from '../../../src/devnet/venue.js';
import { runChecklist } from '../../../src/engine/run.js';
import { checklistYaml, runOne, startTestVenue } from '../../helpers/venue.js';

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;

describe('reorg.probe evaluate', () => {
  const before = [10, 9, 8].map((number) => ({ number, hash: hash(number) }));
  it('passes when every hash is unchanged', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000, maxDepth: 0 },
      { head: 10, before, after: before.map((b) => b.hash), waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(true);
  });
  it('fails and reports the depth of the deepest change', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000, maxDepth: 0 },
      { head: 10, before, after: [hash(99), hash(98), hash(8)], waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(false);
    expect(j.observed).toBe('reorg of depth 2');
  });
  it('calls a block that vanished inconclusive (an error), never a reorg and never a pass', () => {
    const judge = () =>
      probe.evaluate(
        { depth: 3, wait: 1000, maxDepth: 0 },
        {
          head: 10,
          before,
          after: [null, hash(9), hash(8)],
          waitedMs: 1000,
          retries: { count: 4, ms: 2000 },
        },
        0,
      );
    expect(judge).toThrow(MeasurementError);
    expect(judge).toThrow(
      /inconclusive: block\(s\) 10 seen before are missing on re-read 5 times over 2s .*neither confirmed nor ruled out/,
    );
  });
  it('still fails on a changed hash beside a missing block, naming both', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000, maxDepth: 0 },
      { head: 10, before, after: [null, hash(99), hash(8)], waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(false);
    expect(j.observed).toBe('reorg of depth 2');
    expect(j.message).toContain('block(s) 10 seen before are missing on re-read');
  });
  it('judges a block missing since the last run the same way', () => {
    const judge = () =>
      probe.evaluate(
        { depth: 3, wait: 1000, maxDepth: 0 },
        {
          head: 12,
          before: [{ number: 12, hash: hash(12) }],
          after: [hash(12)],
          waitedMs: 1000,
          previous: { savedAt: 'x', head: 13, blocks: [{ number: 13, hash: hash(13) }], now: [null] },
        },
        0,
      );
    expect(judge).toThrow(/inconclusive: block\(s\) 13 seen before are missing/);
  });
});

/**
 * One devnet for the three groups below: each reorg replaces blocks with a competing branch on the same
 * grid and mining resumes, so the chain stays a steady one for the next test, and every run that keeps a
 * history keeps it in its own new state directory.
 */
let venue: RunningVenue;
beforeAll(async () => {
  venue = await startTestVenue();
});
afterAll(() => venue?.stop());

describe('reorg.probe on the devnet', () => {
  it('passes on a steady chain', async () => {
    const result = await runOne(venue.node.url, 'type: reorg.probe\ndepth: 12\nwait: 1s');
    expect(result.status).toBe('pass');
  });

  it('fails when the chain reorgs between the two reads, naming the depth', async () => {
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    // margins for a loaded machine: 1.5 s for the first read, 2.5 s for the reorg before the second
    const pending = runOne(venue.node.url, 'type: reorg.probe\ndepth: 12\nwait: 4s');
    await new Promise((r) => setTimeout(r, 1_500));
    await admin.reorg(venue.clients, 3);
    const result = await pending;
    expect(result.status).toBe('fail');
    expect(result.status === 'fail' && result.observed).toBe('reorg of depth 3');
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
  });
});

/**
 * A load balancer whose re-reads land on a node one block behind: it answers `null` for the block it
 * last served as `latest` (that node has not got it yet), `lagFor` times, then serves it (caught up).
 */
async function laggingBalancer(target: string, lagFor: number) {
  let latest: string | undefined;
  let hidden = 0;
  const answer = async (call: { id: unknown; method: string; params?: unknown[] }) => {
    const asked = call.method === 'eth_getBlockByNumber' ? call.params?.[0] : undefined;
    if (asked !== undefined && asked === latest && hidden < lagFor) {
      hidden += 1;
      return { jsonrpc: '2.0', id: call.id, result: null };
    }
    const upstream = (await (
      await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call),
      })
    ).json()) as { result?: { number?: string } };
    if (asked === 'latest' && upstream.result?.number) latest = upstream.result.number;
    return upstream;
  };
  const server: Server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text);
    const result = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    hidden: () => hidden,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('reorg.probe behind a load balancer with a lagging node', () => {
  it('is inconclusive (error), not a reorg, when the head it saw stays missing on every re-read', async () => {
    const balancer = await laggingBalancer(venue.node.url, Number.POSITIVE_INFINITY);
    try {
      const result = await runOne(balancer.url, 'type: reorg.probe\ndepth: 12\nwait: 500ms');
      expect(result.status).toBe('error');
      expect(result.message).toMatch(
        /inconclusive: block\(s\) \d+ seen before are missing on re-read 5 times over .*neither confirmed nor ruled out/,
      );
      expect(balancer.hidden()).toBe(5);
    } finally {
      await balancer.close();
    }
  });

  it('passes once the lagging node catches up within the retries', async () => {
    const balancer = await laggingBalancer(venue.node.url, 2);
    try {
      const result = await runOne(balancer.url, 'type: reorg.probe\ndepth: 12\nwait: 500ms');
      expect(result.status, result.message).toBe('pass');
      expect(balancer.hidden()).toBe(2);
    } finally {
      await balancer.close();
    }
  });
});

describe('reorg.probe across runs', () => {
  async function run(stateDir: string, params = '') {
    const checklist = parseChecklist(
      checklistYaml(
        venue.node.url,
        `  - id: probe\n    type: reorg.probe\n    depth: 12\n    wait: 200ms\n${params}`,
      ),
      'venue.yaml',
      { env: {} },
    );
    const { run } = await runChecklist(checklist, { stateDir });
    return run.results[0];
  }

  it('fails the next run after a reorg that happened between runs, naming the depth', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'l2p-reorg-'));
    expect((await run(stateDir))?.status).toBe('pass');
    // Mining stops before the run whose history the reorg is judged against: a block mined between that
    // run and the reorg would sit outside the history and make the depth seen one less.
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    try {
      expect((await run(stateDir))?.message).toContain('and since the run of');
      await admin.reorg(venue.clients, 3);
      const result = await run(stateDir);
      expect(result?.status).toBe('fail');
      expect(result?.message).toContain('changed since (depth 3)');
      // the history now holds the new branch: the run after that is clean
      expect((await run(stateDir))?.status).toBe('pass');
      await admin.reorg(venue.clients, 2);
      const tolerated = await run(stateDir, '    maxDepth: 2\n');
      expect(tolerated?.status).toBe('warn');
      expect(tolerated?.message).toContain('reorg of depth 2 (at most 2 tolerated)');
    } finally {
      await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
    }
  });

  it.each([
    ['a truncated file', '{"version":1,"chainId":901,"blo'],
    ['garbage', '\u0000\u0001 not json at all'],
    [
      'a history of another chain',
      JSON.stringify({
        version: 1,
        chainId: 901,
        genesis: `0x${'ab'.repeat(32)}`,
        savedAt: 'x',
        head: 5,
        blocks: [],
      }),
    ],
  ])('sets aside %s, warns, and does not crash or pass', async (_name, content) => {
    const stateDir = await mkdtemp(join(tmpdir(), 'l2p-corrupt-'));
    await run(stateDir);
    await writeFile(join(stateDir, 'venue', 'checks', 'probe.json'), content);
    const result = await run(stateDir);
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('was set aside to');
    const files = await readdir(join(stateDir, 'venue', 'checks'));
    expect(files.some((f) => f.startsWith('probe.json.corrupt-'))).toBe(true);
    expect(files).toContain('probe.json');
    expect((await run(stateDir))?.status).toBe('pass');
  });
});
