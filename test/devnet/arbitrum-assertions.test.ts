/**
 * The devnet's BoLD validator on the real rollup (nitro-contracts 3.2.0 through RollupCreator): it
 * stakes and posts assertions that consume the batches the batch poster delivered, and confirms them
 * once confirmPeriodBlocks pass; then withdrawal.path is judged on real assertions: healthy,
 * assertions-stalled, a pending assertion that must not count, and a validator that resumes on its
 * old assertion (whose confirmation still confirms only the old inbox).
 */
import { decodeFunctionData, type Hex, zeroHash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  confirmDueAssertions,
  type PostedAssertion,
  postAssertion,
  rollupValidatorAbi,
} from '../../src/devnet/arbitrum/assertions.js';
import { postBatch } from '../../src/devnet/arbitrum/batches.js';
import type { ArbitrumDeployment } from '../../src/devnet/arbitrum/deploy.js';
import { anvilRpc, type VenueClients } from '../../src/devnet/venue-clients.js';
import type { BridgeState } from '../../src/protocols/opStack.js';
import { ARBITRUM_L1_CHAIN_ID, type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';

const DAY = 86_400;
const HOUR = 3_600;

let venue: ArbitrumVenue;
let l1: VenueClients;
let arb: ArbitrumDeployment;

beforeAll(async () => {
  venue = await startArbitrumVenue();
  ({ l1, arb } = venue);
}, 60_000);

afterAll(() => venue?.stop());

const url = () => venue.l1Node.url;
const batch = () => postBatch(url(), ARBITRUM_L1_CHAIN_ID, arb.sequencerInbox);
const assert = () => postAssertion(url(), ARBITRUM_L1_CHAIN_ID, arb);
const confirmDue = () => confirmDueAssertions(url(), ARBITRUM_L1_CHAIN_ID, arb);
const latestConfirmed = () =>
  l1.public.readContract({ address: arb.rollup, abi: rollupValidatorAbi, functionName: 'latestConfirmed' });
const node = (hash: Hex) =>
  l1.public.readContract({
    address: arb.rollup,
    abi: rollupValidatorAbi,
    functionName: 'getAssertion',
    args: [hash],
  });
const calledFunction = async (tx: Hex) => {
  const { input } = await l1.public.getTransaction({ hash: tx });
  return decodeFunctionData({ abi: rollupValidatorAbi, data: input }).functionName;
};
/** L1 blocks at 12 s, as the confirm period counts them. */
const mineConfirmPeriod = () => anvilRpc(l1, 'anvil_mine', ['0x14', '0xc']);
/** L1 time passes (one block, `seconds` after the last) with nothing from the validator. */
async function warp(seconds: number) {
  await anvilRpc(l1, 'evm_increaseTime', [seconds]);
  await anvilRpc(l1, 'anvil_mine', ['0x1']);
}
const timestampOf = async (block: bigint) =>
  Number((await l1.public.getBlock({ blockNumber: block })).timestamp);
/**
 * A clock `offset` seconds past the L1 head: the check runs while L1 is live (state reads refuse an L1
 * head older than the run's bound, so time passes on L1 through warp(), not on the clock).
 */
async function clockAtHead(offset: number): Promise<() => number> {
  const head = await l1.public.getBlock({ blockTag: 'latest' });
  return () => (Number(head.timestamp) + offset) * 1000;
}

function withdrawalPath(options?: { now?: () => number }) {
  return venue.check(
    `type: withdrawal.path
rollup: "${arb.rollup}"
inbox: "${arb.inbox}"
maxFinalizationPeriod: 7d
maxOutputAge: 8d`,
    options,
  );
}
/** The check's evidence is the BridgeState readArbitrumRollup returned. */
const bridgeOf = (result: { evidence?: unknown }) => result.evidence as BridgeState;
const confirmedOf = (result: { evidence?: unknown }) => bridgeOf(result).confirmedAssertion;

let genesis: Hex;
let first: PostedAssertion;
let second: PostedAssertion;
let pending: PostedAssertion;

describe('the devnet validator on the real rollup', () => {
  it('stakes on genesis with the first assertion and confirms it only once confirmPeriodBlocks passed', async () => {
    genesis = await latestConfirmed();
    await batch();
    first = await assert();
    expect(first.parent).toBe(genesis);
    expect(await calledFunction(first.tx)).toBe('newStakeOnNewAssertion');
    expect(await node(first.hash)).toMatchObject({ createdAtBlock: first.block, status: 1 });
    expect(await confirmDue()).toEqual([]);
    expect(await latestConfirmed()).toBe(genesis);
    await mineConfirmPeriod();
    expect(await confirmDue()).toEqual([first.hash]);
    expect(await latestConfirmed()).toBe(first.hash);
    expect((await node(first.hash)).status).toBe(2);
    expect(await confirmDue()).toEqual([]);
  });

  it('posts the next assertion on its own with stakeOnNewAssertion, confirmed the same way', async () => {
    await batch();
    second = await assert();
    expect(second.parent).toBe(first.hash);
    expect(await calledFunction(second.tx)).toBe('stakeOnNewAssertion');
    expect(await confirmDue()).toEqual([]);
    await mineConfirmPeriod();
    expect(await confirmDue()).toEqual([second.hash]);
    expect(await latestConfirmed()).toBe(second.hash);
  });
});

describe('withdrawal.path on real assertions', () => {
  it('passes with the newest confirmed assertion, named by the L1 block it was created at', async () => {
    const result = await withdrawalPath({ now: await clockAtHead(60) });
    expect(result.status, result.message).toBe('pass');
    // `#N` is the L1 block the latest confirmed assertion was created at; its age counts from its
    // parent's creation, when the inbox it confirms was fixed.
    expect(result.message).toContain(`latest confirmed assertion #${second.block} `);
    expect(result.message).toContain(`its parent's creation at L1 block ${first.block}`);
    expect(confirmedOf(result)).toEqual({
      hash: second.hash,
      createdAtBlock: Number(second.block),
      createdAt: await timestampOf(second.block),
      parent: first.hash,
      inboxFixedAtBlock: Number(first.block),
      inboxFixedAt: await timestampOf(first.block),
    });
    expect(bridgeOf(result).latestProposal).toMatchObject({
      index: Number(second.block),
      timestamp: await timestampOf(first.block),
    });
  });

  it('assertions-stalled: fails once no confirmation came for longer than maxOutputAge', async () => {
    const sinceInbox = (await clockAtHead(0))() / 1000 - (await timestampOf(first.block));
    await warp(8 * DAY + HOUR - Math.ceil(sinceInbox));
    const result = await withdrawalPath({ now: await clockAtHead(60) });
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toMatch(/the latest confirmed assertion is 8d 1h old/);
    expect(confirmedOf(result)?.hash).toBe(second.hash);
  });

  it('does not count a newer pending assertion: the age still follows latestConfirmed', async () => {
    await batch();
    pending = await assert();
    expect(pending.parent).toBe(second.hash);
    expect(await latestConfirmed()).toBe(second.hash);
    // An hour after the pending assertion: by its age the check would pass.
    await warp(HOUR);
    const result = await withdrawalPath({ now: await clockAtHead(60) });
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('confirmed assertion is 8d');
    expect(confirmedOf(result)?.hash).toBe(second.hash);
    expect(bridgeOf(result).latestProposal?.index).toBe(Number(second.block));
  });

  it('fails when a validator that stalled resumes on its old assertion: the fresh confirmation confirms only the old inbox', async () => {
    // Ten days without assertions while batches keep coming; then the validator builds on its
    // ten-day-old assertion, which must consume only the inbox as it stood ten days ago.
    await warp(5 * DAY);
    await batch();
    await warp(5 * DAY);
    await batch();
    const resumed = await assert();
    expect(resumed.parent).toBe(pending.hash);
    await mineConfirmPeriod();
    // The pending one and the resumed one, in order.
    expect(await confirmDue()).toEqual([pending.hash, resumed.hash]);
    await warp(HOUR);
    const result = await withdrawalPath({ now: await clockAtHead(60) });
    // The confirmed assertion itself is 1h 5m old, but the newest L2 data it makes withdrawable was
    // sequenced before its parent's creation, ten days ago: withdrawals from those ten days wait on.
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toContain('the latest confirmed assertion is 10d 2h old');
    expect(confirmedOf(result)).toMatchObject({ hash: resumed.hash, parent: pending.hash });

    // Once the next assertion (on the fresh one) is confirmed, the check passes again.
    await batch();
    const caughtUp = await assert();
    await mineConfirmPeriod();
    expect(await confirmDue()).toEqual([caughtUp.hash]);
    await warp(HOUR);
    const healthy = await withdrawalPath({ now: await clockAtHead(60) });
    expect(healthy.status, healthy.message).toBe('pass');
    expect(confirmedOf(healthy)).toMatchObject({ hash: caughtUp.hash, parent: resumed.hash });
  });

  it('refuses to post an assertion the inbox cannot back yet', async () => {
    // Each assertion consumes the inbox up to where it stood at its parent's creation. The next one
    // can still consume the last batch; after it, the inbox is used up and the rollup requires one
    // more message (nextInboxPosition = count + 1) before another assertion.
    const extra = await assert();
    expect(extra.parent).not.toBe(zeroHash);
    await expect(assert()).rejects.toThrow(/post a batch first/);
    await batch();
    expect((await assert()).parent).toBe(extra.hash);
  });
});
