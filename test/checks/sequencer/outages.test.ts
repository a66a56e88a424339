import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  feedOutages,
  type OutagesObservation,
  outages,
  type StatusRound,
} from '../../../src/checks/sequencer/outages.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const NOW = 1_800_000_000;
const round = (roundId: number, answer: number, startedAt: number): StatusRound => ({
  roundId: String(roundId),
  answer,
  startedAt,
});
const params = { lookback: 24 * 3_600_000, maxOutage: 60_000, maxRounds: 1000 };
const healthySample = { at: NOW, block: 100, age: 1 };
const judge = (observation: Partial<OutagesObservation>) =>
  outages.evaluate(params, { samples: [healthySample], ...observation }, NOW * 1000);
const feed = (rounds: StatusRound[]) => ({
  feed: { address: '0x0000000000000000000000000000000000000001' as const, rounds },
});

describe('feedOutages', () => {
  it.each([
    ['up all along', [round(1, 0, NOW - 90_000)], []],
    [
      'an outage that ended',
      [round(1, 0, 0 + 1), round(2, 1, NOW - 600), round(3, 0, NOW - 300)],
      [{ downAt: NOW - 600, upAt: NOW - 300 }],
    ],
    ['an ongoing outage', [round(1, 0, NOW - 90_000), round(2, 1, NOW - 100)], [{ downAt: NOW - 100 }]],
    [
      'repeated down rounds count once, from the first',
      [round(1, 1, NOW - 500), round(2, 1, NOW - 400), round(3, 0, NOW - 100)],
      [{ downAt: NOW - 500, upAt: NOW - 100 }],
    ],
    [
      'an outage that ended before the window is left out',
      [round(1, 1, NOW - 100_000), round(2, 0, NOW - 90_000)],
      [],
    ],
  ])('%s', (_name, rounds, expected) => {
    expect(feedOutages(rounds, NOW - 86_400)).toEqual(expected);
  });
});

describe('sequencer.outages evaluate', () => {
  it('passes when the feed has been up over the whole lookback and no run saw an old head', () => {
    const j = judge(feed([round(7, 0, NOW - 7 * 86_400)]));
    expect(j.holds).toBe(true);
    expect(j.concern).toBeUndefined();
  });
  it('fails on a feed outage longer than maxOutage, naming when', () => {
    const j = judge(
      feed([round(1, 0, NOW - 7 * 86_400), round(2, 1, NOW - 3_600), round(3, 0, NOW - 3_000)]),
    );
    expect(j.holds).toBe(false);
    expect(j.message).toContain('the uptime feed recorded a 10m outage from');
  });
  it('passes an outage within maxOutage and says it saw it', () => {
    const j = judge(
      feed([round(1, 0, NOW - 7 * 86_400), round(2, 1, NOW - 3_600), round(3, 0, NOW - 3_570)]),
    );
    expect(j.holds).toBe(true);
    expect(j.message).toContain('1 outage(s)');
  });
  it('fails on an ongoing outage however short', () => {
    const j = judge(feed([round(1, 0, NOW - 7 * 86_400), round(2, 1, NOW - 5)]));
    expect(j.holds).toBe(false);
    expect(j.message).toContain('DOWN since');
  });
  it('fails on a recorded head age above maxOutage inside the lookback', () => {
    const j = judge({
      samples: [{ at: NOW - 600, block: 90, age: 75 }, healthySample],
      ...feed([round(1, 0, NOW - 7 * 86_400)]),
    });
    expect(j.holds).toBe(false);
    expect(j.message).toContain('1 run(s) found the head 1m 15s old');
  });
  it('warns when neither the feed nor the run history reaches back over the lookback', () => {
    const j = judge({});
    expect(j.holds).toBe(true);
    expect(j.concern).toContain('are not visible: no uptime feed');
  });
});

describe('sequencer.outages on the devnet', () => {
  let venue: TestVenue;
  let state: string;
  beforeAll(async () => {
    venue = await sharedTestVenue();
    state = await mkdtemp(join(tmpdir(), 'l2p-outages-'));
  });
  afterAll(() => venue?.stop());

  const WITH_FEED = 'type: sequencer.outages\nfeed: $sequencerUptimeFeed\nmaxOutage: 4s';
  const RUNS_ONLY = 'type: sequencer.outages\nmaxOutage: 4s';
  const run = (check: string, stateDir = state) =>
    runOne(venue.node.url, check, undefined, { stateDir, stack: 'op-stack' });

  it('passes on a healthy devnet: the feed has been up all day', async () => {
    const result = await run(WITH_FEED);
    expect(result.status).toBe('pass');
    expect(result.message).toContain('1 uptime-feed round(s): 0 outage(s)');
  });

  it('after sequencer-halt and a back-fill, fails from the feed rounds and from the recorded head ages', async () => {
    const runsOnly = await mkdtemp(join(tmpdir(), 'l2p-outages-runs-'));
    expect((await run(RUNS_ONLY, runsOnly)).status).not.toBe('fail');
    await applyScenario(venue, 'sequencer-halt');
    const halted = await venue.clients.public.getBlock({ blockTag: 'latest' });
    while (Date.now() / 1000 - Number(halted.timestamp) < 6) await new Promise((r) => setTimeout(r, 100));
    const during = await run(RUNS_ONLY, runsOnly);
    expect(during.status).toBe('fail'); // this run records the head's age
    const message = await applyScenario(venue, 'healthy');
    expect(message).toContain('sequencer.outages fails while an outage longer than its maxOutage');
    // The chain shows nothing now: the head is fresh and the slots were back-filled.
    expect((await runOne(venue.node.url, 'type: sequencer.head-age\nmax: 4s')).status).toBe('pass');

    const fromRuns = await run(RUNS_ONLY, runsOnly);
    expect(fromRuns.status).toBe('fail');
    expect(fromRuns.message).toMatch(/1 run\(s\) found the head \d+s old/);

    const fromFeed = await run(WITH_FEED, await mkdtemp(join(tmpdir(), 'l2p-outages-feed-')));
    expect(fromFeed.status).toBe('fail');
    expect(fromFeed.message).toMatch(/the uptime feed recorded a \d+s outage from/);
  });

  it('sets aside an unusable history file, warns, and does not pass silently', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'l2p-outages-corrupt-'));
    await run(RUNS_ONLY, stateDir);
    const dir = join(stateDir, 'test', 'checks');
    await writeFile(join(dir, 'under-test.json'), '{"version":1,"chainId":901,"samp');
    const result = await run('type: sequencer.outages\nmaxOutage: 1h\nlookback: 1m', stateDir);
    expect(result.status).toBe('warn');
    expect(result.message).toContain('was set aside to');
    expect((await readdir(dir)).some((f) => f.startsWith('under-test.json.corrupt-'))).toBe(true);
  });
});
