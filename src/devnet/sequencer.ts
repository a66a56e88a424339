/**
 * The devnet's sequencer. op-node accepts an L2 block only when its timestamp is its parent's plus the
 * block time, so an OP Stack chain's timestamps are a grid: after an outage the sequencer back-fills
 * every missed slot one block time apart and the intervals never show the stall. The devnet does the
 * same. Blocks come from anvil's interval miner with a fixed timestamp interval (parent + block time,
 * never the wall clock), so any process — `devnet scenario` runs in another one than `devnet up` — can
 * halt or resume it through the node's RPC alone.
 */
import { L2_BLOCK_TIME_SECONDS } from './constants.js';
import { anvilRpc, nowSeconds, type VenueClients } from './venue-clients.js';

/** Every block from now on is stamped parent + block time, whoever mines it (automine, anvil_mine, reorg). */
export function stampOnGrid(clients: VenueClients): Promise<unknown> {
  return anvilRpc(clients, 'anvil_setBlockTimestampInterval', [L2_BLOCK_TIME_SECONDS]);
}

export interface Resumed {
  /** The head's timestamp before the back-fill: the last block made before the sequencer stopped. */
  haltedAt: number;
  /** Empty blocks written into the missed slots. */
  backfilled: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fills every slot up to the current wall-clock second, then mines one block per block time. The
 * miner starts just after a whole second, so each block is made right after wall time reaches its
 * slot and the head never trails the clock by more than one block time.
 */
export async function startSequencer(clients: VenueClients): Promise<Resumed> {
  await stampOnGrid(clients);
  await sleep(1_000 - (Date.now() % 1_000) + 10);
  const head = await clients.public.getBlock({ blockTag: 'latest' });
  const haltedAt = Number(head.timestamp);
  const backfilled = Math.floor((nowSeconds() - haltedAt) / L2_BLOCK_TIME_SECONDS);
  if (backfilled > 0) await anvilRpc(clients, 'anvil_mine', [`0x${backfilled.toString(16)}`]);
  await anvilRpc(clients, 'evm_setIntervalMining', [L2_BLOCK_TIME_SECONDS]);
  return { haltedAt, backfilled };
}

/** No more blocks, and transactions wait in the pool: the sequencer is down. */
export async function haltSequencer(clients: VenueClients): Promise<void> {
  await anvilRpc(clients, 'evm_setIntervalMining', [0]);
  await anvilRpc(clients, 'evm_setAutomine', [false]);
}

/** Halted means neither the interval miner nor automine makes blocks. */
export async function sequencerHalted(clients: VenueClients): Promise<boolean> {
  const [interval, automine] = await Promise.all([
    anvilRpc<number | null>(clients, 'anvil_getIntervalMining'),
    anvilRpc<boolean>(clients, 'anvil_getAutomine'),
  ]);
  return interval === null && !automine;
}

/**
 * anvil's miner can fall behind on a loaded machine, and blocks stamped parent + block time would then
 * trail the clock for good. While the sequencer runs, this catches the head up to within a block time
 * (as op-node's sequencer would: it makes the missed slots' blocks at once). Returns a stop function.
 */
export function keepOnGrid(clients: VenueClients, everyMs = 5_000): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const head = await clients.public.getBlock({ blockTag: 'latest' });
      const behind = Math.floor((Date.now() / 1000 - Number(head.timestamp)) / L2_BLOCK_TIME_SECONDS) - 1;
      if (behind > 0 && !(await sequencerHalted(clients)))
        await anvilRpc(clients, 'anvil_mine', [`0x${behind.toString(16)}`]);
    } catch {
      // the node is stopping or busy; the next tick looks again
    } finally {
      busy = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
