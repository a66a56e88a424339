import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEVNET_ADDRESSES } from '../../../src/devnet/constants.js';
import { admin, type RunningVenue } from '../../../src/devnet/venue.js';
import { runOne, startTestVenue } from '../../helpers/venue.js';

const CHECK = 'type: sequencer.uptime-feed\nfeed: $sequencerUptimeFeed\ngracePeriod: 1h';

describe('sequencer.uptime-feed on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
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

  it('warns instead of failing when declared with severity warning', async () => {
    await admin.setSequencerDown(venue.clients);
    const result = await runOne(venue.node.url, `${CHECK}\nseverity: warning`);
    expect(result.status).toBe('warn');
  });
});
