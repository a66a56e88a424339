/**
 * vitest global setup: one devnet venue per vitest worker, shared by the check test files that run on
 * that worker one after another, as viem's test setup shares one anvil per pool id. Booting a venue
 * (L1, L2, replica, bridge, proposer, batcher) costs seconds of CPU; a reset to the snapshot taken
 * right after boot costs a revert and a short back-fill.
 *
 * The venue's actors (sequencer grid keeper, batcher, proposer, replica proxy) live here, in vitest's
 * main process, so they outlive each test file; the files reach the venue through its RPC endpoints.
 * A file asks for its worker's venue over a loopback HTTP endpoint (its URL is `provide`d): the first
 * ask boots the venue lazily (a run of files that never share one boots nothing), every later ask
 * resets it (see resetVenue in test/helpers/sharedVenue.ts for what a reset restores).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { RunningVenue } from '../../src/devnet/venue.js';
import type { SharedVenueEndpoints } from '../helpers/sharedVenue.js';
import { bootOnFreePorts } from '../helpers/venue.js';
import { resetVenue, snapshotVenue, type VenueSnapshot } from './resetVenue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** POST `${sharedDevnetUrl}/<pool id>` boots or resets that worker's venue and answers its endpoints. */
    sharedDevnetUrl: string;
  }
}

interface Shared {
  venue: RunningVenue;
  snapshot: VenueSnapshot;
}

export default async function setup(project: TestProject) {
  const venues = new Map<string, Promise<Shared>>();
  // Asks for one pool id come one file at a time (a worker runs one file at once); chaining each ask on
  // the previous one keeps a reset and the next ask from overlapping even if they did not.
  const ready = (pool: string): Promise<Shared> => {
    const previous = venues.get(pool);
    const next = (async () => {
      const shared = await previous?.catch(() => undefined);
      if (shared) {
        try {
          return { ...shared, snapshot: await resetVenue(shared.venue, shared.snapshot) };
        } catch {
          // A venue that cannot be reset is not trusted: this file gets a fresh one.
          await shared.venue.stop().catch(() => {});
        }
      }
      const venue = await bootOnFreePorts();
      return { venue, snapshot: await snapshotVenue(venue) };
    })();
    venues.set(pool, next);
    return next;
  };
  const server = createServer((request, response) => {
    const pool = (request.url ?? '').replace(/^\//, '');
    ready(pool)
      .then(({ venue }) => {
        const endpoints: SharedVenueEndpoints = {
          l2: venue.node.url,
          l1: venue.l1.node.url,
          replica: venue.replica.url,
        };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(endpoints));
      })
      .catch((error: unknown) => {
        // A failed boot: the next file of this worker tries a fresh one.
        venues.delete(pool);
        response.writeHead(500).end(error instanceof Error ? (error.stack ?? error.message) : String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  project.provide('sharedDevnetUrl', `http://127.0.0.1:${port}`);
  return async () => {
    // fetch keeps connections alive; closing them lets the server (and vitest) exit at once.
    server.closeAllConnections();
    server.close();
    await Promise.all(
      [...venues.values()].map((shared) => shared.then((s) => s.venue.stop()).catch(() => {})),
    );
  };
}
