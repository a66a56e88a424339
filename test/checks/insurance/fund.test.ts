import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/result.js';
import { DEVNET_OPEN_INTEREST } from '../../../src/devnet/constants.js';
import { admin } from '../../../src/devnet/venue.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne } from '../../helpers/venue.js';

const CHECK = `type: insurance.fund
holder: $insuranceFund
assets:
  - token: $usdc
    price: 1 USD
  - native: true
    price: $ethUsdFeed
min: 1_000_000 USD`;

describe('insurance.fund on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(async () => {
    await admin.fillFund(venue.clients);
    await admin.freshPrice(venue.clients);
    await admin.setOpenInterest(venue.clients, DEVNET_OPEN_INTEREST);
  });

  it('passes when the fund holds more than min (USDC at 1 USD + ether at the feed price)', async () => {
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('pass');
    const total = result.status === 'pass' ? (result.evidence as { totalUsd: number }).totalUsd : 0;
    // 5,000,000 USDC + 1,000 ETH at ~3,000 USD
    expect(total).toBeGreaterThan(7_900_000);
    expect(total).toBeLessThan(8_100_000);
  });

  it('fails when the fund is drained', async () => {
    await applyScenario(venue, 'drained-fund');
    const result = await runOne(venue.node.url, CHECK);
    expect(result.status).toBe('fail');
    expect(result.status === 'fail' && result.observed).toMatch(/^0(\.00)? USD$/);
  });

  it('fails rather than trust a stale feed price', async () => {
    await applyScenario(venue, 'stale-oracle');
    const result = await runOne(venue.node.url, `${CHECK}\nmaxPriceAge: 1h`);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('cannot trust the valuation');
  });

  describe('ratio to open interest (minRatio, ratioTo)', () => {
    const RATIO = `${CHECK}
minRatio: 10%
ratioTo: { contract: $perpMarket, function: "openInterest()(uint256)", decimals: 6, label: open interest }`;

    it('passes when the fund covers more than minRatio of open interest', async () => {
      const result = await runOne(venue.node.url, RATIO);
      expect(result.status).toBe('pass');
      // ~8.04M USD over 20M USD of open interest
      expect(result.status === 'pass' && result.observed).toMatch(
        /^8,0\d\d,\d{3} USD, 40\.\d% of open interest$/,
      );
      expect(result.status === 'pass' && result.threshold).toBe(
        '>= 1,000,000 USD, >= 10.0% of open interest',
      );
    });

    it('fails when open interest outgrows the fund', async () => {
      await admin.setOpenInterest(venue.clients, 200_000_000n * 10n ** 6n);
      const result = await runOne(venue.node.url, RATIO);
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/4\.0\d% of open interest \(200,000,000 USD\), under 10\.0%/);
    });

    it('is an error, never an infinite ratio, when the figure reads 0 (wrong contract or function)', async () => {
      await admin.setOpenInterest(venue.clients, 0n);
      const result = await runOne(venue.node.url, RATIO);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/open interest reads 0 .*cannot be a ratio's base/);
    });

    it('refuses a ratio without a figure, and a call it cannot make', async () => {
      await expect(runOne(venue.node.url, `${CHECK}\nminRatio: 10%`)).rejects.toThrow(
        /minRatio and ratioTo go together/,
      );
      await expect(
        runOne(venue.node.url, RATIO.replace('openInterest()(uint256)', 'openInterest(address)(uint256)')),
      ).rejects.toThrow(/a view function without arguments returning one integer/);
    });
  });

  describe('drawdown from the high-water mark (maxDrawdown, drawdownWindow)', () => {
    const DRAWDOWN = `${CHECK}\nmaxDrawdown: 20%`;
    const totalOf = (result: CheckResult) =>
      result.status === 'skip' ? 0 : (result.evidence as { totalUsd: number }).totalUsd;

    it('passes across steady runs and fails after the fund loses more than maxDrawdown', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'l2p-fund-'));
      expect((await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir })).status).toBe('pass');
      const steady = await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      expect(steady.status).toBe('pass');
      expect(steady.status === 'pass' && steady.observed).toMatch(/[−+]0\.\d\d% from the 1d high/);
      // pay out 3M of the 5M USDC: ~8.04M → ~5.04M, a 37% fall
      await admin.payOut(venue.clients, 3_000_000n * 10n ** 6n);
      const drained = await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      expect(drained.status).toBe('fail');
      expect(drained.message).toMatch(
        /down 37\.\d% from its 1d high of 8,0\d\d,\d{3} USD at .*, more than 20\.0%/,
      );
      // the high stays the baseline for the whole window, not just until the next run …
      expect((await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir })).status).toBe('fail');
      // … and once the window has passed, the fall is the new baseline (the clock moved 25 h ahead of
      // the chain: the head looks 25 h old, so the run accepts one that old)
      const later = Date.now() + 25 * 3_600_000;
      const afterWindow = await runOne(venue.node.url, `${DRAWDOWN}\nmaxPriceAge: 30h`, undefined, {
        stateDir,
        now: () => later,
        maxBlockAgeMs: 26 * 3_600_000,
      });
      expect(afterWindow.status).toBe('pass');
    });

    it('fails a fund bleeding 5% a run under --watch by the third payout (maxDrawdown 10%)', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'l2p-fund-'));
      const check = `${CHECK}\nmaxDrawdown: 10%`;
      let result = await runOne(venue.node.url, check, undefined, { stateDir });
      const statuses = [result.status];
      for (let payout = 1; payout <= 3; payout += 1) {
        // 5% of the fund's whole value, paid in USDC (the fund holds 5M USDC of ~8M)
        await admin.payOut(venue.clients, BigInt(Math.round(totalOf(result) * 0.05 * 1e6)));
        result = await runOne(venue.node.url, check, undefined, { stateDir });
        statuses.push(result.status);
      }
      // −5%, −9.75%, −14.3% from the first run's value; each run alone only ever saw −5%
      expect(statuses).toEqual(['pass', 'pass', 'pass', 'fail']);
      expect(result.message).toMatch(/down 14\.\d% from its 1d high/);
    });

    it('warns, and says drawdown was not checked, when the last run’s file is unusable', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'l2p-fund-'));
      await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      const [dir] = await readdir(stateDir);
      const files = await readdir(join(stateDir, dir as string), { recursive: true });
      const file = files.find((f) => f.endsWith('.json') && f.includes('under-test'));
      await writeFile(join(stateDir, dir as string, file as string), '{"version": 1, "totalUsd": "lots"');
      const result = await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      expect(result.status).toBe('warn');
      expect(result.message).toContain('drawdown not checked this run');
    });

    it('sets aside, without crashing, a history whose entries are malformed', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'l2p-fund-'));
      await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      const [dir] = await readdir(stateDir);
      const files = await readdir(join(stateDir, dir as string), { recursive: true });
      const file = join(stateDir, dir as string, files.find((f) => f.includes('under-test')) as string);
      const history = JSON.parse(await readFile(file, 'utf8'));
      history.samples.push({ totalUsd: 1e12, savedAt: 'yesterday' }, null);
      await writeFile(file, JSON.stringify(history));
      const result = await runOne(venue.node.url, DRAWDOWN, undefined, { stateDir });
      expect(result.status).toBe('warn');
      expect(result.message).toMatch(/savedAt is not a time .*drawdown not checked this run/);
    });
  });
});
