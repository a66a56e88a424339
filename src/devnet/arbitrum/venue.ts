/**
 * The Arbitrum devnet (`devnet up --stack arbitrum`): the real rollup (nitro-contracts 3.2.0, BoLD) on an
 * L1 anvil node, run the way a live chain runs it — a batch poster posting batches to the
 * SequencerInbox (taking in every waiting delayed message, as a sequencer does), a validator posting an
 * assertion after each batch and confirming each once confirmPeriodBlocks have passed, and upgrades
 * only through a 45-day timelock. Beside it, a plain anvil L2 answers the Arbitrum chain id: it has no
 * ArbOS, so nothing ties its blocks to the batches (README says what that leaves unproven).
 *
 * The L1 starts in the past and its history (deployment, then poster and validator cycles one every
 * ARBITRUM_CYCLE_BLOCKS blocks of one second) is written up to now, so the venue boots with confirmed
 * assertions and a fresh batch; from then on L1 mines a block a second and a cycle runs every
 * ARBITRUM_CYCLE_MS. Scenarios change chain state only (balances, pauses, roles), so they work from any
 * process, and a failed cycle (a stalled poster, a paused rollup) simply tries again next time.
 */
import { type Address, isAddressEqual } from 'viem';
import { type AnvilNode, startAnvil } from '../anvil.js';
import { DEVNET_L1_CHAIN_ID } from '../constants.js';
import { anvilRpc, catchUpAndMine, nowSeconds, type VenueClients, venueClients } from '../venue-clients.js';
import { ARBITRUM_DEVNET_CONTRACTS } from './addresses.js';
import { confirmDueAssertions, postAssertion } from './assertions.js';
import { postBatch } from './batches.js';
import {
  ARBITRUM_DEVNET_CHAIN_ID,
  type ArbitrumDeployment,
  arbBatchPoster,
  arbValidator,
  deployArbitrum,
} from './deploy.js';
import { handOverToTimelock } from './governance.js';
import type { ArbitrumDevnetPorts } from './ports.js';

/** Blocks of L1 history (one second each) between two poster/validator cycles. */
export const ARBITRUM_CYCLE_BLOCKS = 10;
/** Live: how often the batch poster posts and the validator asserts and confirms. */
export const ARBITRUM_CYCLE_MS = ARBITRUM_CYCLE_BLOCKS * 1_000;
/** Blocks one cycle mines when transactions mine at once: batch, assertion, confirmation. */
const CYCLE_TRANSACTIONS = 3;
/** How far back the L1 history reaches at boot: room for the deployment and several confirmed cycles. */
const ARBITRUM_HISTORY_SECONDS = 150;
/** The batch poster's and the validator's L1 balance at boot and after `healthy`. */
export const ARBITRUM_OPERATOR_BALANCE = 10_000n * 10n ** 18n;

export interface RunningArbitrumVenue {
  l1: { node: AnvilNode; clients: VenueClients };
  l2: { node: AnvilNode; clients: VenueClients };
  arb: ArbitrumDeployment;
  /** The TimelockController that alone holds the UpgradeExecutor's EXECUTOR_ROLE. */
  timelock: Address;
  /** One poster + validator cycle now (tests call it to control timing); throws what the cycle met. */
  cycle(): Promise<void>;
  stop(): Promise<void>;
}

export function setOperatorBalances(l1: VenueClients, wei: { poster?: bigint; validator?: bigint }) {
  const set = (address: Address, value: bigint) =>
    anvilRpc(l1, 'anvil_setBalance', [address, `0x${value.toString(16)}`]);
  return Promise.all([
    wei.poster === undefined ? undefined : set(arbBatchPoster.address, wei.poster),
    wei.validator === undefined ? undefined : set(arbValidator.address, wei.validator),
  ]);
}

