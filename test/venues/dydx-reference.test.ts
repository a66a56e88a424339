/**
 * oracle.market against an independent reference: the local dYdX fixture server for the venue, and an
 * anvil node with the devnet's Chainlink-compatible ETH / USD feed as the reference (the fixture's
 * ETH-USD oracle price sits on that feed's latest round).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import type { CheckResult } from '../../src/core/result.js';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import { DEVNET_ADDRESSES, DEVNET_L2_CHAIN_ID } from '../../src/devnet/constants.js';
import { admin, deployVenue, type VenueClients, venueClients } from '../../src/devnet/venue.js';
import { nowSeconds } from '../../src/devnet/venue-clients.js';
import { runChecklist } from '../../src/engine/run.js';
import { dydxChecklist, HEALTHY, type LocalDydx, startLocalDydx } from '../helpers/dydx.js';
import { runOne } from '../helpers/venue.js';

/** The devnet feed's latest round after deployment: devnetPrice(25), 3035.49 USD (8 decimals). */
const REFERENCE_USD = 3035.49;
const usd8 = (usd: number) => BigInt(Math.round(usd * 100)) * 10n ** 6n;

// min change 0.1 % (the chain's ETH-USD MarketParam) and a reference threshold of 0.25 %: an unchanged
// price is frozen once the reference moves more than 2 × (0.1 % + 0.25 %) = 0.7 %.
const ETH_USD = (rpc: string, chainId = DEVNET_L2_CHAIN_ID) => `type: oracle.market
market: ETH-USD
maxDeviation: 2%
reference:
  feed: "${DEVNET_ADDRESSES.ethUsdFeed}"
  chainId: ${chainId}
  rpc: "${rpc}"
  deviationThreshold: 0.25%`;

