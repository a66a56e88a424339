/**
 * Issue #13 item 1: a stale endpoint must not make a stale oracle pass. State is read at the freshest
 * endpoint's head, and a head older than the chain's bound makes every state read `error`, naming the
 * endpoint and the block's age, whatever other checks are selected.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { StaleReadError } from '../../src/core/errors.js';
import type { RunResult } from '../../src/core/result.js';
import { devnetEnvironment } from '../../src/devnet/venue.js';
import { runChecklist } from '../../src/engine/run.js';
import { exitCodeOf } from '../../src/engine/status.js';
import { ChecklistError } from '../../src/errors.js';
import {
  defaultMaxBlockAgeMs,
  type EndpointHead,
  headsEvidence,
  maxBlockAgeFor,
  orderByHead,
} from '../../src/rpc/staleness.js';
import { cli } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario, checklistYaml } from '../helpers/venue.js';

const NOW = 1_800_000_000_000;
const head = (index: number, block: number, ageS: number): EndpointHead => ({
  index,
  endpoint: `#${index + 1} http://127.0.0.1:${9545 + index}`,
  block: BigInt(block),
  timestamp: (NOW - ageS * 1000) / 1000,
  ageMs: ageS * 1000,
});

describe('the bound and the head (pure)', () => {
  it('defaults to max(60 s, 30 blocks) per chain', () => {
    expect(defaultMaxBlockAgeMs(250)).toBe(60_000);
    expect(defaultMaxBlockAgeMs(2_000)).toBe(60_000);
    expect(defaultMaxBlockAgeMs(12_000)).toBe(360_000);
    expect(maxBlockAgeFor('l2', 'op-stack', undefined)).toBe(60_000);
    expect(maxBlockAgeFor('l2', 'arbitrum', undefined)).toBe(60_000);
    expect(maxBlockAgeFor('l2', 'evm', undefined)).toBe(360_000);
    expect(maxBlockAgeFor('l1', 'op-stack', undefined)).toBe(360_000);
    expect(maxBlockAgeFor('reference', 'arbitrum', undefined)).toBe(360_000);
    // A configured bound holds for every chain of the run.
    expect(maxBlockAgeFor('l1', 'op-stack', 90_000)).toBe(90_000);
  });

  it('reads at the freshest endpoint, leaves stale ones out while a fresh one exists', () => {
    const stale = head(0, 580, 420);
    const fresh = head(1, 1000, 1);
    const { head: chosen, order } = orderByHead([stale, fresh], NOW, 60_000);
    expect(chosen).toBe(fresh);
    expect(order).toEqual([fresh]);
    // Every endpoint stale: all kept (the head can still be measured), the freshest first.
    const older = head(1, 500, 500);
    expect(orderByHead([older, stale], NOW, 60_000).order).toEqual([stale, older]);
  });

  it('names the chain, the endpoint, the block, its age and the bound', () => {
    const stale = head(0, 1234, 420);
    const error = new StaleReadError('l2', stale, 420_000, 60_000, headsEvidence([stale], NOW));
    expect(error.message).toBe(
      'l2 RPC #1 http://127.0.0.1:9545 serves block 1234, 7m old (bound 1m): a state read there would be judged as fresh',
    );
    expect(error.evidence).toMatchObject({
      staleness: { chain: 'l2', block: 1234, ageMs: 420_000, boundMs: 60_000 },
    });
  });

  it('reads defaults.maxBlockAge, and points at a bad one with file:line:col', () => {
    const yaml = checklistYaml('http://127.0.0.1:1', '  - id: h\n    type: sequencer.head-age\n').replace(
      'defaults:\n',
      'defaults:\n  maxBlockAge: 5m\n',
    );
    expect(parseChecklist(yaml, 'ok.yaml', { env: {} }).defaults.maxBlockAgeMs).toBe(300_000);
    const bad = yaml.replace('maxBlockAge: 5m', 'maxBlockAge: soon');
    const line = bad.split('\n').findIndex((l) => l.includes('maxBlockAge')) + 1;
    const error = (() => {
      try {
        parseChecklist(bad, 'bad.yaml', { env: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ChecklistError);
    expect(String((error as Error).message)).toContain(`bad.yaml:${line}:16`);
  });
});

describe('a stale endpoint on the devnet', () => {
  let venue: TestVenue;
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    venue = await sharedTestVenue();
    dir = await mkdtemp(join(tmpdir(), 'l2p-stale-'));
    // A view well after the venue's deployment (block ~100) and long before now (the devnet boots
    // with ~300 one-second blocks of history), so it predates the stale-oracle scenario.
    const now = Number(await venue.clients.public.getBlockNumber());
    expect(now).toBeGreaterThan(250);
    proxy = await startFaultProxy(venue.node.url, { kind: 'stale', blocks: now - 100 });
    await applyScenario(venue, 'stale-oracle');
  });
  afterAll(async () => {
    await proxy?.close();
    await venue?.stop();
  });

  const json = (stdout: string) => JSON.parse(stdout) as RunResult;
  const OUTAGES =
    '  - id: outages\n    type: sequencer.outages\n    feed: $sequencerUptimeFeed\n    maxOutage: 2s\n';
  const ETH_USD = '  - id: eth-usd\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 65m\n';

  it('every L2 URL stale: the oracle check is error naming the endpoint and the age, exit 3 (was pass, exit 0)', async () => {
    const file = join(dir, 'stale.yaml');
    await writeFile(file, checklistYaml(proxy.url, ETH_USD, 901, undefined, 'op-stack'));
    const result = await cli(['run', file, '--only', 'eth-usd', '--format', 'json', '--state', dir]);
    const run = json(result.stdout);
    expect(run.results[0]).toMatchObject({ id: 'eth-usd', status: 'error', errorKind: 'stale-read' });
    expect(run.results[0]?.message).toMatch(
      /^could not measure: l2 RPC #1 http:\/\/127\.0\.0\.1:\d+\/? serves block \d+, \d+m( \d+s)? old \(bound 1m\): a state read there would be judged as fresh$/,
    );
    expect(run.endpoints[0]?.head?.ageMs).toBeGreaterThan(60_000);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);

    // --max-block-age sets the bound (and a value that is not a duration is a usage error, exit 2).
    const flagged = await cli([
      'run',
      file,
      '--only',
      'eth-usd',
      '--format',
      'json',
      '--state',
      dir,
      '--max-block-age',
      '90s',
    ]);
    expect(json(flagged.stdout).results[0]?.message).toContain('(bound 1m 30s)');
    const bad = await cli(['run', file, '--max-block-age', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-block-age');

    // The same command without the stale view: the scenario's 3 h old round fails.
    await writeFile(file, checklistYaml(venue.node.url, ETH_USD, 901, undefined, 'op-stack'));
    const direct = await cli(['run', file, '--only', 'eth-usd', '--format', 'json', '--state', dir]);
    expect(json(direct.stdout).results[0]).toMatchObject({ status: 'fail' });
    expect(direct.code).toBe(1);
  }, 90_000);

  it('only the primary stale: measures on the healthy second URL, as without the proxy (was ROUTE)', async () => {
    const only = ['--only', 'eth-usd,oracles-agree,eth-usd-pyth', '--format', 'json', '--state', dir];
    const run = (env: Record<string, string>) => cli(['run', 'checks/devnet.yaml', ...only], env);
    const base = devnetEnvironment(venue);
    const stale = await run({
      ...base,
      L2PREFLIGHT_DEVNET_L2_RPC: proxy.url,
      L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: venue.node.url,
    });
    const direct = await run(base);
    const statuses = (stdout: string) => json(stdout).results.map((r) => [r.id, r.status]);
    expect(statuses(stale.stdout)).toEqual(statuses(direct.stdout));
    const ethUsd = json(stale.stdout).results.find((r) => r.id === 'eth-usd');
    expect(ethUsd).toMatchObject({ status: 'fail' });
    expect(ethUsd?.message).toMatch(/last update 3h/);
    expect(json(stale.stdout).verdict).toBe('HOLD');
    expect(stale.code).toBe(1);
  }, 90_000);

  it('a halted sequencer still fails head-age; the state checks beside it are error (stale), exit 1', async () => {
    await applyScenario(venue, 'sequencer-halt');
    try {
      const checklist = parseChecklist(
        checklistYaml(
          venue.node.url,
          `  - id: head\n    type: sequencer.head-age\n    max: 2s\n${ETH_USD}${OUTAGES}`,
          901,
          undefined,
          'op-stack',
        ),
        'halt.yaml',
        { env: {} },
      );
      // The run's clock 3.6 s ahead instead of waiting for the halted head to age: it reads ≥ 3.6 s old.
      const { run } = await runChecklist(checklist, { maxBlockAgeMs: 3_000, now: () => Date.now() + 3_600 });
      expect(run.results.find((r) => r.id === 'head')).toMatchObject({ status: 'fail' });
      const price = run.results.find((r) => r.id === 'eth-usd');
      expect(price).toMatchObject({ status: 'error', errorKind: 'stale-read' });
      expect(price?.message).toMatch(/serves block \d+, [\d.]+s old \(bound 3s\)/);
      // Its own head sample already shows the outage: it fails on that, though the feed is unreadable.
      const outages = run.results.find((r) => r.id === 'outages');
      expect(outages).toMatchObject({ status: 'fail' });
      expect(outages?.message).toMatch(/1 run\(s\) found the head [\d.]+s old/);
      expect(exitCodeOf(run.results, 'fail')).toBe(1);
    } finally {
      await applyScenario(venue, 'sequencer-resume');
    }
  });
});
