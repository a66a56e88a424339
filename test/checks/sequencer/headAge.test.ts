import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headAge } from '../../../src/checks/sequencer/headAge.js';
import { anvilRpc } from '../../../src/devnet/venue.js';
import { CheckTester } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const now = 1_000_000_000_000;
const head = (timestampMs: number) => ({ block: 7, timestamp: timestampMs / 1000 });

new CheckTester(headAge, { limit: 'decides' }).run({
  valid: [
    {
      name: 'a fresh head',
      params: { max: '30s' },
      observation: head(now - 2_000),
      now,
      observed: '2s',
      limit: { value: 30, kind: 'max' },
    },
    { name: 'a head exactly at max', params: { max: '30s' }, observation: head(now - 30_000), now },
    {
      name: 'a head slightly ahead of the clock reads as 0 ms old',
      params: {},
      observation: head(now + 1_000),
      now,
      observed: /^0ms$/,
      threshold: '<= 30s',
    },
  ],
  invalid: [
    {
      name: 'an old head',
      params: { max: '30s' },
      observation: head(now - 95_000),
      now,
      status: 'fail',
      observed: '1m 35s',
      threshold: /^<= 30s$/,
      message: 'latest L2 block 7 is 1m 35s old',
    },
    {
      name: 'a head far in the future',
      params: { max: '30s' },
      observation: head(now + 120_000),
      now,
      status: 'fail',
      observed: '2m in the future',
      message: "timestamped 2m ahead of this machine's clock",
    },
    {
      name: 'an old head on a warning-level check',
      params: { max: '10m' },
      observation: head(now - 11 * 60_000),
      now,
      severity: 'warning',
      status: 'warn',
      message: 'is 11m old',
    },
  ],
  refused: [{ name: 'a max without a unit', params: { max: '30' }, error: 'expected a duration' }],
});

describe('sequencer.head-age on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());

  it('passes while the sequencer mines every second', async () => {
    // 30 s, the shipped checklists' bound: the sequencer's keeper runs in vitest's main process, and on a
    // machine loaded past its cores (CI beside other jobs) 5 s was seen exceeded. The failing side is
    // proven below with the run's clock moved ahead, not with a tight bound here.
    const result = await runOne(venue.node.url, 'type: sequencer.head-age\nmax: 30s');
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
