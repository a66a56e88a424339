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
  'function bridge() view returns (address)',
  'function addSequencerL2BatchFromOrigin(uint256 sequenceNumber, bytes data, uint256 afterDelayedMessagesRead, address gasRefunder, uint256 prevMessageCount, uint256 newMessageCount)',
]);

const bridgeAbi = parseAbi([
  'function sequencerReportedSubMessageCount() view returns (uint256)',
  'function delayedMessageCount() view returns (uint256)',
]);

/** Calldata batches start with a header byte; 0x00 is brotli (SequencerInbox.BROTLI_MESSAGE_HEADER_FLAG). */
const BROTLI_HEADER: Hex = '0x00';

export interface PostedBatch {
  sequenceNumber: bigint;
  tx: Hex;
  block: bigint;
}

/**
 * Posts the next batch, carrying one L2 message of its own. The message counts continue from the
 * bridge's record (a force inclusion in between adds the delayed messages it included), so the poster
 * keeps working after one. With `readDelayed` the batch also takes in every delayed message waiting in
 * the bridge, as a live sequencer does (deposits, the rollup's initialization message): then nothing
 * becomes eligible for force inclusion while the poster is up.
 */
export async function postBatch(
  l1Url: string,
  l1ChainId: number,
  sequencerInbox: Address,
  options: { readDelayed?: boolean } = {},
): Promise<PostedBatch> {
  const l1 = venueClients(l1Url, l1ChainId);
  const poster = createWalletClient({
    chain: l1.wallet.chain,
    transport: http(l1Url),
    account: arbBatchPoster,
  });
  const inbox = { address: sequencerInbox, abi: sequencerInboxAbi } as const;
  const [sequenceNumber, delayedRead, bridge] = await Promise.all([
    l1.public.readContract({ ...inbox, functionName: 'batchCount' }),
    l1.public.readContract({ ...inbox, functionName: 'totalDelayedMessagesRead' }),
    l1.public.readContract({ ...inbox, functionName: 'bridge' }),
  ]);
  const [prevMessageCount, delayedCount] = await Promise.all([
    l1.public.readContract({
      address: bridge,
      abi: bridgeAbi,
      functionName: 'sequencerReportedSubMessageCount',
    }),
    l1.public.readContract({ address: bridge, abi: bridgeAbi, functionName: 'delayedMessageCount' }),
  ]);
  const afterDelayedMessagesRead = options.readDelayed ? delayedCount : delayedRead;
  const hash = await poster.writeContract({
    ...inbox,
    functionName: 'addSequencerL2BatchFromOrigin',
    args: [
      sequenceNumber,
      concat([BROTLI_HEADER, stringToHex(`l2preflight devnet batch ${sequenceNumber}`)]),
      afterDelayedMessagesRead,
      zeroAddress,
      prevMessageCount,
      prevMessageCount + 1n + (afterDelayedMessagesRead - delayedRead),
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
