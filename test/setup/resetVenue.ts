/**
 * The reset that makes a vitest worker's shared devnet (test/setup/sharedDevnet.ts) look freshly booted
 * to each test file that uses it (test/helpers/sharedVenue.ts). It runs in vitest's main process, beside
 * the venue's actors.
 *
 * What a file may leave behind, and what the reset does about it:
 * - any L1 or L2 state (feed rounds, fund balances, paused bridge, stalled batcher or proposer balances,
 *   governance, L1 fee oracle, games): evm_revert to the snapshot taken right after boot, on both nodes;
 * - the base fee a gas-spike left (anvil keeps it across a revert) and any "next block" setting: used up
 *   by one throwaway block before the revert, and the snapshot's next base fee set again after it;
 * - transactions still in a pool (sent while the sequencer was halted): dropped before the revert and
 *   again after it, so none can land with a nonce the revert made valid again;
 * - a halted or re-timed sequencer (interval mining, automine, timestamp interval are node settings, not
 *   state): restarted as at boot, back-filling the 1 s grid from the snapshot's head up to now, so the
 *   head is fresh and never ahead of the wall clock; the L1 likewise catches up to now;
 * - a split replica: joined back;
 * - a batch and a dispute game from the snapshot's time: the batcher posts one and the proposer proposes
 *   at the new head at once, as at boot.
 * Scenarios that rewrite blocks below the snapshot (a reorg deeper than the file's own blocks) cannot be
 * undone this way: files that reorg keep their own venue (startTestVenue).
 */
import { RECEIPT_TIMEOUT_MS } from '../../src/devnet/constants.js';
import { haltSequencer, sequencerHalted, startSequencer } from '../../src/devnet/sequencer.js';
import { anvilRpc, type RunningVenue, type VenueClients } from '../../src/devnet/venue.js';
import { catchUpAndMine } from '../../src/devnet/venue-clients.js';

export interface VenueSnapshot {
  l2: string;
  l1: string;
  /** The base fee each node would give its next block at the snapshot: a revert does not restore it. */
  nextBaseFee: { l2: bigint; l1: bigint };
}

async function nextBaseFee(clients: VenueClients): Promise<bigint> {
  const pending = await clients.public.getBlock({ blockTag: 'pending' });
  if (pending.baseFeePerGas === null) throw new Error('the devnet node reports no base fee');
  return pending.baseFeePerGas;
}

export async function snapshotVenue(venue: RunningVenue): Promise<VenueSnapshot> {
  const [l2, l1, l2Fee, l1Fee] = await Promise.all([
    anvilRpc<string>(venue.clients, 'evm_snapshot'),
    anvilRpc<string>(venue.l1.clients, 'evm_snapshot'),
    nextBaseFee(venue.clients),
    nextBaseFee(venue.l1.clients),
  ]);
  return { l2, l1, nextBaseFee: { l2: l2Fee, l1: l1Fee } };
}

async function replicaJoin(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'devnet_join', params: [] }),
  });
  const answer = (await response.json()) as { error?: { message: string } };
  if (answer.error) throw new Error(`replica join: ${answer.error.message}`);
}

async function stopMining(clients: VenueClients): Promise<void> {
  await anvilRpc(clients, 'evm_setIntervalMining', [0]);
  await anvilRpc(clients, 'evm_setAutomine', [false]);
}

/** Back to the boot snapshot (see the file comment); answers the snapshot to revert to next time. */
export async function resetVenue(venue: RunningVenue, snapshot: VenueSnapshot): Promise<VenueSnapshot> {
  // The proposer's transaction in flight lands first: dropped by the reset, its receipt wait would hold
  // the proposal below (and every one after it) until it timed out, leaving the file only the snapshot's
  // game from boot, minutes old by the time it runs.
  await venue.bridge.pause();
  try {
    return await resetPaused(venue, snapshot);
  } finally {
    venue.bridge.resume();
  }
}

async function resetPaused(venue: RunningVenue, snapshot: VenueSnapshot): Promise<VenueSnapshot> {
  const l2 = venue.clients;
  const l1 = venue.l1.clients;
  // No block may be made between the drop, the revert and the new snapshot.
  await Promise.all([haltSequencer(l2), stopMining(l1)]);
  for (const node of [l2, l1]) {
    await anvilRpc(node, 'anvil_dropAllTransactions');
    // One throwaway empty block uses up what a file set for "the next block" (a timestamp, a base fee):
    // the revert below discards the block, but would keep such a setting for the next file.
    await anvilRpc(node, 'evm_mine');
  }
  const reverted = await Promise.all([
    anvilRpc<boolean>(l2, 'evm_revert', [snapshot.l2]),
    anvilRpc<boolean>(l1, 'evm_revert', [snapshot.l1]),
  ]);
  if (!reverted.every(Boolean)) throw new Error('the shared devnet could not revert to its boot snapshot');
  // anvil keeps the base fee it last computed (after a gas-spike scenario, a spiked one) across a revert.
  await anvilRpc(l2, 'anvil_setNextBlockBaseFeePerGas', [`0x${snapshot.nextBaseFee.l2.toString(16)}`]);
  await anvilRpc(l1, 'anvil_setNextBlockBaseFeePerGas', [`0x${snapshot.nextBaseFee.l1.toString(16)}`]);
  const next = await snapshotVenue(venue);
  // An actor (batcher, proposer) may have sent between the drop and the revert.
  for (const node of [l2, l1]) await anvilRpc(node, 'anvil_dropAllTransactions');
  await replicaJoin(venue.replica.url);
  await Promise.all([startSequencer(l2), catchUpAndMine(l1)]);
  if (await sequencerHalted(l2)) throw new Error('the shared devnet sequencer did not restart');
  await l1.public.waitForTransactionReceipt({
    hash: await venue.l1.postBatch(),
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  // A game at the new head, as at boot; the proposer is paused, so this one is not skipped as busy.
  await venue.bridge.proposeUpToHead();
  return next;
}
