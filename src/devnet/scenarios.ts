/**
 * Named venue states, so ops can rehearse and tests can prove each check fails when it should.
 * Each scenario is applied to a running devnet through its RPC endpoints, from any process.
 */
import { formatDuration } from '../checklist/units.js';
import { aggregatorV3Abi } from '../venues/chainlink.js';
import {
  DEVNET_ADDRESSES,
  DEVNET_OPEN_INTEREST,
  L2_BLOCK_TIME_SECONDS,
  REORG_WINDOW_SECONDS,
} from './constants.js';
import { instantUpgrades } from './governance.js';
import { CALM_L1_FEES, SPIKED_L1_FEES, setL1Fees } from './l1Fees.js';
import { haltSequencer, sequencerHalted, startSequencer } from './sequencer.js';
import { admin, l1Admin, type RunningVenue, type VenueClients } from './venue.js';
import { nowSeconds } from './venue-clients.js';

export interface ScenarioTarget {
  l2: VenueClients;
  l1: VenueClients;
  /** The L2 replica endpoint, which answers devnet_split / devnet_join itself. */
  replicaUrl: string;
}

export function scenarioTarget(venue: RunningVenue): ScenarioTarget {
  return { l2: venue.clients, l1: venue.l1.clients, replicaUrl: venue.replica.url };
}

export interface ScenarioOptions {
  /** Depth of the `reorg` scenario, in blocks; by default every block of the last REORG_WINDOW_SECONDS. */
  depth?: number;
}

interface Scenario {
  summary: string;
  apply(target: ScenarioTarget, options: ScenarioOptions): Promise<string>;
}

async function replicaControl(url: string, method: 'devnet_split' | 'devnet_join'): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  const answer = (await response.json()) as { error?: { message: string } };
  if (answer.error) throw new Error(answer.error.message);
}

const seconds = (s: number) => formatDuration(s * 1_000);

/**
 * Resumes a halted sequencer as op-node does — every missed slot back-filled one block time apart —
 * and lets the uptime feed record the outage. Says what each check will see afterwards; undefined when
 * the sequencer was not halted.
 */
async function resumeSequencer(l2: VenueClients): Promise<string | undefined> {
  if (!(await sequencerHalted(l2))) return undefined;
  const { haltedAt, backfilled } = await startSequencer(l2);
  if (backfilled === 0) return 'the sequencer resumed before it missed a slot';
  const downAt = haltedAt + L2_BLOCK_TIME_SECONDS;
  const upAt = nowSeconds();
  await admin.recordOutage(l2, downAt, upAt);
  return (
    `the sequencer is back after a ${seconds(upAt - downAt)} outage; it back-filled ${backfilled} missed slots ` +
    `${seconds(L2_BLOCK_TIME_SECONDS)} apart, as op-node does, so the block timestamps show no gap: ` +
    'sequencer.cadence cannot see the outage (it skips on op-stack) and sequencer.head-age passes again. ' +
    'The uptime feed recorded it (a down round and an up round): sequencer.uptime-feed fails for its grace ' +
    'period (1h in checks/devnet.yaml), and sequencer.outages fails while an outage longer than its maxOutage ' +
    '(30s there) is inside its lookback (24h). ' +
    'A record cannot be undone: restart the devnet for a clean one'
  );
}

async function feedSaysDown(l2: VenueClients): Promise<boolean> {
  const [, answer] = await l2.public.readContract({
    address: DEVNET_ADDRESSES.sequencerUptimeFeed,
    abi: aggregatorV3Abi,
    functionName: 'latestRoundData',
  });
  return answer === 1n;
}

