/**
 * Force inclusion on the devnet's Arbitrum rollup, as a user does when the sequencer ignores them: send
 * a delayed message through the Inbox, wait out the sequencer-only window (maxTimeVariation.delayBlocks)
 * on L1, then call SequencerInbox.forceInclusion with the message's preimage fields. The inbox emits
 * SequencerBatchDelivered with data location NoData — the same event a batch emits, from anyone.
 */
import { type Address, type Hex, parseAbi, parseEther, parseEventLogs } from 'viem';
// Mined 12 s a block while waiting out the window: Ethereum's slot time, as the checks count it.
import { L1_BLOCK_SECONDS } from '../../protocols/arbitrum.js';
import { RECEIPT_TIMEOUT_MS } from '../constants.js';
import { anvilRpc, type VenueClients, venueClients } from '../venue-clients.js';

const inboxAbi = parseAbi(['function depositEth() payable returns (uint256)']);
const bridgeAbi = parseAbi([
  'event MessageDelivered(uint256 indexed messageIndex, bytes32 indexed beforeInboxAcc, address inbox, uint8 kind, address sender, bytes32 messageDataHash, uint256 baseFeeL1, uint64 timestamp)',
]);
const sequencerInboxAbi = parseAbi([
  'function maxTimeVariation() view returns (uint256 delayBlocks, uint256 futureBlocks, uint256 delaySeconds, uint256 futureSeconds)',
  'function forceInclusion(uint256 totalDelayedMessagesRead, uint8 kind, uint64[2] l1BlockAndTime, uint256 baseFeeL1, address sender, bytes32 messageDataHash)',
]);

async function sent(l1: VenueClients, hash: Hex) {
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`arbitrum devnet transaction ${hash} reverted`);
  return receipt;
}

/**
 * Deposits ETH through the Inbox (a delayed message), lets the sequencer-only window pass, and
 * force-includes it. The deployer plays the user; returns the force inclusion's transaction.
 * `waitOut: 'mine'` (tests) mines the window at once, 12 s a block; `'real-time'` (a running devnet,
 * whose L1 must not run ahead of the clock) waits for the node's own blocks, telling `onWait` how long.
 */
export async function forceIncludeDeposit(
  l1Url: string,
  l1ChainId: number,
  contracts: { inbox: Address; bridge: Address; sequencerInbox: Address },
  options: { waitOut?: 'mine' | 'real-time'; onWait?: (seconds: number) => void } = {},
): Promise<{ deposit: Hex; forceInclusion: Hex; block: bigint }> {
  const l1 = venueClients(l1Url, l1ChainId);
  const deposit = await l1.wallet.writeContract({
    address: contracts.inbox,
    abi: inboxAbi,
    functionName: 'depositEth',
    value: parseEther('1'),
  });
  const receipt = await sent(l1, deposit);
  const [delivered] = parseEventLogs({
    abi: bridgeAbi,
    logs: receipt.logs.filter((log) => log.address.toLowerCase() === contracts.bridge.toLowerCase()),
    eventName: 'MessageDelivered',
  });
  if (!delivered) throw new Error('the deposit delivered no delayed message');
  const [delayBlocks, , delaySeconds] = await l1.public.readContract({
    address: contracts.sequencerInbox,
    abi: sequencerInboxAbi,
    functionName: 'maxTimeVariation',
  });
  // forceInclusion needs block.number > message block + delayBlocks and block.timestamp > message
  // time + delaySeconds (SequencerInbox: ForceIncludeBlockTooSoon / ForceIncludeTimeTooSoon).
  if (options.waitOut === 'real-time') {
    const due = (block: { number: bigint; timestamp: bigint }) =>
      block.number > receipt.blockNumber + delayBlocks &&
      block.timestamp > delivered.args.timestamp + delaySeconds;
    options.onWait?.(Number(delaySeconds));
    // A node that is not mining would keep this waiting for ever.
    const giveUp = Date.now() + (Number(delaySeconds) + 2 * Number(delayBlocks) + 30) * 1_000;
    for (;;) {
      const head = await l1.public.getBlock({ blockTag: 'latest' });
      if (due(head)) break;
      if (Date.now() > giveUp) throw new Error('L1 is not mining: the force-inclusion window never passed');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } else {
    await anvilRpc(l1, 'anvil_mine', [
      `0x${(delayBlocks + 1n).toString(16)}`,
      `0x${L1_BLOCK_SECONDS.toString(16)}`,
    ]);
  }
  const { messageIndex, kind, sender, messageDataHash, baseFeeL1, timestamp } = delivered.args;
  const forceInclusion = await l1.wallet.writeContract({
    address: contracts.sequencerInbox,
    abi: sequencerInboxAbi,
    functionName: 'forceInclusion',
    args: [messageIndex + 1n, kind, [receipt.blockNumber, timestamp], baseFeeL1, sender, messageDataHash],
  });
  const included = await sent(l1, forceInclusion);
  return { deposit, forceInclusion, block: included.blockNumber };
}
