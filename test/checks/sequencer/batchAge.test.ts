import { createWalletClient, http, zeroAddress, zeroHash } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchAge, runwayMs } from '../../../src/checks/sequencer/batchAge.js';
import { DevnetSequencerInboxArtifact } from '../../../src/devnet/artifacts.generated.js';
import { ANVIL_MNEMONIC, batcher, DEVNET_L1_ADDRESSES } from '../../../src/devnet/constants.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { anvilRpc } from '../../../src/devnet/venue-clients.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

const OP = 'type: sequencer.batch-age\nbatcher: $batcher\ninbox: $batchInbox';
const ARBITRUM = 'type: sequencer.batch-age\nsequencerInbox: $batchInbox\nlogRange: 50';

describe('batch runway', () => {
  const observation = (balanceWei: bigint) => ({
    method: 'batcher-nonce' as const,
    l1Head: 100,
    search: { batchesInRange: 24, rangeSeconds: 86_400, lookedBackBlocks: 7200, requests: 14 },
    poster: {
      address: '0x0000000000000000000000000000000000000001' as const,
      balanceWei,
      lastBatchCostWei: 10n ** 16n,
    },
  });
  it('is the balance over the cost per second at the recent rate', () => {
    // 24 batches a day at 0.01 ETH = 0.24 ETH a day; 0.72 ETH lasts 3 days.
    expect(runwayMs(observation(72n * 10n ** 16n))).toBeCloseTo(3 * 86_400_000, -3);
  });
  it('warns (holds with a concern) when the runway is short', () => {
    const batch = {
      block: 99,
      timestamp: 1_000,
      tx: `0x${'1'.repeat(64)}` as const,
      poster: '0x0000000000000000000000000000000000000001' as const,
    };
    const o = observation(10n ** 16n);
    const j = batchAge.evaluate(
      { max: 3_600_000, lookback: 7200, logRange: 5000, minRunway: 3 * 86_400_000 },
      { ...o, search: { ...o.search, batch } },
      1_060_000,
    );
    expect(j.holds).toBe(true);
    expect(j.concern).toContain("the batch poster's L1 balance lasts about 1h");
  });
});

describe('batch-age parameters', () => {
  const base = { max: 3_600_000, lookback: 1200, logRange: 5000, minRunway: 259_200_000 };
  const poster = '0x0000000000000000000000000000000000000001' as const;
  it('takes batchPoster only with the Arbitrum method', () => {
    expect(batchAge.validate?.({ ...base, sequencerInbox: poster, batchPoster: poster })).toBeUndefined();
    expect(batchAge.validate?.({ ...base, batcher: poster, inbox: poster, batchPoster: poster })).toBe(
      'batchPoster belongs to the Arbitrum method: give it with sequencerInbox',
    );
  });
});

