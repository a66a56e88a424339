import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../src/checks/reorg/probe.js';
import { anvilRpc, type RunningVenue } from '../../../src/devnet/venue.js';
import { runOne, startTestVenue } from '../../helpers/venue.js';

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;

describe('reorg.probe evaluate', () => {
  const before = [10, 9, 8].map((number) => ({ number, hash: hash(number) }));
  it('passes when every hash is unchanged', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000 },
      { head: 10, before, after: before.map((b) => b.hash), waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(true);
  });
  it('fails and reports the depth of the deepest change', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000 },
      { head: 10, before, after: [hash(99), hash(98), hash(8)], waitedMs: 1000 },
      0,
    );
    expect(j.holds).toBe(false);
    expect(j.observed).toBe('reorg of depth 2');
  });
  it('treats a vanished block as a change', () => {
    const j = probe.evaluate(
      { depth: 3, wait: 1000 },
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
    const pending = runOne(venue.node.url, 'type: reorg.probe\ndepth: 12\nwait: 2s');
    await new Promise((r) => setTimeout(r, 700));
    await anvilRpc(venue.clients, 'anvil_reorg', [3, []]);
    const result = await pending;
    expect(result.status).toBe('fail');
    expect(result.status === 'fail' && result.observed).toBe('reorg of depth 3');
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
  });
});
