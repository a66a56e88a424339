import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadence } from '../../../src/checks/sequencer/cadence.js';
import { anvilRpc, type RunningVenue } from '../../../src/devnet/venue.js';
import { runOne, startTestVenue } from '../../helpers/venue.js';

const params = { window: 4, maxGap: 10_000, maxP99: 5_000 };
const blocks = (timestamps: number[]) => timestamps.map((timestamp, i) => ({ number: 100 + i, timestamp }));

describe('sequencer.cadence evaluate', () => {
  it('passes on regular 1 s blocks', () => {
    const j = cadence.evaluate(params, blocks([10, 11, 12, 13, 14]), 0);
    expect(j.holds).toBe(true);
    expect(j.observed).toBe('median 1s, p99 1s, largest gap 1s');
  });
  it('fails on a gap above maxGap and names the blocks around it', () => {
    const j = cadence.evaluate(params, blocks([10, 11, 31, 32, 33]), 0);
    expect(j.holds).toBe(false);
    expect(j.message).toContain('20s gap between blocks 101 and 102');
    expect(j.evidence?.largestGapMs).toBe(20_000);
  });
  it('fails on an erratic p99 even without a single huge gap', () => {
    const j = cadence.evaluate({ ...params, maxGap: 60_000 }, blocks([0, 8, 16, 24, 32]), 0);
    expect(j.holds).toBe(false);
    expect(j.message).toContain('p99 interval 8s above 5s');
  });
});

describe('sequencer.cadence on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

  it("passes on the devnet's steady 1 s blocks", async () => {
    const result = await runOne(
      venue.node.url,
      'type: sequencer.cadence\nwindow: 60\nmaxGap: 10s\nmaxP99: 5s',
    );
    expect(result.status).toBe('pass');
  });

  it('fails after the sequencer stalled for 40 s', async () => {
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    const head = await venue.clients.public.getBlock({ blockTag: 'latest' });
    await anvilRpc(venue.clients, 'evm_setNextBlockTimestamp', [Number(head.timestamp) + 40]);
    await anvilRpc(venue.clients, 'evm_mine', []);
    await anvilRpc(venue.clients, 'anvil_mine', ['0x3', '0x1']);
    const result = await runOne(
      venue.node.url,
      'type: sequencer.cadence\nwindow: 60\nmaxGap: 10s\nmaxP99: 5s',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain(`40s gap between blocks ${head.number} and ${(head.number ?? 0n) + 1n}`);
  });
});
