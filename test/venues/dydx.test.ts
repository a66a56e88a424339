import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { probe } from '../../src/checks/reorg/probe.js';
import type { CheckResult } from '../../src/core/result.js';
import { runChecklist } from '../../src/engine/run.js';
import { ChecklistError } from '../../src/errors.js';
import { cli } from '../helpers/cli.js';
import { dydxChecklist, HEALTHY, type LocalDydx, startLocalDydx } from '../helpers/dydx.js';

const CHECKS = {
  head: 'type: sequencer.head-age\nmax: 10s',
  cadence: 'type: sequencer.cadence\nwindow: 50\nmaxGap: 10s\nmaxP99: 3s',
  market: 'type: oracle.market\nmarket: BTC-USD\nmaxAge: 30s\nmin: 1000\nmax: 1000000',
  fund: 'type: insurance.venue-fund\nmin: 1_000_000 USD',
  funding:
    'type: fees.breakeven\nstrategy: funding-capture\nnotional: 100_000 USD\nfeeTier: "1"\nfundingMarket: BTC-USD\nholdingPeriod: 30d',
  evmOnly: 'type: reorg.probe\ndepth: 5\nwait: 1s',
};

describe('dYdX v4 through its indexer, CometBFT RPC and Cosmos REST (local fixtures)', () => {
  let dydx: LocalDydx;
  beforeAll(async () => {
    dydx = await startLocalDydx();
  });
  afterAll(() => dydx?.close());
  beforeEach(() => {
    dydx.state = { ...HEALTHY };
  });

  async function run(check: string, rpcPath = '/rpc'): Promise<CheckResult> {
    const yaml = dydxChecklist(dydx.url, `  - id: under-test\n${check.replace(/^/gm, '    ')}\n`, rpcPath);
    const { run } = await runChecklist(parseChecklist(yaml, 'dydx.yaml', { env: {} }));
    return run.results[0] as CheckResult;
  }

  it('head age and cadence come from CometBFT: pass while blocks flow', async () => {
    const head = await run(CHECKS.head);
    expect(head.status).toBe('pass');
    expect(head.message).toMatch(/^latest L2 block 52814412 is \d/);
    const cadence = await run(CHECKS.cadence);
    expect(cadence.status).toBe('pass');
    // 50 intervals read in 3 pages of at most 20 block metas
    expect(dydx.requests.filter((p) => p === '/rpc/blockchain').length).toBeGreaterThanOrEqual(3);
  });

  it('head age fails when the chain halts; cadence fails on a gap', async () => {
    dydx.state.haltedFor = 120;
    expect((await run(CHECKS.head)).status).toBe('fail');
    dydx.state = { ...HEALTHY, gapSeconds: 45 };
    const cadence = await run(CHECKS.cadence);
    expect(cadence.status).toBe('fail');
    expect(cadence.message).toContain('a 46s gap between blocks 52814402 and 52814403');
  });

  it('oracle.market holds on an active market with a fresh indexer, fails when paused or stale', async () => {
    const healthy = await run(CHECKS.market);
    // without a reference, nothing measures the price itself: it holds, with a warning that says so
    expect(healthy.status).toBe('warn');
    expect(healthy.message).toMatch(/^BTC-USD: 115423\.61 as of block 52814410/);
    expect(healthy.message).toContain('the price itself is not compared with anything');
    dydx.state.marketStatus = 'CANCEL_ONLY';
    expect((await run(CHECKS.market)).message).toContain('market is CANCEL_ONLY, not ACTIVE');
    dydx.state = { ...HEALTHY, indexerLag: 90 };
    const stale = await run(CHECKS.market);
    expect(stale.status).toBe('fail');
    expect(stale.message).toContain('the indexer is 90 blocks behind the chain');
    expect(stale.message).toMatch(/price is as of a block 1m 3\ds old/);
  });

  it('insurance.venue-fund reads the insurance_fund module account, and fails when drained', async () => {
    const full = await run(CHECKS.fund);
    expect(full.status).toBe('pass');
    expect(full.status === 'pass' && full.observed).toBe('4,387,215 USD');
    dydx.state.insuranceUsdc = 250_000n * 10n ** 6n;
    const drained = await run(CHECKS.fund);
    expect(drained.status).toBe('fail');
    expect(drained.message).toContain('fund holds only 250,000 USD, below 1,000,000 USD');
  });

  it('fees.breakeven takes fee tier 1 and the market funding from the chain, with no gas', async () => {
    // 2 × 100 000 × 5 bps = 100 USD over 30 days = 90 intervals → 0.00111 % per 8 h, under the
    // 0.0000043125/h × 8 = 0.00345 % a short perp collects
    const pays = await run(CHECKS.funding);
    expect(pays.status).toBe('pass');
    expect(pays.status === 'pass' && pays.observed).toBe('breakeven 0.0011% per 8h (1.22%/y)');
    expect(pays.message).toContain('dYdX v4: placing and cancelling short-term orders pays no gas');
    // negative funding: the short pays
    dydx.state.nextFundingRate = '-0.0000020000';
    const negative = await run(CHECKS.funding);
    expect(negative.status).toBe('fail');
    expect(negative.status === 'fail' && negative.threshold).toContain('<= expected −0.0016% per 8h');
  });

  it('refuses a check that reads EVM state when the checklist is loaded, at its type', () => {
    const yaml = dydxChecklist(dydx.url, `  - id: under-test\n${CHECKS.evmOnly.replace(/^/gm, '    ')}\n`);
    let error: unknown;
    try {
      parseChecklist(yaml, 'dydx.yaml', { env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ChecklistError);
    const [problem] = (error as ChecklistError).problems;
    expect(problem?.message).toBe(
      'reorg.probe cannot run on this venue: it reads EVM state (blocks, contracts), and dydx-v4 is not an EVM chain',
    );
    expect(problem?.position.line).toBe(
      yaml.split('\n').findIndex((l) => l.includes('type: reorg.probe')) + 1,
    );
  });

  it('skips, saying why, an EVM check that reaches the engine without the loader', async () => {
    // The loader refuses it; the engine still never lets an EVM read on dYdX pass or crash.
    const yaml = dydxChecklist(dydx.url, '  - id: under-test\n    type: sequencer.head-age\n');
    const checklist = parseChecklist(yaml, 'dydx.yaml', { env: {} });
    const [head] = checklist.checks;
    if (!head) throw new Error('no check');
    checklist.checks = [
      { ...head, type: probe.type, definition: probe, params: { depth: 5, wait: 1000, maxDepth: 0 } },
    ];
    const { run } = await runChecklist(checklist);
    expect(run.results[0]?.status).toBe('skip');
    expect(run.results[0]?.message).toBe(
      'not applicable: dydx-v4 is not an EVM chain: this check reads EVM state (blocks, contracts)',
    );
  });

  it.each([
    ['/rpc', '503', /answered HTTP 503: service unavailable/],
    ['/rpc', 'malformed', /with a body that is not JSON/],
    ['/rpc', 'wrong-shape', /answered in an unexpected shape \(result\.node_info:/],
  ] as const)('a %s that answers %s makes the check error, never pass', async (prefix, kind, message) => {
    dydx.state.fault = { prefix, kind };
    const result = await run(CHECKS.head);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(message);
  });

  it('an indexer that never answers is an error at the check timeout', async () => {
    dydx.state.fault = { prefix: '/indexer', kind: 'hang' };
    const result = await run(`${CHECKS.market}\ntimeout: 1s`);
    expect(result.status).toBe('error');
  });

  it('refuses a node that serves another network', async () => {
    dydx.state.network = 'dydx-testnet-4';
    const result = await run(CHECKS.head);
    expect(result.status).toBe('error');
    expect(result.message).toContain('the CometBFT node serves dydx-testnet-4, not dydx-mainnet-1');
  });

  it('the dydx-v4 preset takes its endpoints from the environment, and no key reaches the output', async () => {
    const env = {
      DYDX_INDEXER_URL: `${dydx.url}/indexer/v4`,
      DYDX_RPC_URL: `${dydx.url}/key-SECRETKEY123/rpc`,
      DYDX_REST_URL: `${dydx.url}/rest`,
      // the markets' reference chain: a closed local port, never a public RPC in tests
      ETH_RPC_URL: 'http://127.0.0.1:9/key-SECRETKEY123',
    };
    dydx.state.fault = { prefix: '/rpc/blockchain', kind: '503' };
    dydx.state.insuranceUsdc = 6_000_000n * 10n ** 6n;
    const { code, stdout, stderr } = await cli(['run', 'checks/dydx-v4.yaml', '--format', 'json'], env);
    expect(stdout).not.toContain('SECRETKEY123');
    expect(stderr).not.toContain('SECRETKEY123');
    const report = JSON.parse(stdout);
    expect(report.venue).toMatchObject({ stack: 'dydx-v4', network: 'dydx-mainnet-1' });
    const byId = Object.fromEntries(report.results.map((r: CheckResult) => [r.id, r]));
    expect(byId['head-fresh'].status).toBe('pass');
    expect(byId['block-cadence'].status).toBe('error'); // the 503
    // the markets' reference (Chainlink on Ethereum) is unreachable: error, never a pass
    expect(byId['eth-usd'].status).toBe('error');
    expect(byId['btc-usd'].status).toBe('error');
    expect(report.endpoints).toContainEqual(
      expect.objectContaining({ chain: 'reference', url: 'http://127.0.0.1:9/…' }),
    );
    expect(byId['btc-funding-capture'].status).toBe('warn'); // 0.0143 % needed per 8 h, 0.00345 % paid
    expect(code).toBe(3); // no check failed, a critical one could not measure
  });
});
