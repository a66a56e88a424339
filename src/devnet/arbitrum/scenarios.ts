/**
 * Named states of the Arbitrum devnet (`devnet scenario NAME --stack arbitrum`), each a change of L1
 * state that the running venue's poster and validator meet on their next cycle, so a scenario works
 * from any process.
 *
 * Pauses are made by the UpgradeExecutor, as the chain owner makes them: it is the rollup proxy's admin
 * (AdminFallbackProxy routes its calls to RollupAdminLogic, whose `pause()` / `resume()` stop and restart
 * staking, new assertions and confirmations) and the Inbox's `onlyRollupOrOwner` owner (a paused Inbox
 * refuses deposits and every delayed message, so nobody reaches the force-inclusion escape hatch). On the
 * devnet only a 45-day timelock may order the executor, so the devnet sends the call as the executor
 * itself (anvil impersonation): the state left behind is the one the real path leaves.
 */
import { type Address, encodeFunctionData, parseAbi } from 'viem';
import { formatDuration } from '../../core/units.js';
import { deployer } from '../constants.js';
import { UNKNOWN_UPGRADER } from '../governance.js';
import { type VenueClients, venueClients } from '../venue-clients.js';
import { ARBITRUM_DEVNET_CONTRACTS } from './addresses.js';
import { ARBITRUM_TIMING } from './deploy.js';
import { forceIncludeDeposit } from './forceInclusion.js';
import { asExecutor, setInstantUpgrader } from './governance.js';
import { ARBITRUM_OPERATOR_BALANCE, setOperatorBalances } from './venue.js';

const pausableAbi = parseAbi([
  'function pause()',
  'function resume()',
  'function unpause()',
  'function paused() view returns (bool)',
]);

interface Owned {
  upgradeExecutor: Address;
}

const call = (functionName: 'pause' | 'resume' | 'unpause') =>
  encodeFunctionData({ abi: pausableAbi, functionName });

/** `rollup-paused`: RollupAdminLogic.pause() (resume: `resumeRollup`). */
export function pauseRollup(l1Url: string, l1ChainId: number, arb: Owned & { rollup: Address }) {
  return asExecutor(venueClients(l1Url, l1ChainId), arb.upgradeExecutor, arb.rollup, call('pause'));
}

export function resumeRollup(l1Url: string, l1ChainId: number, arb: Owned & { rollup: Address }) {
  return asExecutor(venueClients(l1Url, l1ChainId), arb.upgradeExecutor, arb.rollup, call('resume'));
}

/** `inbox-paused`: Inbox.pause() by the rollup's owner (unpause: `unpauseInbox`). */
export function pauseInbox(l1Url: string, l1ChainId: number, arb: Owned & { inbox: Address }) {
  return asExecutor(venueClients(l1Url, l1ChainId), arb.upgradeExecutor, arb.inbox, call('pause'));
}

export function unpauseInbox(l1Url: string, l1ChainId: number, arb: Owned & { inbox: Address }) {
  return asExecutor(venueClients(l1Url, l1ChainId), arb.upgradeExecutor, arb.inbox, call('unpause'));
}

const isPaused = (l1: VenueClients, address: Address) =>
  l1.public.readContract({ address, abi: pausableAbi, functionName: 'paused' });

export interface ArbitrumScenarioTarget {
  l1: VenueClients;
  /** Progress for scenarios that wait (force inclusion waits out the sequencer-only window). */
  progress?: (text: string) => void;
}

interface ArbitrumScenario {
  summary: string;
  apply(target: ArbitrumScenarioTarget): Promise<string>;
}

const c = ARBITRUM_DEVNET_CONTRACTS;
const confirmPeriod = `${ARBITRUM_TIMING.confirmPeriodBlocks} L1 blocks`;