export const SCENARIOS: Record<string, Scenario> = {
  healthy: {
    summary:
      'mining on the grid (a halted sequencer back-fills its missed slots), calm L2 and L1 fees, fresh oracle round, sequencer up, fund full, batcher funded, replica joined',
    async apply({ l2, l1, replicaUrl }) {
      const resumed = await resumeSequencer(l2);
      const wasDown = await feedSaysDown(l2);
      if (wasDown) await admin.setSequencerUp(l2, 0);
      await admin.calmGas(l2);
      await setL1Fees(l2, CALM_L1_FEES);
      await admin.freshPrice(l2);
      await admin.fillFund(l2);
      await admin.setOpenInterest(l2, DEVNET_OPEN_INTEREST);
      await l1Admin.fundBatcher(l1);
      await l1Admin.fundProposer(l1);
      await l1Admin.setBridgePaused(l1, false);
      await instantUpgrades(l1, false);
      await replicaControl(replicaUrl, 'devnet_join');
      return [
        'the venue is healthy again: mining, calm fees, fresh price, fund full, batcher and proposer posting, bridge open, replica in sync',
        resumed,
        wasDown
          ? 'the uptime feed said down: it now says up since now, so sequencer.uptime-feed fails for its grace period'
          : undefined,
      ]
        .filter(Boolean)
        .join('; ');
    },
  },
  'sequencer-halt': {
    summary:
      'block production stops (sequencer.head-age fails once the head is older than its max); sequencer-resume or healthy back-fills',
    async apply({ l2 }) {
      await haltSequencer(l2);
      const head = await l2.public.getBlock({ blockTag: 'latest' });
      return (
        `block production halted at block ${head.number}; sequencer.head-age fails once the head is older than its max ` +
        '(30s in checks/devnet.yaml). `sequencer-resume` (or `healthy`) back-fills the missed slots as op-node does; ' +
        'the uptime feed records the outage when the sequencer is back, as an L1 message the halted L2 cannot include before'
      );
    },
  },
  'sequencer-resume': {
    summary:
      'a halted sequencer back-fills every missed slot 1 s apart (as op-node does) and mines again; the uptime feed records the outage',
    async apply({ l2 }) {
      return (await resumeSequencer(l2)) ?? 'the sequencer was not halted: nothing to resume';
    },
  },
  'stale-oracle': {
    summary: "the ETH/USD feed's latest round is 3 hours old",
    async apply({ l2 }) {
      const stale = nowSeconds() - 3 * 3_600;
      await admin.setLatestTimestamps(l2, DEVNET_ADDRESSES.ethUsdFeed, stale, stale);
      return "the ETH/USD feed's latest round now says it was updated 3h ago";
    },
  },
  'volatile-oracle': {
    summary:
      "the ETH/USD feed's last hour swings ±15% in one-minute rounds (it stays in the round history: restart the devnet to calm it)",
    async apply({ l2 }) {
      await admin.writeVolatileHistory(l2);
      return 'wrote 60 one-minute ETH/USD rounds swinging ±15%; liquidation.simulate sees the volatility over its lookback';
    },
  },
  'gas-spike': {
    summary:
      'the L2 base fee jumps to 100,000 gwei; like a real spike it decays 12.5% per empty block (back to normal in ~2 min)',
    async apply({ l2 }) {
      await admin.spikeGas(l2);
      return 'the next L2 block has a 100,000 gwei base fee; fees.breakeven fails until it decays';
    },
  },
  'l1-fee-spike': {
    summary:
      'L1 congestion as the L2 sees it: L1Block records a 200 gwei base fee and a 10,000 gwei blob base fee (until healthy)',
    async apply({ l2 }) {
      await setL1Fees(l2, SPIKED_L1_FEES);
      return "the L2's L1Block now records 200 gwei L1 base fee and 10,000 gwei blob base fee; every transaction's L1 data fee follows (GasPriceOracle), and fees.breakeven on an op-stack checklist fails";
    },
  },
  'oracle-split': {
    summary: "Pyth's ETH/USD is published 5% above the Chainlink feed",
    async apply({ l2 }) {
      await admin.splitOracles(l2);
      return "Pyth's ETH/USD now reads 5% above Chainlink's; oracle.deviation fails";
    },
  },
  'drained-fund': {
    summary: "the insurance fund's USDC and ether are withdrawn",
    async apply({ l2 }) {
      await admin.drainFund(l2);
      return 'the insurance fund is empty';
    },
  },
  reorg: {
    summary: `every block of the last ${REORG_WINDOW_SECONDS / 60} minutes (or the last --depth N) is replaced by a competing branch with the same transactions`,
    async apply({ l2 }, options) {
      const depth = options.depth ?? REORG_WINDOW_SECONDS / L2_BLOCK_TIME_SECONDS;
      const { from, to, replayed } = await admin.reorg(l2, depth);
      return (
        `blocks ${from}–${to} were replaced by a competing branch (same ${replayed} transaction(s), new hashes, ` +
        'timestamps on the same grid); a run made in that window saw them, so its next reorg.probe fails'
      );
    },
  },
  'batcher-stalled': {
    summary: "the batcher's L1 balance is emptied, so it stops posting batches",
    async apply({ l1 }) {
      await l1Admin.stallBatcher(l1);
      return 'the batcher is out of L1 funds and stops posting; sequencer.batch-age fails once the last batch is older than its max';
    },
  },
  'paused-bridge': {
    summary:
      "the bridge's guardian pauses the SuperchainConfig: withdrawals can be neither proven nor finalized",
    async apply({ l1 }) {
      await l1Admin.setBridgePaused(l1, true);
      return 'the bridge is paused (SuperchainConfig.pause by the guardian)';
    },
  },
  'proposer-stalled': {
    summary: "the proposer's L1 balance is emptied, so no new output roots are posted",
    async apply({ l1 }) {
      await l1Admin.stallProposer(l1);
      return 'the proposer is out of L1 funds; withdrawal.path fails once the latest output root is older than maxOutputAge';
    },
  },
  'instant-upgrades': {
    summary: "governance takeover: the timelock's delay drops to 0 and the Safe's threshold to 1 of 3",
    async apply({ l1 }) {
      await instantUpgrades(l1, true);
      return 'upgrades can now land at once, signed by one key; governance.exit-window fails';
    },
  },
  'rpc-split': {
    summary: 'the second L2 endpoint becomes a fork that mines its own blocks',
    async apply({ replicaUrl }) {
      await replicaControl(replicaUrl, 'devnet_split');
      return 'the replica endpoint now serves a fork that diverges from the sequencer every second';
    },
  },
};
