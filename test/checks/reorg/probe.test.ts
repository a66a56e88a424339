import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
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
  it('treats a vanished block as a change', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000, maxDepth: 0 },
      { head: 10, before, after: [null, hash(9), hash(8)], waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(false);
    expect(j.observed).toBe('reorg of depth 1');
  });
});

describe('reorg.probe on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

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

describe('reorg.probe across runs', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

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
