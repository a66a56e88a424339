/**
 * A run's requests do not grow with its checks: every check's reads of the same moment share one HTTP
 * request (JSON-RPC batch, Multicall3), so 200 checks cost the round trips of 7 (issue #16). Counted,
 * not timed: the count is the same on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { runChecklist } from '../../src/engine/run.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { checklistYaml } from '../helpers/venue.js';

let venue: TestVenue;
beforeAll(async () => {
  venue = await sharedTestVenue();
});
afterAll(() => venue?.stop());

const load = (checks: string[]) =>
  parseChecklist(checklistYaml(venue.node.url, checks.join('')), 'scale.yaml', { env: {} });

const chainChecks = [
  '  - id: head-fresh\n    type: sequencer.head-age\n    max: 30s\n',
  '  - id: cadence\n    type: sequencer.cadence\n    window: 100\n    maxGap: 60s\n    maxP99: 15s\n',
  '  - id: up\n    type: sequencer.uptime-feed\n    feed: $sequencerUptimeFeed\n    gracePeriod: 1h\n',
  '  - id: eth-usd\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 65m\n',
];

/** A fund check on its own holder: distinct reads (its USDC and ether balances), none de-duplicated. */
const fund = (index: number) => {
  const holder = `0x${(0x1000 + index).toString(16).padStart(40, '0')}`;
  return `  - id: fund-${index}
    type: insurance.fund
    holder: "${holder}"
    assets:
      - token: $usdc
        price: 1 USD
      - native: true
        price: $ethUsdFeed
    min: 1 USD # empty holders fail: measured, which is what counts here
`;
};

describe('a run at scale', () => {
  it('makes no more HTTP requests for 200 checks than for 7, each check measured', async () => {
    const seven = await runChecklist(load([...chainChecks, ...Array.from({ length: 3 }, (_, i) => fund(i))]));
    const many = await runChecklist(
      load([...chainChecks, ...Array.from({ length: 196 }, (_, i) => fund(i))]),
    );
    expect(seven.run.results).toHaveLength(7);
    expect(many.run.results).toHaveLength(200);
    expect(many.run.results.filter((r) => r.status === 'error')).toEqual([]);
    // 200 checks read far more than 7 (one balance pair per holder)…
    expect(many.traffic.rpcCalls).toBeGreaterThan(seven.traffic.rpcCalls);
    // …in the same two round trips: the chain-id probe (with the head and Multicall3's presence), then
    // every check's reads, pinned to that head (a feed's aggregator's bounds included, see
    // feedBoundsProbe).
    expect(many.traffic.httpRequests).toBeLessThanOrEqual(seven.traffic.httpRequests);
    expect(seven.traffic.httpRequests).toBeLessThanOrEqual(2);
  });

  it('splits a run into waves only when --concurrency asks for a cap', async () => {
    const checks = load([...chainChecks, ...Array.from({ length: 36 }, (_, i) => fund(i))]);
    const all = await runChecklist(checks);
    const capped = await runChecklist(checks, { concurrency: 8 });
    expect(capped.run.summary).toEqual(all.run.summary);
    expect(capped.traffic.httpRequests).toBeGreaterThan(all.traffic.httpRequests);
  });
});
