import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headAge } from '../../../src/checks/sequencer/headAge.js';
import { anvilRpc, type RunningVenue } from '../../../src/devnet/venue.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

describe('sequencer.head-age evaluate', () => {
  const params = { max: 30_000 };
  const now = 1_000_000_000_000;
  it.each([
    ['a fresh head', now - 2_000, true, '2s'],
    ['a head exactly at max', now - 30_000, true, '30s'],
    ['an old head', now - 95_000, false, '1m 35s'],
    ['a head slightly ahead of the clock', now + 1_000, true, '0ms'],
    ['a head far in the future', now + 120_000, false, '2m in the future'],
  ])('%s', (_name, timestampMs, holds, observed) => {
    const judgement = headAge.evaluate(params, { block: 7, timestamp: timestampMs / 1000 }, now);
    expect(judgement.holds).toBe(holds);
    expect(judgement.observed).toBe(observed);
    expect(judgement.threshold).toBe('<= 30s');
  });
});

describe('sequencer.head-age on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

  it('passes while the sequencer mines every second', async () => {
    const result = await runOne(venue.node.url, 'type: sequencer.head-age\nmax: 5s');
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/latest L2 block \d+ is \d/);
  });

  it('fails once the sequencer has halted for longer than max', async () => {
    await applyScenario(venue, 'sequencer-halt');
    // The run's clock 3.2 s ahead instead of a sleep: the halted head reads ≥ 3.2 s old, however slow the machine.
    const result = await runOne(venue.node.url, 'type: sequencer.head-age\nmax: 2s', undefined, {
      now: () => Date.now() + 3_200,
    });
    expect(result.status).toBe('fail');
    if (result.status === 'fail') expect(result.observed).toMatch(/^\d(\.\d)?s$/);
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
  });
});
