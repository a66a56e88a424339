/**
 * A test file's handle on its vitest worker's shared devnet (test/setup/sharedDevnet.ts boots it and
 * test/setup/resetVenue.ts resets it to its boot state for every file that asks).
 */
import { inject } from 'vitest';
import { DEVNET_L1_CHAIN_ID } from '../../src/devnet/constants.js';
import { type VenueClients, venueClients } from '../../src/devnet/venue.js';

/** What a test file gets of the shared venue: its endpoints and clients (the actors run elsewhere). */
export interface TestVenue {
  node: { url: string };
  clients: VenueClients;
  l1: { node: { url: string }; clients: VenueClients };
  replica: { url: string };
  /** Nothing to stop for a shared venue: the next file's reset or the global teardown deals with it. */
  stop(): Promise<void>;
}

export interface SharedVenueEndpoints {
  l2: string;
  l1: string;
  replica: string;
}

/**
 * This worker's shared venue, reset to its boot state. Call it in beforeAll; files whose scenarios a
 * reset cannot undo use startTestVenue instead.
 */
export async function sharedTestVenue(): Promise<TestVenue> {
  const pool = process.env.VITEST_POOL_ID ?? '1';
  const response = await fetch(`${inject('sharedDevnetUrl')}/${pool}`, { method: 'POST' });
  if (!response.ok) throw new Error(`the shared devnet failed: ${await response.text()}`);
  const endpoints = (await response.json()) as SharedVenueEndpoints;
  return {
    node: { url: endpoints.l2 },
    clients: venueClients(endpoints.l2),
    l1: { node: { url: endpoints.l1 }, clients: venueClients(endpoints.l1, DEVNET_L1_CHAIN_ID) },
    replica: { url: endpoints.replica },
    stop: async () => {},
  };
}