export const ARBITRUM_SCENARIOS: Record<string, ArbitrumScenario> = {
  healthy: {
    summary:
      'batch poster and validator funded (posting, asserting, confirming again), rollup and Inbox open, EXECUTOR_ROLE only with the 45-day timelock',
    async apply({ l1 }) {
      await setOperatorBalances(l1, {
        poster: ARBITRUM_OPERATOR_BALANCE,
        validator: ARBITRUM_OPERATOR_BALANCE,
      });
      if (await isPaused(l1, c.rollup)) await asExecutor(l1, c.upgradeExecutor, c.rollup, call('resume'));
      if (await isPaused(l1, c.inbox)) await asExecutor(l1, c.upgradeExecutor, c.inbox, call('unpause'));
      await setInstantUpgrader(l1, c.upgradeExecutor, false);
      return `the Arbitrum venue is healthy again: the batch poster and the validator post on their next cycle, rollup and Inbox open, upgrades only through the timelock; after a stall, withdrawal.path passes once a new assertion is confirmed (${confirmPeriod} after it is made)`;
    },
  },
  'batch-poster-stalled': {
    summary: "the batch poster's L1 balance is emptied: its batches fail, as for a real poster out of funds",
    async apply({ l1 }) {
      await setOperatorBalances(l1, { poster: 0n });
      return 'the batch poster can no longer post; sequencer.batch-age fails once the last batch is older than its maxAge (1m in checks/devnet-arbitrum.yaml)';
    },
  },
  'force-included': {
    summary:
      'the batch poster stalls, a user deposits through the Inbox, waits out the sequencer-only window and force-includes it',
    async apply({ l1, progress }) {
      await setOperatorBalances(l1, { poster: 0n });
      const included = await forceIncludeDeposit(l1.url, Number(l1.wallet.chain.id), c, {
        waitOut: 'real-time',
        onWait: (seconds) =>
          progress?.(
            `waiting out the sequencer-only window (${ARBITRUM_TIMING.maxTimeVariation.delayBlocks} L1 blocks and ${formatDuration(seconds * 1_000)})…`,
          ),
      });
      return `${deployer.address} force-included a deposit in L1 block ${included.block}: the SequencerInbox's newest SequencerBatchDelivered is a force inclusion (no data), which sequencer.batch-age does not count; the poster stays stalled, so batch-age fails once the last real batch is older than its maxAge`;
    },
  },
  'rollup-paused': {
    summary: 'the owner pauses the rollup: no assertion can be made or confirmed',
    async apply({ l1 }) {
      if (!(await isPaused(l1, c.rollup))) await asExecutor(l1, c.upgradeExecutor, c.rollup, call('pause'));
      return 'the rollup is paused: withdrawals not yet confirmed cannot be executed; withdrawal.path fails';
    },
  },
  'inbox-paused': {
    summary: 'the owner pauses the Inbox: no deposit or delayed message, so no force inclusion',
    async apply({ l1 }) {
      if (!(await isPaused(l1, c.inbox))) await asExecutor(l1, c.upgradeExecutor, c.inbox, call('pause'));
      return 'the Inbox is paused: nobody can reach the force-inclusion escape hatch; withdrawal.path fails';
    },
  },
  'assertions-stalled': {
    summary: "the validator's L1 balance is emptied: no new assertion is made or confirmed",
    async apply({ l1 }) {
      await setOperatorBalances(l1, { validator: 0n });
      return 'the validator can no longer assert or confirm; withdrawal.path fails once the latest confirmed assertion is older than its maxOutputAge (1m30s in checks/devnet-arbitrum.yaml)';
    },
  },
  'instant-upgrades': {
    summary: "a plain key is granted the UpgradeExecutor's EXECUTOR_ROLE beside the timelock",
    async apply({ l1 }) {
      await setInstantUpgrader(l1, c.upgradeExecutor, true);
      return `${UNKNOWN_UPGRADER} now holds EXECUTOR_ROLE and can upgrade every Arbitrum contract at once; governance.exit-window fails`;
    },
  },
};
