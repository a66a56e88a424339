/**
 * Named venue states, so ops can rehearse and tests can prove each check fails when it should.
 * Each scenario is applied to a running devnet through its RPC, from any process.
 */
import { DEVNET_ADDRESSES } from './constants.js';
import { admin, anvilRpc, type VenueClients } from './venue.js';

export interface ScenarioOptions {
  /** Depth of the `reorg` scenario, in blocks. */
  depth: number;
}

interface Scenario {
  summary: string;
  apply(clients: VenueClients, options: ScenarioOptions): Promise<string>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const SCENARIOS: Record<string, Scenario> = {
  healthy: {
    summary: 'mining every second, fresh oracle round, sequencer up for 2h, fund refilled',
    async apply(clients) {
      await anvilRpc(clients, 'evm_setIntervalMining', [1]);
      await admin.freshPrice(clients);
      await admin.setSequencerUp(clients);
      await admin.fillFund(clients);
      return 'the venue is healthy again: mining, fresh price, sequencer up, fund full';
    },
  },
  'sequencer-halt': {
    summary: 'block production stops (sequencer.head-age fails once the head is older than its max)',
    async apply(clients) {
      await anvilRpc(clients, 'evm_setIntervalMining', [0]);
      await anvilRpc(clients, 'evm_setAutomine', [false]);
      const head = await clients.public.getBlock({ blockTag: 'latest' });
      return `block production halted at block ${head.number}; sequencer.head-age fails once the head is older than its max (30s in checks/devnet.yaml)`;
    },
  },
  'stale-oracle': {
    summary: "the ETH/USD feed's latest round is 3 hours old",
    async apply(clients) {
      const stale = nowSeconds() - 3 * 3_600;
      await admin.setLatestTimestamps(clients, DEVNET_ADDRESSES.ethUsdFeed, stale, stale);
      return "the ETH/USD feed's latest round now says it was updated 3h ago";
    },
  },
  'drained-fund': {
    summary: "the insurance fund's USDC and ether are withdrawn",
    async apply(clients) {
      await admin.drainFund(clients);
      return 'the insurance fund is empty';
    },
  },
  reorg: {
    summary: 'the last N blocks are replaced (anvil_reorg), --depth N (default 3)',
    async apply(clients, options) {
      await admin.reorg(clients, options.depth);
      return `the last ${options.depth} blocks were replaced by a competing branch`;
    },
  },
};
