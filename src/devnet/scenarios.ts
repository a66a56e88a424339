/**
 * Named venue states, so ops can rehearse and tests can prove each check fails when it should.
 * Each scenario is applied to a running devnet through its RPC endpoints, from any process.
 */
import { formatDuration } from '../core/units.js';
import { aggregatorV3Abi } from '../protocols/chainlink.js';
import { BRIDGE_TIMING } from './bridge.js';
import {
  DEVNET_ADDRESSES,
  DEVNET_OPEN_INTEREST,
  GAME_TYPES,
  L2_BLOCK_TIME_SECONDS,
  REORG_WINDOW_SECONDS,
} from './constants.js';
import { adminTakeover, instantUpgrades, UNKNOWN_UPGRADER } from './governance.js';
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
      'mining on the grid (a halted sequencer back-fills its missed slots), calm L2 and L1 fees, a calm day of hourly ETH/USD rounds ending now, sequencer up, fund full, batcher funded, replica joined',
    async apply({ l2, l1, replicaUrl }) {
      const resumed = await resumeSequencer(l2);
      const wasDown = await feedSaysDown(l2);
      if (wasDown) await admin.setSequencerUp(l2, 0);
      await admin.calmGas(l2);
      await setL1Fees(l2, CALM_L1_FEES);
      await admin.restoreCalmHistory(l2);
      await admin.freshPrice(l2);
      await admin.fillFund(l2);
      await admin.setOpenInterest(l2, DEVNET_OPEN_INTEREST);
      await l1Admin.fundBatcher(l1);
      await l1Admin.fundProposer(l1);
      await l1Admin.setBridgePaused(l1, false);
      // A legacy bridge (L2OutputOracle) has no game type: nothing to restore there.
      const respected = await l1Admin.respectedGameType(l1).catch(() => undefined);
      if (respected !== undefined) {
        // Setting the respected type retires every older game: only when a scenario changed it.
        if (respected !== GAME_TYPES.cannon) await l1Admin.setRespectedGameType(l1, GAME_TYPES.cannon);
        // A fresh honest game at once, so retired or stale games stop mattering now, not in a few seconds.
        // `devnet up`'s proposer sends from the same account and may have just created the game for this
        // very block (a game's id is its type, root and block): a failed attempt tries one block older.
        for (let lag = BRIDGE_TIMING.proposalLagBlocks; lag < BRIDGE_TIMING.proposalLagBlocks + 3; lag += 1) {
          const created = await l1Admin.proposeHonestGame(l1, l2, GAME_TYPES.cannon, lag).then(
            () => true,
            () => false,
          );
          if (created) break;
        }
      }
      await instantUpgrades(l1, false);
      await adminTakeover(l1, false);
      await replicaControl(replicaUrl, 'devnet_join');
      return [
        "the venue is healthy again: mining, calm fees, fresh price, fund full, batcher and proposer posting, bridge open, replica in sync; the proposer created a fresh dispute game and the respected game type is CANNON (retired or blacklisted games stay so; an outsider's garbage-root game stays on L1 and no longer matters once honest games are newer)",
        resumed,
        wasDown
          ? 'the uptime feed said down: it now says up since now, so sequencer.uptime-feed fails for its grace period'
          : undefined,
        "the ETH/USD feed got a new calm day of hourly rounds on top of its history (a feed's rounds cannot be deleted): " +
          'a cadence or volatility lookback of up to 25h sees only those; a longer one still reaches the rounds earlier scenarios wrote',
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
  'oracle-future': {
    summary: "the ETH/USD feed's latest round says it was updated 50 minutes from now",
    async apply({ l2 }) {
      await admin.futureRound(l2);
      return "the ETH/USD feed's latest round is dated 50 minutes in the future; oracle.chainlink fails (a future update is not a fresh one)";
    },
  },
  'oracle-at-bound': {
    summary:
      "ETH/USD falls through the aggregator's minAnswer (1,000 USD): the feed keeps reporting the bound, fresh",
    async apply({ l2 }) {
      await admin.pinAtMinAnswer(l2);
      return "the ETH/USD feed now reports 1,000 USD, its aggregator's minAnswer, in a fresh round; oracle.chainlink fails (a price at a bound is not the market's)";
    },
  },
  'volatile-oracle': {
    summary:
      "the ETH/USD feed's last hour swings ±15% in one-minute rounds (until healthy writes a calm day over it)",
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
  'garbage-game': {
    summary:
      'the proposer stalls and an outsider creates a permissionless dispute game with a garbage root for the L2 head',
    async apply({ l1, l2 }) {
      await l1Admin.stallProposer(l1);
      const garbage = await l1Admin.proposeGarbageGame(l1, l2);
      return `the proposer is out of L1 funds and an outsider created a game claiming root ${garbage.root.slice(0, 10)}… for L2 block ${garbage.l2BlockNumber} (not the chain's output root); withdrawal.path names the wrong-root game and fails once the last honest game is older than maxOutputAge`;
    },
  },
  'games-retired': {
    summary:
      'the guardian retires every dispute game (respectedGameTypeUpdatedAt moves to now) while the proposer is halted',
    async apply({ l1 }) {
      await l1Admin.stallProposer(l1);
      await l1Admin.retireAllGames(l1);
      return 'every existing dispute game is retired and the proposer is halted (out of L1 funds): no withdrawal can be proven or finalized until a new game is created; withdrawal.path fails';
    },
  },
  'game-type-changed': {
    summary:
      'the guardian makes PERMISSIONED_CANNON the respected game type, while the proposer keeps creating CANNON games',
    async apply({ l1, l2 }) {
      // The permissioned proposer had created a game of the new type before the switch: it is retired too.
      await l1Admin.proposeHonestGame(l1, l2, GAME_TYPES.permissionedCannon);
      await l1Admin.setRespectedGameType(l1, GAME_TYPES.permissionedCannon);
      return "the respected game type is now PERMISSIONED_CANNON (1); the proposer's CANNON games no longer count and the one permissioned game predates the switch; withdrawal.path fails";
    },
  },
  'instant-upgrades': {
    summary: "governance takeover: the timelock's delay drops to 0 and the Safe's threshold to 1 of 3",
    async apply({ l1 }) {
      await instantUpgrades(l1, true);
      return 'upgrades can now land at once, signed by one key; governance.exit-window fails';
    },
  },
  'admin-takeover': {
    summary:
      "the portal proxy's EIP-1967 admin now names an unknown address instead of the timelock's ProxyAdmin",
    async apply({ l1 }) {
      await adminTakeover(l1, true);
      return `${UNKNOWN_UPGRADER} can now upgrade the portal without the timelock; governance.exit-window fails (the timelock itself still reads 31 d)`;
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