describe('sequencer.batch-age on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue({ batchIntervalMs: 1_000 });
  });
  afterAll(() => venue?.stop());
  /**
   * The run's clock 4 s ahead instead of a 4 s sleep: every batch posted before the stall (or in flight
   * when it began, so landing at most now) reads at least 4 s old, over a 3 s max, however slow the machine.
   */
  const fourSecondsLater = { now: () => Date.now() + 4_000 };

  it('passes when the batcher posts (OP Stack: nonce search), saying how far it looked', async () => {
    const result = await runOne(venue.node.url, `${OP}\nmax: 10s`, venue.l1.node.url);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /last batch in L1 block \d+, .* ago; looked back \d+ L1 blocks in \d+ requests \(batcher-nonce\)/,
    );
  });

  it('passes when the inbox emits SequencerBatchDelivered (Arbitrum: chunked logs)', async () => {
    const result = await runOne(venue.node.url, `${ARBITRUM}\nmax: 10s`, venue.l1.node.url);
    expect(result.status).toBe('pass');
    expect(result.message).toContain('(inbox-logs)');
  });

  it('fails both ways once the batcher has stalled for longer than max, and warns of its empty balance', async () => {
    await applyScenario(venue, 'batcher-stalled');
    try {
      for (const check of [OP, ARBITRUM]) {
        const result = await runOne(venue.node.url, `${check}\nmax: 3s`, venue.l1.node.url, fourSecondsLater);
        expect(result.status).toBe('fail');
        expect(result.message).toMatch(/last batch in L1 block \d+, [\d.]+s ago/);
      }
      // The batcher cannot pay for another batch: even a lenient max warns about the runway.
      const lenient = await runOne(venue.node.url, `${OP}\nmax: 1h`, venue.l1.node.url);
      expect(lenient.status).toBe('warn');
      expect(lenient.message).toContain("the batch poster's L1 balance lasts about 0ms");
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  /**
   * Anyone may force-include delayed messages once the sequencer has ignored them past the delay: the
   * inbox emits SequencerBatchDelivered with NoData, from an account that is no batch poster.
   */
  async function forceInclusionByOutsider(): Promise<void> {
    const outsider = createWalletClient({
      chain: venue.l1.clients.wallet.chain,
      transport: http(venue.l1.node.url),
      account: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 7 }),
    });
    const hash = await outsider.writeContract({
      address: DEVNET_L1_ADDRESSES.batchInbox,
      abi: DevnetSequencerInboxArtifact.abi,
      functionName: 'forceInclusion',
      args: [1n, 3, [0n, 0n], 0n, zeroAddress, zeroHash],
    });
    await venue.l1.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  }

  it('fails when batches stop even though a force inclusion landed since (NoData is not a batch)', async () => {
    await applyScenario(venue, 'batcher-stalled');
    try {
      await forceInclusionByOutsider();
      const result = await runOne(
        venue.node.url,
        `${ARBITRUM}\nmax: 3s`,
        venue.l1.node.url,
        fourSecondsLater,
      );
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/last batch in L1 block \d+, [\d.]+s ago/);
      expect(result.message).toContain('not counted as batches: 1 force inclusion(s) (NoData)');
      // The runway is the batch poster's (emptied by the scenario), not the outsider's full wallet.
      const lenient = await runOne(venue.node.url, `${ARBITRUM}\nmax: 1h`, venue.l1.node.url);
      expect(lenient.status).toBe('warn');
      expect(lenient.message).toContain("the batch poster's L1 balance lasts about 0ms");
      const evidence = 'evidence' in lenient ? lenient.evidence : undefined;
      const poster = (evidence?.poster as { address?: string } | undefined)?.address;
      expect(poster?.toLowerCase()).toBe(batcher.address.toLowerCase());
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('counts only the configured batch poster: deliveries from anyone else are not batches', async () => {
    const someoneElse = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 7 }).address;
    const result = await runOne(
      venue.node.url,
      `${ARBITRUM}\nmax: 10s\nbatchPoster: "${someoneElse}"`,
      venue.l1.node.url,
    );
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/no batch in the last \d+ L1 blocks/);
    expect(result.message).toContain('not sent by a batch poster');
  });

  it('fails when no batch exists within the lookback', async () => {
    await applyScenario(venue, 'batcher-stalled');
    try {
      // Three L1 blocks after the stall (a batch still in flight lands in the first): none in the last two.
      await anvilRpc(venue.l1.clients, 'anvil_mine', ['0x3', '0x1']);
      const result = await runOne(venue.node.url, `${OP}\nlookback: 2`, venue.l1.node.url);
      expect(result.status).toBe('fail');
      expect(result.message).toContain('no batch in the last 2 L1 blocks');
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('is refused when the checklist is loaded without an L1 (it could never measure)', async () => {
    await expect(runOne(venue.node.url, OP)).rejects.toThrow(
      'sequencer.batch-age cannot run on this venue: it reads L1, and the checklist declares no venue.l1',
    );
  });
});