describe('oracle.market holds the dYdX price against an independent reference (fixture venue, anvil feed)', () => {
  let dydx: LocalDydx;
  let node: AnvilNode;
  let clients: VenueClients;
  let stateDir: string;

  beforeAll(async () => {
    [dydx, node] = await Promise.all([
      startLocalDydx(),
      freePort().then((port) => startAnvil({ port, chainId: DEVNET_L2_CHAIN_ID })),
    ]);
    clients = venueClients(node.url);
    await deployVenue(clients);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([dydx?.close(), node?.stop()]);
  });
  beforeEach(async () => {
    dydx.state = structuredClone(HEALTHY);
    stateDir = await mkdtemp(join(tmpdir(), 'l2preflight-market-'));
    const now = nowSeconds();
    await admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, usd8(REFERENCE_USD), now, now);
    return () => rm(stateDir, { recursive: true, force: true });
  });

  async function run(check: string): Promise<CheckResult> {
    const yaml = dydxChecklist(dydx.url, `  - id: eth-usd\n${check.replace(/^/gm, '    ')}\n`);
    const { run } = await runChecklist(parseChecklist(yaml, 'dydx.yaml', { env: {} }), { stateDir });
    return run.results[0] as CheckResult;
  }
  const moveReference = (usd: number) => {
    const now = nowSeconds();
    return admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, usd8(usd), now, now);
  };

  it('a frozen price fails: unchanged across two runs while the reference moved 1 % (> 0.7 %)', async () => {
    const first = await run(ETH_USD(node.url));
    expect(first.status).toBe('pass');
    expect(first.message).toContain('first run against this reference');
    await moveReference(REFERENCE_USD * 1.01);
    const frozen = await run(ETH_USD(node.url));
    expect(frozen.status).toBe('fail');
    expect(frozen.message).toMatch(
      /^ETH-USD: price frozen: unchanged at 3035\.4921 since .* while the reference moved 1\.00% \(3035\.49 → 3065\.84\), more than 2 × \(min change 0\.10% \+ reference deviation threshold 0\.25%\) = 0\.70%$/,
    );
    // within maxDeviation (2 %): only the frozen price gives it away
    expect(frozen.status === 'fail' && frozen.evidence?.deviation).toBeCloseTo(-0.0099, 3);
    // a market whose price followed the reference passes
    dydx.state.oraclePrices = { 'ETH-USD': '3065.1177' };
    const moved = await run(ETH_USD(node.url));
    expect(moved.status).toBe('pass');
    expect(moved.message).toContain('the price moved since the last run');
  });

  it('under --watch the drift adds up: three small reference steps, each within the band, sum past it', async () => {
    expect((await run(ETH_USD(node.url))).status).toBe('pass');
    for (const step of [1.003, 1.006]) {
      await moveReference(REFERENCE_USD * step);
      const calm = await run(ETH_USD(node.url));
      expect(calm.status).toBe('pass');
      expect(calm.message).toContain('a calm market');
    }
    await moveReference(REFERENCE_USD * 1.009);
    const frozen = await run(ETH_USD(node.url));
    expect(frozen.status).toBe('fail');
    expect(frozen.message).toContain('the reference moved 0.90%');
  });

  it('a record that is not ours is set aside and said (warn), never read as a calm market', async () => {
    expect((await run(ETH_USD(node.url))).status).toBe('pass');
    const file = join(stateDir, 'dydx', 'checks', 'eth-usd.json');
    await writeFile(file, JSON.stringify({ version: 1, ticker: 'BTC-USD', price: 1 }));
    await moveReference(REFERENCE_USD * 1.01);
    const result = await run(ETH_USD(node.url));
    expect(result.status).toBe('warn');
    expect(result.message).toContain(
      "the last run's record was unusable (the record is for BTC-USD, not ETH-USD)",
    );
    expect(result.message).toContain('first run against this reference');
    // the fresh record it wrote is the baseline from now on
    expect((await run(ETH_USD(node.url))).message).toContain('a calm market');
  });

  it('a calm market passes: the price unchanged while the reference moved 0.3 %, within the band', async () => {
    expect((await run(ETH_USD(node.url))).status).toBe('pass');
    await moveReference(REFERENCE_USD * 0.997);
    const calm = await run(ETH_USD(node.url));
    expect(calm.status).toBe('pass');
    expect(calm.message).toContain(
      'the reference moved 0.30% (3035.49 → 3026.38), within 2 × (min change 0.10%',
    );
    expect(calm.status === 'pass' && calm.evidence).toMatchObject({
      minPriceChange: 0.001,
      minPriceChangeSource: 'x/prices MarketParam 1 (ETH-USD) min_price_change_ppm',
    });
  });

  it('a price off the reference fails', async () => {
    dydx.state.oraclePrices = { 'ETH-USD': '3187.2645' }; // 5 % above
    const off = await run(ETH_USD(node.url));
    expect(off.status).toBe('fail');
    expect(off.message).toBe(
      'ETH-USD: price 3187.2645 is 5.00% above the reference ETH / USD (chain 901) 3035.49 (max 2.00%)',
    );
  });

  it('an unreachable, stale or wrong-chain reference is an error, never a pass', async () => {
    const closed = await run(ETH_USD(`http://127.0.0.1:${await freePort()}/v2/SECRETKEY123`));
    expect(closed.status).toBe('error');
    expect(closed.message).toMatch(/^could not measure: /);
    expect(JSON.stringify(closed)).not.toContain('SECRETKEY123');
    const wrongChain = await run(ETH_USD(node.url, 1));
    expect(wrongChain.status).toBe('error');
    expect(wrongChain.message).toContain('serves chain id 901, but the checklist declares 1');
    const threeHoursAgo = nowSeconds() - 3 * 3600;
    await admin.setLatestTimestamps(clients, DEVNET_ADDRESSES.ethUsdFeed, threeHoursAgo, threeHoursAgo);
    const stale = await run(ETH_USD(node.url));
    expect(stale.status).toBe('error');
    expect(stale.message).toMatch(
      /the reference ETH \/ USD \(chain 901\) is 3h( \d+s)? old \(maxAge 1h 10m\)/,
    );
  });

  it("the chain's min change cannot be read: error (a param given instead is used as is)", async () => {
    dydx.state.fault = { prefix: '/rest/dydxprotocol/prices', kind: '503' };
    const failed = await run(ETH_USD(node.url));
    expect(failed.status).toBe('error');
    expect(failed.message).toContain('market params:');
    const given = await run(`${ETH_USD(node.url)}\nminPriceChange: 0.2%`);
    expect(given.status).toBe('pass');
    expect(given.status === 'pass' && given.evidence?.minPriceChangeSource).toBe(
      'minPriceChange in the checklist',
    );
  });

  it("finds the market's min change on a later page of the chain's paginated market params", async () => {
    dydx.state.marketParamsPerPage = 1; // ETH-USD is on page 2
    const result = await run(ETH_USD(node.url));
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.evidence?.minPriceChangeSource).toBe(
      'x/prices MarketParam 1 (ETH-USD) min_price_change_ppm',
    );
    expect(
      dydx.requests.filter((p) => p === '/rest/dydxprotocol/prices/params/market').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('on an EVM venue the checklist is refused, even with a reference it could read', async () => {
    // A check that could only skip there would measure nothing: the loader says so at its line.
    await expect(runOne('http://127.0.0.1:9', ETH_USD('http://127.0.0.1:9'))).rejects.toThrow(
      /oracle\.market cannot run on this venue: it runs on dydx-v4 only/,
    );
  });

  it('without a reference the check warns that the price itself is not measured', async () => {
    const result = await run('type: oracle.market\nmarket: ETH-USD');
    expect(result.status).toBe('warn');
    expect(result.message).toContain('the price itself is not compared with anything');
  });
});
