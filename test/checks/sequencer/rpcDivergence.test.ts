import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/devnet/anvil.js';
import { venueClients } from '../../../src/devnet/venue.js';
import { eventually } from '../../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const CHECK = 'type: sequencer.rpc-divergence\nmaxHeadSkew: 5\nrecheck: 500ms';

describe('sequencer.rpc-divergence on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());

  it('passes when both endpoints serve the same chain', async () => {
    const result = await runOne([venue.node.url, venue.replica.url], CHECK);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/2 endpoints agree on block \d+/);
  });

  it('fails after rpc-split, naming the endpoint that disagrees (redacted)', async () => {
    await applyScenario(venue, 'rpc-split');
    try {
      // Until the fork has mined a block of its own: its head is a block the primary has another hash for.
      const replica = venueClients(venue.replica.url);
      const forked = async () => {
        const head = await replica.public.getBlock({ blockTag: 'latest' });
        const primary = await venue.clients.public
          .getBlock({ blockNumber: head.number })
          .catch(() => undefined);
        return primary !== undefined && primary.hash !== head.hash;
      };
      expect(await eventually(forked, 30_000)).toBe(true);
      const third = venue.node.url;
      const result = await runOne([venue.node.url, venue.replica.url, third], CHECK);
      expect(result.status).toBe('fail');
      expect(result.message).toContain(`#2 ${venue.replica.url} disagrees on block`);
      expect(result.message).toContain('still after a re-read');
    } finally {
      await applyScenario(venue, 'healthy');
    }
    expect((await runOne([venue.node.url, venue.replica.url], CHECK)).status).toBe('pass');
  });

  it('is skipped with a single endpoint, and warns about an endpoint that does not answer', async () => {
    expect((await runOne(venue.node.url, CHECK)).status).toBe('skip');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const result = await runOne([venue.node.url, venue.replica.url, dead], CHECK);
    expect(result.status).toBe('warn');
    expect(result.message).toContain(`#3 ${dead} did not answer`);
  });

  it('warns naming the dead endpoint when one of two does not answer (README), and errors when both do not', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const one = await runOne([venue.node.url, dead], CHECK);
    expect(one.status).toBe('warn');
    expect(one.message).toContain(`#2 ${dead} did not answer`);
    expect(one.message).toContain('nothing to compare');
    const other = await runOne([dead, venue.node.url], CHECK);
    expect(other.status).toBe('warn');
    expect(other.message).toContain(`#1 ${dead} did not answer`);
    const deadToo = `http://127.0.0.1:${await freePort()}`;
    const both = await runOne([dead, deadToo], CHECK);
    expect(both.status).toBe('error');
  });
});