export async function bootArbitrumVenue(
  ports: ArbitrumDevnetPorts,
  options: { cycleIntervalMs?: number } = {},
): Promise<RunningArbitrumVenue> {
  const genesisTimestamp = nowSeconds() - ARBITRUM_HISTORY_SECONDS;
  const nodes = await Promise.allSettled([
    startAnvil({ port: ports.l1, chainId: DEVNET_L1_CHAIN_ID, genesisTimestamp }),
    startAnvil({ port: ports.l2, chainId: ARBITRUM_DEVNET_CHAIN_ID, genesisTimestamp }),
  ]);
  const started = nodes.flatMap((n) => (n.status === 'fulfilled' ? [n.value] : []));
  const [l1Node, l2Node] = nodes.map((n) => (n.status === 'fulfilled' ? n.value : undefined));
  if (!l1Node || !l2Node) {
    await Promise.all(started.map((node) => node.stop()));
    const failed = nodes.find((n) => n.status === 'rejected') as PromiseRejectedResult;
    throw failed.reason;
  }
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  try {
    const l1 = venueClients(l1Node.url, DEVNET_L1_CHAIN_ID);
    const l2 = venueClients(l2Node.url, ARBITRUM_DEVNET_CHAIN_ID);
    await catchUpAndMine(l2);
    const arb = await deployArbitrum(l1.url, DEVNET_L1_CHAIN_ID);
    const timelock = await handOverToTimelock(l1, arb.upgradeExecutor);
    const drifted = Object.entries(ARBITRUM_DEVNET_CONTRACTS).filter(
      ([name, address]) =>
        !isAddressEqual({ ...arb, timelock }[name as keyof typeof ARBITRUM_DEVNET_CONTRACTS], address),
    );
    if (drifted.length)
      throw new Error(
        `the Arbitrum devnet's addresses drifted (${drifted.map(([name]) => name).join(', ')}): checks/devnet-arbitrum.yaml no longer matches`,
      );
    await setOperatorBalances(l1, {
      poster: ARBITRUM_OPERATOR_BALANCE,
      validator: ARBITRUM_OPERATOR_BALANCE,
    });
    const cycle = async () => {
      await postBatch(l1.url, DEVNET_L1_CHAIN_ID, arb.sequencerInbox, { readDelayed: true });
      await postAssertion(l1.url, DEVNET_L1_CHAIN_ID, arb);
      await confirmDueAssertions(l1.url, DEVNET_L1_CHAIN_ID, arb);
    };
    // History: a cycle every ARBITRUM_CYCLE_BLOCKS one-second blocks until L1 time reaches now.
    for (;;) {
      const latest = await l1.public.getBlock({ blockTag: 'latest' });
      if (nowSeconds() - Number(latest.timestamp) <= ARBITRUM_CYCLE_BLOCKS + 2) break;
      await cycle();
      await anvilRpc(l1, 'anvil_mine', [`0x${ARBITRUM_CYCLE_BLOCKS.toString(16)}`, '0x1']);
    }
    // The last cycle while transactions still mine at once (interval mining would hold each for a
    // block), landing at about now; then a block a second.
    const latest = await l1.public.getBlock({ blockTag: 'latest' });
    const gap = nowSeconds() - Number(latest.timestamp) - CYCLE_TRANSACTIONS;
    if (gap > 0) await anvilRpc(l1, 'anvil_mine', [`0x${gap.toString(16)}`, '0x1']);
    await cycle();
    await anvilRpc(l1, 'evm_setIntervalMining', [1]);
    // One cycle at a time: a slow one (a busy machine) makes the next tick wait, never overlap.
    timer = setInterval(() => {
      inFlight = inFlight.then(() =>
        // A stalled poster or validator, or a paused rollup, fails its cycle: that is the scenario.
        cycle().catch(() => {}),
      );
    }, options.cycleIntervalMs ?? ARBITRUM_CYCLE_MS);
    timer.unref();
    return {
      l1: { node: l1Node, clients: l1 },
      l2: { node: l2Node, clients: l2 },
      arb,
      timelock,
      cycle,
      stop: async () => {
        clearInterval(timer);
        await inFlight;
        await Promise.all([l1Node.stop(), l2Node.stop()]);
      },
    };
  } catch (error) {
    clearInterval(timer);
    await Promise.all([l1Node.stop(), l2Node.stop()]);
    throw error;
  }
}
