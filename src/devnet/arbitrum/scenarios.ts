/**
 * Pause scenarios on the devnet's real Arbitrum rollup, done the way the chain owner does them: through
 * the UpgradeExecutor's `executeCall`, which only a holder of EXECUTOR_ROLE (the deployer here) may call.
 *
 * - Rollup: the UpgradeExecutor is the rollup proxy's admin, so its calls reach RollupAdminLogic
 *   (AdminFallbackProxy routes the admin to the admin logic, everyone else to the user logic), whose
 *   `pause()` / `resume()` stop and restart staking, new assertions and confirmations.
 * - Inbox: `pause()` / `unpause()` are `onlyRollupOrOwner` (AbsInbox.sol): the bridge's rollup or that
 *   rollup's `owner()` — the UpgradeExecutor. A paused Inbox refuses deposits and every delayed message,
 *   so no user can reach the force-inclusion escape hatch.
 */
import { type Address, encodeFunctionData, type Hex, parseAbi } from 'viem';
import { RECEIPT_TIMEOUT_MS } from '../constants.js';
import { venueClients } from '../venue-clients.js';

const upgradeExecutorAbi = parseAbi(['function executeCall(address target, bytes targetCallData) payable']);
const rollupAdminAbi = parseAbi(['function pause()', 'function resume()']);
const inboxAbi = parseAbi(['function pause()', 'function unpause()']);

interface Owned {
  upgradeExecutor: Address;
}

/** Has the UpgradeExecutor call `target` with `data`; the deployer holds EXECUTOR_ROLE. */
async function asOwner(
  l1Url: string,
  l1ChainId: number,
  upgradeExecutor: Address,
  target: Address,
  data: Hex,
) {
  const l1 = venueClients(l1Url, l1ChainId);
  const hash = await l1.wallet.writeContract({
    address: upgradeExecutor,
    abi: upgradeExecutorAbi,
    functionName: 'executeCall',
    args: [target, data],
  });
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`arbitrum devnet owner call ${hash} reverted`);
  return hash;
}

/** `rollup-paused`: RollupAdminLogic.pause() (resume: `resumeRollup`). */
export function pauseRollup(l1Url: string, l1ChainId: number, arb: Owned & { rollup: Address }) {
  const data = encodeFunctionData({ abi: rollupAdminAbi, functionName: 'pause' });
  return asOwner(l1Url, l1ChainId, arb.upgradeExecutor, arb.rollup, data);
}

export function resumeRollup(l1Url: string, l1ChainId: number, arb: Owned & { rollup: Address }) {
  const data = encodeFunctionData({ abi: rollupAdminAbi, functionName: 'resume' });
  return asOwner(l1Url, l1ChainId, arb.upgradeExecutor, arb.rollup, data);
}

/** `inbox-paused`: Inbox.pause() by the rollup's owner (unpause: `unpauseInbox`). */
export function pauseInbox(l1Url: string, l1ChainId: number, arb: Owned & { inbox: Address }) {
  const data = encodeFunctionData({ abi: inboxAbi, functionName: 'pause' });
  return asOwner(l1Url, l1ChainId, arb.upgradeExecutor, arb.inbox, data);
}

export function unpauseInbox(l1Url: string, l1ChainId: number, arb: Owned & { inbox: Address }) {
  const data = encodeFunctionData({ abi: inboxAbi, functionName: 'unpause' });
  return asOwner(l1Url, l1ChainId, arb.upgradeExecutor, arb.inbox, data);
}
