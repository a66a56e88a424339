import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uptimeFeed } from '../../../src/checks/sequencer/uptimeFeed.js';
import { DEVNET_ADDRESSES } from '../../../src/devnet/constants.js';
import { admin } from '../../../src/devnet/venue.js';
import type { FeedRound } from '../../../src/protocols/chainlink.js';
import { CheckTester, contractAddress } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { runOne } from '../../helpers/venue.js';

const CHECK = 'type: sequencer.uptime-feed\nfeed: $sequencerUptimeFeed\ngracePeriod: 1h';

const NOW = Date.UTC(2026, 0, 1);
/** The feed's latest round: answer 0 up, 1 down; its status began `sinceS` seconds before NOW. */
function status(answer: bigint, sinceS: number, overrides: Partial<FeedRound> = {}): FeedRound {
  const startedAt = NOW / 1000 - sinceS;
  return {
    feed: contractAddress('sequencerUptimeFeed'),
    description: 'L2 Sequencer Uptime Status Feed',
    decimals: 0,
    roundId: 7n,
    answer,
    price: Number(answer),
    startedAt,
    updatedAt: startedAt,
    ...overrides,
  };
}
const PARAMS = { feed: '$sequencerUptimeFeed', gracePeriod: '1h' };

new CheckTester(uptimeFeed, { limit: 'decides' }).run({
  valid: [
    {
      name: 'up for longer than the grace period',
      params: PARAMS,
      observation: status(0n, 2 * 3_600),
      now: NOW,
      observed: 'up for 2h',
      threshold: 'up for >= 1h',
      message: 'the sequencer has been up for 2h',
      limit: { value: 3600, kind: 'min' },
    },
    {
      name: 'up exactly the grace period',
      params: { feed: '$sequencerUptimeFeed' },
      observation: status(0n, 3_600),
      now: NOW,
    },
  ],
  invalid: [
    {
      name: 'the feed says the sequencer is down',
      params: PARAMS,
      observation: status(1n, 300),
      now: NOW,
      status: 'fail',
      observed: 'down for 5m',
      message: 'the sequencer is DOWN (since 5m ago)',
    },
    {
      name: 'down, on a warning-level check',
      params: PARAMS,
      observation: status(1n, 300),
      now: NOW,
      severity: 'warning',
      status: 'warn',
      message: 'DOWN',
    },
    {
      name: 'back up inside the grace period',
      params: PARAMS,
      observation: status(0n, 600),
      now: NOW,
      status: 'fail',
      message: 'the sequencer came back up 10m ago, inside the 1h grace period',
    },
    {
      name: 'an invalid round (startedAt = 0)',
      params: PARAMS,
      observation: status(0n, 0, { startedAt: 0 }),
      now: NOW,
      status: 'fail',
      observed: 'invalid round',
      message: 'invalid round',
    },
    {
      name: 'an answer that is neither up nor down',
      params: PARAMS,
      observation: status(2n, 600),
      now: NOW,
      status: 'fail',
      message: 'the uptime feed answered 2; expected 0 (up) or 1 (down)',
    },
  ],
  refused: [{ name: 'no feed', params: { gracePeriod: '1h' }, error: 'feed' }],
});

describe('sequencer.uptime-feed on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(() => admin.setSequencerUp(venue.clients));

  it('passes when the sequencer has been up for longer than the grace period', async () => {
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.observed).toMatch(/^up for 2h/);
  });

  it('fails when the feed says the sequencer is down', async () => {
    await admin.setSequencerDown(venue.clients);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('DOWN');
  });

  it('fails when the sequencer came back up inside the grace period', async () => {
    await admin.setSequencerUp(venue.clients, 600);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('inside the 1h grace period');
  });

  it('does not pass on an invalid round (startedAt = 0)', async () => {
    await admin.pushRound(venue.clients, DEVNET_ADDRESSES.sequencerUptimeFeed, 0n, 0, 0);
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('invalid round');
  });
});
