/**
 * The Arbitrum batch poster on the devnet: posts a batch to the real SequencerInbox the way a nitro
 * batch poster does from an EOA, through addSequencerL2BatchFromOrigin (calldata; the inbox then emits
 * SequencerBatchDelivered with data location TxInput). No L2 runs behind it, so the batch carries no
 * L2 blocks: its payload is a brotli-flagged placeholder that nitro would read as an empty batch.
 */
import {
  type Address,
  concat,
  createWalletClient,
  type Hex,
  http,
  parseAbi,
  stringToHex,
  zeroAddress,
} from 'viem';
import { RECEIPT_TIMEOUT_MS } from '../constants.js';
import { venueClients } from '../venue-clients.js';
import { arbBatchPoster } from './deploy.js';

const sequencerInboxAbi = parseAbi([
  'function batchCount() view returns (uint256)',
  'function totalDelayedMessagesRead() view returns (uint256)',
  'function addSequencerL2BatchFromOrigin(uint256 sequenceNumber, bytes data, uint256 afterDelayedMessagesRead, address gasRefunder, uint256 prevMessageCount, uint256 newMessageCount)',
]);

/** Calldata batches start with a header byte; 0x00 is brotli (SequencerInbox.BROTLI_MESSAGE_HEADER_FLAG). */
const BROTLI_HEADER: Hex = '0x00';

export interface PostedBatch {
  sequenceNumber: bigint;
  tx: Hex;
  block: bigint;
}

/**
 * Posts the next batch. Each batch here reports one more L2 message than the last (the message
 * count a real poster reports for the L2 blocks in the batch), and reads no new delayed messages.
 */
export async function postBatch(
  l1Url: string,
  l1ChainId: number,
  sequencerInbox: Address,
): Promise<PostedBatch> {
  const l1 = venueClients(l1Url, l1ChainId);
  const poster = createWalletClient({
    chain: l1.wallet.chain,
    transport: http(l1Url),
    account: arbBatchPoster,
  });
  const read = (functionName: 'batchCount' | 'totalDelayedMessagesRead') =>
    l1.public.readContract({ address: sequencerInbox, abi: sequencerInboxAbi, functionName });
  const [sequenceNumber, delayedRead] = await Promise.all([
    read('batchCount'),
    read('totalDelayedMessagesRead'),
  ]);
  // Batch n (from 1: batch 0 is the rollup's initialization) ends after L2 message n + 1.
  const prevMessageCount = sequenceNumber;
  const hash = await poster.writeContract({
    address: sequencerInbox,
    abi: sequencerInboxAbi,
    functionName: 'addSequencerL2BatchFromOrigin',
    args: [
      sequenceNumber,
      concat([BROTLI_HEADER, stringToHex(`l2preflight devnet batch ${sequenceNumber}`)]),
      delayedRead,
      zeroAddress,
      prevMessageCount,
      prevMessageCount + 1n,
    ],
  });
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`arbitrum devnet batch ${sequenceNumber} reverted`);
  return { sequenceNumber, tx: hash, block: receipt.blockNumber };
}
