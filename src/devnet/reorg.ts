/**
 * The `reorg` scenario's branch switch. anvil_reorg rewinds the chain and mines a competing branch from
 * the transactions it is given; the devnet gives it the replaced blocks' own transactions, each in its
 * own block, plus one from a witness account in the first block, so every replaced hash changes while
 * the venue's state stays what it was. The sequencer is stopped for the switch (a block mined meanwhile
 * would shift every offset) and restarted on the grid afterwards, so the head's time never goes back.
 */
import { type Address, type Hex, recoverTransactionAddress, type TransactionSerialized } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { ANVIL_MNEMONIC, DEVNET_ADDRESSES, L2_TO_L1_MESSAGE_PASSER, MULTICALL3 } from './constants.js';
import { DEPOSITOR, GAS_PRICE_ORACLE, L1_BLOCK } from './l1Fees.js';
import { haltSequencer, sequencerHalted, startSequencer } from './sequencer.js';
import { anvilRpc, type VenueClients } from './venue-clients.js';

/** An anvil test account no other part of the devnet uses: its transfer makes the branch differ. */
const witness = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 9 });

/**
 * Accounts whose code or balance the devnet sets with anvil cheat calls rather than transactions. A
 * rewind forgets such writes made inside the replaced blocks, so they are put back after the switch.
 */
const CHEAT_WRITTEN: readonly Address[] = [
  MULTICALL3,
  L2_TO_L1_MESSAGE_PASSER,
  GAS_PRICE_ORACLE,
  L1_BLOCK,
  DEPOSITOR,
  DEVNET_ADDRESSES.insuranceFund,
];

type Replayed = [Hex | Record<string, unknown>, number];

/** A transaction as anvil_reorg takes it: signed bytes, or a request for an impersonated sender. */
async function replayOf(clients: VenueClients, hash: Hex): Promise<Hex | Record<string, unknown>> {
  const tx = await clients.public.getTransaction({ hash });
  const raw = await anvilRpc<TransactionSerialized | null>(clients, 'eth_getRawTransactionByHash', [hash]);
  const signer = raw
    ? await recoverTransactionAddress({ serializedTransaction: raw }).catch(() => undefined)
    : undefined;
  if (raw && signer?.toLowerCase() === tx.from.toLowerCase()) return raw;
  // Sent by an impersonated account (the L1-attributes depositor): its signature is a placeholder.
  await anvilRpc(clients, 'anvil_impersonateAccount', [tx.from]);
  return {
    from: tx.from,
    to: tx.to,
    input: tx.input,
    value: `0x${tx.value.toString(16)}`,
    gas: `0x${tx.gas.toString(16)}`,
    nonce: `0x${tx.nonce.toString(16)}`,
  };
}

export interface Reorged {
  from: number;
  to: number;
  replayed: number;
}

/** Replaces the last `depth` L2 blocks (at most all but genesis) by a competing branch. */
export async function reorgL2(clients: VenueClients, requestedDepth: number): Promise<Reorged> {
  const wasMining = !(await sequencerHalted(clients));
  if (wasMining) await haltSequencer(clients);
  try {
    const head = Number(await clients.public.getBlockNumber());
    const depth = Math.min(requestedDepth, head);
    const first = head - depth + 1;
    const blocks = await Promise.all(
      Array.from({ length: depth }, (_, i) => clients.public.getBlock({ blockNumber: BigInt(first + i) })),
    );
    const kept = await Promise.all(
      CHEAT_WRITTEN.map(async (address) => ({
        address,
        code: await clients.public.getCode({ address }),
        balance: await clients.public.getBalance({ address }),
      })),
    );
    const replays: Replayed[] = [[{ from: witness.address, to: witness.address, value: '0x0' }, 0]];
    for (const [offset, block] of blocks.entries()) {
      for (const hash of block.transactions) replays.push([await replayOf(clients, hash), offset]);
    }
    await anvilRpc(clients, 'anvil_reorg', [depth, replays]);
    for (const { address, code, balance } of kept) {
      if ((await clients.public.getCode({ address })) !== code)
        await anvilRpc(clients, 'anvil_setCode', [address, code ?? '0x']);
      if ((await clients.public.getBalance({ address })) !== balance)
        await anvilRpc(clients, 'anvil_setBalance', [address, `0x${balance.toString(16)}`]);
    }
    return { from: first, to: head, replayed: replays.length - 1 };
  } finally {
    if (wasMining) await startSequencer(clients);
  }
}
