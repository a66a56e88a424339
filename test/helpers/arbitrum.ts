/**
 * Test support: the real Arbitrum rollup (nitro-contracts 3.2.0 through RollupCreator) on an anvil L1,
 * beside a plain EVM node that answers the Arbitrum chain id (a checklist needs an L2; the Arbitrum
 * checks read L1), and one check run against it.
 */

import type { CheckResult, SkipResult } from '../../src/core/result.js';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import {
  ARBITRUM_DEVNET_CHAIN_ID,
  type ArbitrumDeployment,
  deployArbitrum,
} from '../../src/devnet/arbitrum/deploy.js';
import { type VenueClients, venueClients } from '../../src/devnet/venue-clients.js';
import { runOne } from './venue.js';

export const ARBITRUM_L1_CHAIN_ID = 900;

export interface ArbitrumVenue {
  l1Node: AnvilNode;
  l2Node: AnvilNode;
  l1: VenueClients;
  arb: ArbitrumDeployment;
  /** Runs one check (a YAML list item without id) on an arbitrum checklist pointing at this venue. */
  check(check: string, options?: { now?: () => number }): Promise<Exclude<CheckResult, SkipResult>>;
  stop(): Promise<void>;
}

export async function startArbitrumVenue(): Promise<ArbitrumVenue> {
  const l1Node = await startAnvil({ port: await freePort(), chainId: ARBITRUM_L1_CHAIN_ID });
  const l2Node = await startAnvil({ port: await freePort(), chainId: ARBITRUM_DEVNET_CHAIN_ID });
  const arb = await deployArbitrum(l1Node.url, ARBITRUM_L1_CHAIN_ID);
  return {
    l1Node,
    l2Node,
    l1: venueClients(l1Node.url, ARBITRUM_L1_CHAIN_ID),
    arb,
    check: async (check, options = {}) => {
      const result = await runOne(l2Node.url, check, l1Node.url, {
        ...options,
        stack: 'arbitrum',
        chainId: ARBITRUM_DEVNET_CHAIN_ID,
      });
      if (result.status === 'skip') throw new Error(`skipped: ${result.message}`);
      return result;
    },
    stop: async () => {
      await Promise.all([l1Node.stop(), l2Node.stop()]);
    },
  };
}
