/**
 * fees.breakeven's Arbitrum L1-fee path on the Arbitrum devnet (the real nitro-contracts rollup on an
 * anvil L1, a plain anvil answering the Arbitrum chain id as L2).
 *
 * What the devnet can answer: nothing of the L1 data fee. The check reads the fee from NodeInterface
 * (0x…C8), which an Arbitrum node answers itself (ArbOS, not code); it reads nothing from L1, and
 * ArbOS's L1 pricer, which follows the batch poster's reported L1 costs, does not run on a plain EVM
 * node. So the proof here is the blind spot's edge: where NodeInterface does not answer, the check is
 * `error` naming it, never a pass on an L1 fee of zero.
 *
 * The second block puts a hand-written stand-in at 0xC8 that returns numbers this file chose. It
 * proves the decoding and the arithmetic (L1 fee = gas for L1 × L2 base fee) and that the L2 gas
 * price read through standard RPC reaches the verdict on an arbitrum venue; it proves nothing about
 * what a real NodeInterface answers.
 */
import { concatHex, type Hex, numberToHex } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/result.js';
import { ARBITRUM_DEVNET_CHAIN_ID } from '../../src/devnet/arbitrum/deploy.js';
import { admin, anvilRpc, type VenueClients, venueClients } from '../../src/devnet/venue.js';
import { type ArbitrumVenue, startArbitrumVenue } from '../helpers/arbitrum.js';
import { runOne } from '../helpers/venue.js';

const NODE_INTERFACE = '0x00000000000000000000000000000000000000C8';

/** Calm gas (0.1 gwei base fee) clears a 5 bps edge with room; a zero L1 fee would clear it too. */
const MARKET_MAKING = `type: fees.breakeven
strategy: market-making
notional: 10_000 USD
nativePrice: 3000 USD
makerFeeBps: 1
takerFeeBps: 5
tradesPerDay: 200
rebalancesPerDay: 4
expectedEdgeBps: 5`;

let venue: ArbitrumVenue;
let l2: VenueClients;

beforeAll(async () => {
  venue = await startArbitrumVenue();
  l2 = venueClients(venue.l2Node.url, ARBITRUM_DEVNET_CHAIN_ID);
  await admin.calmGas(l2);
  await anvilRpc(l2, 'evm_mine');
}, 60_000);

afterAll(() => venue?.stop());

const evidence = (result: CheckResult) =>
  (result as { evidence?: { l1DataFeeWei?: string; gasPriceWei?: string; txCostSource?: string } })
    .evidence ?? {};

describe('fees.breakeven on the Arbitrum devnet, where NodeInterface does not exist', () => {
  it('the devnet L2 has no code at NodeInterface: a plain EVM node answers eth_call there with 0x', async () => {
    expect(await l2.public.getCode({ address: NODE_INTERFACE })).toBeUndefined();
  });

  it('is error (never pass, never an L1 fee of zero) and names NodeInterface, the ArbOS precompile, at 0x…C8', async () => {
    const result = await venue.check(MARKET_MAKING);
    expect(result.status).toBe('error');
    expect(result.message).toBe(
      `could not measure: the L2 endpoint did not answer NodeInterface (${NODE_INTERFACE}, an ArbOS precompile): ` +
        'eth_call to gasEstimateL1Component returned no data (0x), as a plain EVM node does; the Arbitrum L1 ' +
        "data fee cannot be read: point the venue's l2.rpc at an Arbitrum (Nitro) node",
    );
  });

  it('the same node read as a plain EVM chain passes: only the missing L1 fee keeps the arbitrum run from a verdict', async () => {
    const result = await runOne(venue.l2Node.url, MARKET_MAKING, venue.l1Node.url, {
      stack: 'evm',
      chainId: ARBITRUM_DEVNET_CHAIN_ID,
    });
    expect(result.status, result.message).toBe('pass');
    expect(evidence(result).l1DataFeeWei).toBe('0');
  });
});

/**
 * Runtime code that ignores its calldata and returns `words` (each a uint256): a NodeInterface
 * stand-in for decoding tests only — its numbers are ours, not ArbOS's.
 */
function returning(words: bigint[]): Hex {
  const parts: Hex[] = [];
  words.forEach((word, i) => {
    parts.push('0x7f', numberToHex(word, { size: 32 }), '0x60', numberToHex(i * 32, { size: 1 }), '0x52');
  });
  parts.push('0x60', numberToHex(words.length * 32, { size: 1 }), '0x6000f3');
  return concatHex(parts);
}

const setNodeInterface = (code: Hex) => anvilRpc(l2, 'anvil_setCode', [NODE_INTERFACE, code]);

describe('decoding only: a hand-written stand-in at 0xC8 (numbers chosen here, not ArbOS)', () => {
  const GWEI = 10n ** 9n;
  afterEach(async () => {
    await setNodeInterface('0x');
    await admin.calmGas(l2);
    await anvilRpc(l2, 'evm_mine');
  });

  it('adds gas for L1 × the L2 base fee it answers, and shows all three figures', async () => {
    await setNodeInterface(returning([2_000n, GWEI / 10n, 30n * GWEI]));
    const result = await venue.check(MARKET_MAKING);
    expect(result.status, result.message).toBe('pass');
    expect(evidence(result).l1DataFeeWei).toBe((2_000n * (GWEI / 10n)).toString());
    expect(evidence(result).txCostSource).toBe(
      'NodeInterface.gasEstimateL1Component (0xC8): 2000 L2 gas for L1 × 0.1 gwei L2 base fee (ArbOS L1 base fee estimate 30 gwei)',
    );
    expect(result.message).toMatch(/\+ L1 data fee [\d.]+ USD = [\d.]+ USD\)$/);
  });

  it('fails when the L2 gas price (eth_gasPrice, read from the node) spikes', async () => {
    await setNodeInterface(returning([2_000n, GWEI / 10n, 30n * GWEI]));
    await admin.spikeGas(l2);
    await anvilRpc(l2, 'evm_mine');
    const result = await venue.check(MARKET_MAKING);
    expect(result.status, result.message).toBe('fail');
    expect(BigInt(evidence(result).gasPriceWei ?? 0)).toBeGreaterThan(50_000n * GWEI);
  });

  it('fails when the L1 component it answers is large (the figure reaches the verdict)', async () => {
    await setNodeInterface(returning([100_000_000n, GWEI / 10n, 3_000n * GWEI]));
    const result = await venue.check(MARKET_MAKING);
    expect(result.status, result.message).toBe('fail');
    expect(evidence(result).l1DataFeeWei).toBe((100_000_000n * (GWEI / 10n)).toString());
  });

  it.each([
    [
      'answers short data',
      '0x60016000f3' as Hex,
      /answered NodeInterface \(0x0+C8, an ArbOS precompile\) gasEstimateL1Component with data that does not decode/,
    ],
    [
      'reverts',
      '0x60006000fd' as Hex,
      /NodeInterface \(0x0+C8, an ArbOS precompile\) reverted gasEstimateL1Component/,
    ],
  ])('is error when whatever sits at 0xC8 %s', async (_name, code, message) => {
    await setNodeInterface(code);
    const result = await venue.check(MARKET_MAKING);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(message);
  });
});
