/**
 * Each check's headline value and its limit against the verdict, for the checks whose own tests judge
 * `evaluate` without a CheckTester (the others pass `{ limit }` to theirs): a case inside the limit and
 * one beyond it, the limit in the value's unit. `decides`: beyond ⇔ the check does not hold; `headline`:
 * the check judges more, so only beyond ⇒ it does not hold (see test/helpers/checkTester.ts).
 */
import type { Hash } from 'viem';
import { fund } from '../../src/checks/insurance/fund.js';
import { venueFund } from '../../src/checks/insurance/venueFund.js';
import { simulate } from '../../src/checks/liquidation/simulate.js';
import { deviation } from '../../src/checks/oracle/deviation.js';
import { market } from '../../src/checks/oracle/market.js';
import { pyth } from '../../src/checks/oracle/pyth.js';
import { probe } from '../../src/checks/reorg/probe.js';
import { batchAge } from '../../src/checks/sequencer/batchAge.js';
import { cadence } from '../../src/checks/sequencer/cadence.js';
import { outages } from '../../src/checks/sequencer/outages.js';
import { rpcDivergence } from '../../src/checks/sequencer/rpcDivergence.js';
import { drillCheck } from '../../src/checks/withdrawal/drill.js';
import type { Drill } from '../../src/drill/journal.js';
import { CheckTester, DEFAULT_NOW } from '../helpers/checkTester.js';

const NOW = DEFAULT_NOW;
const nowSeconds = NOW / 1000;
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash;
const address = '0x0000000000000000000000000000000000000001' as const;

// Blocks 1 s apart with one gap of `gap` seconds (p99 stays at the gap: keep maxP99 above it).
const blocks = (gap: number) =>
  [0, 1, 2, 2 + gap, 3 + gap].map((t, i) => ({ number: 100 + i, timestamp: nowSeconds - 100 + t }));
new CheckTester(cadence, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'a 30 s gap under a 60 s maxGap',
        params: { maxGap: '60s', maxP99: '2m' },
        observation: blocks(30),
        limit: { value: 60, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a 90 s gap over a 60 s maxGap',
        params: { maxGap: '60s', maxP99: '2m' },
        observation: blocks(90),
        status: 'fail',
        message: 'gap',
        limit: { value: 60, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const endpoints = (heights: number[]) => ({
  commonHeight: Math.min(...heights),
  rechecked: false,
  endpoints: heights.map((number, i) => ({
    label: `rpc${i}`,
    head: { number, timestamp: nowSeconds - 1 },
    hashAtCommon: hash(1),
  })),
});
new CheckTester(rpcDivergence, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'heads 3 blocks apart under a skew of 5',
        params: { maxHeadSkew: 5 },
        observation: endpoints([100, 103]),
        limit: { value: 5, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'heads 8 blocks apart over a skew of 5',
        params: { maxHeadSkew: 5 },
        observation: endpoints([100, 108]),
        status: 'fail',
        message: '8 blocks apart',
        limit: { value: 5, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const samples = (age: number) => [{ at: nowSeconds - 60, block: 100, age }];
new CheckTester(outages, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'a recorded head age of 30 s under a 1 m maxOutage',
        params: { lookback: '1m', maxOutage: '1m' },
        observation: { samples: samples(30) },
        limit: { value: 60, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a recorded head age of 2 m over a 1 m maxOutage',
        params: { lookback: '1m', maxOutage: '1m' },
        observation: { samples: samples(120) },
        status: 'fail',
        message: 'found the head 2m old',
        limit: { value: 60, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const batchFound = (ageSeconds: number) => ({
  method: 'batcher-nonce' as const,
  l1Head: 100,
  search: {
    batch: { block: 99, timestamp: nowSeconds - ageSeconds, tx: hash(2), poster: address },
    batchesInRange: 1,
    rangeSeconds: 3600,
    lookedBackBlocks: 10,
    requests: 2,
  },
});
const batchParams = { batcher: '$batcher', inbox: '$batchInbox', max: '1h' };
new CheckTester(batchAge, { limit: 'decides' }).run(
  {
    valid: [
      {
        name: 'a batch 30 m old under a 1 h max',
        params: batchParams,
        observation: batchFound(1800),
        limit: { value: 3600, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a batch 2 h old over a 1 h max',
        params: batchParams,
        observation: batchFound(7200),
        status: 'fail',
        message: 'last batch in L1 block 99, 2h ago',
        limit: { value: 3600, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const before = [10, 9, 8].map((number) => ({ number, hash: hash(number) }));
const reread = (changed: number) => ({
  head: 10,
  before,
  after: before.map((b, i) => (i < changed ? hash(100 + i) : b.hash)),
  waitedMs: 1000,
});
new CheckTester(probe, { limit: 'decides' }).run(
  {
    valid: [
      {
        name: 'no reorg under maxDepth 0',
        params: { maxDepth: 0 },
        observation: reread(0),
        limit: { value: 0, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a reorg of depth 1 within maxDepth 1 warns (holds with a concern)',
        params: { maxDepth: 1 },
        observation: reread(1),
        status: 'warn',
        message: 'reorg of depth 1',
        limit: { value: 1, kind: 'max' },
      },
      {
        name: 'a reorg of depth 2 over maxDepth 1',
        params: { maxDepth: 1 },
        observation: reread(2),
        status: 'fail',
        message: 'depth 2',
        limit: { value: 1, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const fundOf = (usd: number) => ({
  assets: [{ asset: 'USDC', balance: `${usd} USDC`, priceUsd: 1, valueUsd: usd }],
});
const fundParams = {
  holder: '$insuranceFund',
  assets: [{ token: '$usdc', price: '1 USD' }],
  min: '1_000_000 USD',
};
new CheckTester(fund, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'a 2 M USD fund over a 1 M floor',
        params: fundParams,
        observation: fundOf(2_000_000),
        limit: { value: 1_000_000, kind: 'min' },
      },
    ],
    invalid: [
      {
        name: 'a 500 k USD fund under a 1 M floor',
        params: fundParams,
        observation: fundOf(500_000),
        status: 'fail',
        message: 'below',
        limit: { value: 1_000_000, kind: 'min' },
      },
      {
        name: 'a fund over its floor that fell more than maxDrawdown: a fail within the limit',
        params: { ...fundParams, maxDrawdown: '20%' },
        observation: {
          ...fundOf(2_000_000),
          previous: { totalUsd: 4_000_000, savedAt: '2025-12-31T23:00:00.000Z', samples: 3 },
        },
        status: 'fail',
        message: 'down 50',
        limit: { value: 1_000_000, kind: 'min' },
      },
    ],
  },
  { title: 'limit' },
);

const venueFundOf = (usd: number) => ({ usd, holder: 'dydx1…', source: 'insurance_fund module' });
new CheckTester(venueFund, { limit: 'decides' }).run(
  {
    valid: [
      {
        name: 'a 6 M fund over a 5 M floor',
        params: { min: '5_000_000 USD' },
        observation: venueFundOf(6_000_000),
        limit: { value: 5_000_000, kind: 'min' },
      },
    ],
    invalid: [
      {
        name: 'a 4 M fund under a 5 M floor',
        params: { min: '5_000_000 USD' },
        observation: venueFundOf(4_000_000),
        status: 'fail',
        message: 'fund holds only',
        limit: { value: 5_000_000, kind: 'min' },
      },
    ],
  },
  { title: 'limit' },
);

const prices = (...values: number[]) =>
  values.map((price, i) => ({ label: `source${i}`, price, updatedAt: nowSeconds - 10 }));
const deviationParams = { sources: ['$feedA', '$feedB'], max: '0.5%' };
new CheckTester(deviation, { limit: 'decides' }).run(
  {
    valid: [
      {
        name: 'a 0.1 % spread under 0.5 %',
        params: deviationParams,
        observation: prices(1000, 1001),
        limit: { value: 0.005, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a 2 % spread over 0.5 %',
        params: deviationParams,
        observation: prices(1000, 1020),
        status: 'fail',
        message: 'sources disagree',
        limit: { value: 0.005, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const marketParams = {
  market: 'ETH-USD',
  maxAge: '30s',
  reference: { feed: '$ethUsdFeed', chainId: 1, rpc: 'http://127.0.0.1:1' },
};
const marketAged = (ageSeconds: number, status = 'ACTIVE') => ({
  market: {
    ticker: 'ETH-USD',
    status,
    oraclePrice: 3000,
    nextFundingRate1h: 0,
    asOf: nowSeconds - ageSeconds,
    asOfHeight: 100n,
  },
  head: { height: 101n, timestamp: nowSeconds - 1, hash: '0x' },
  reference: { label: 'ETH / USD', feed: address, chainId: 1, price: 3001, updatedAt: nowSeconds - 60 },
  minChange: { ratio: 0.001, source: 'test' },
});
new CheckTester(market, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'a price 10 s old under a 30 s maxAge',
        params: marketParams,
        observation: marketAged(10),
        limit: { value: 30, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a price 60 s old over a 30 s maxAge',
        params: marketParams,
        observation: marketAged(60),
        status: 'fail',
        message: 'ETH-USD',
        limit: { value: 30, kind: 'max' },
      },
      {
        name: 'a fresh price on a market that is not ACTIVE: a fail within the limit',
        params: marketParams,
        observation: marketAged(10, 'PAUSED'),
        status: 'fail',
        message: 'PAUSED',
        limit: { value: 30, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const pythParams = { contract: '$pyth', priceId: hash(7), maxAge: '2m', maxConfidence: '0.5%' };
const pythAged = (ageSeconds: number, confidence = 1) => ({
  contract: address,
  priceId: hash(7),
  price: 3000,
  confidence,
  publishTime: nowSeconds - ageSeconds,
});
new CheckTester(pyth, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'a price 30 s old under a 2 m maxAge',
        params: pythParams,
        observation: pythAged(30),
        limit: { value: 120, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a price 5 m old over a 2 m maxAge',
        params: pythParams,
        observation: pythAged(300),
        status: 'fail',
        message: 'older than 2m',
        limit: { value: 120, kind: 'max' },
      },
      {
        name: 'a fresh price with a wide confidence: a fail within the limit',
        params: pythParams,
        observation: pythAged(30, 300),
        status: 'fail',
        message: 'publishers disagree',
        limit: { value: 120, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

const hour = 3_600_000;
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
/** A finalized drill sent `totalHours` ago, proven after `proveHours`, finalized now. */
const drillOf = (totalHours: number, proveHours: number) => {
  const record = (minedAgo: number) => ({
    txHash: hash(1),
    raw: '0x02' as const,
    sentAt: iso(totalHours * hour),
    minedAt: iso(minedAgo),
  });
  const finished: Drill = {
    id: iso(totalHours * hour),
    checklist: 'venue.yaml',
    l1ChainId: 900,
    l2ChainId: 901,
    portal: address,
    sender: address,
    recipient: address,
    amountWei: '1',
    startedAt: iso(totalHours * hour),
    status: 'finalized',
    stages: {
      initiate: record(totalHours * hour),
      prove: record((totalHours - proveHours) * hour),
      finalize: record(0),
    },
  };
  return { kind: 'ok' as const, drill: finished };
};
const drillParams = { maxProveTime: '2h', maxTotalTime: '10h' };
new CheckTester(drillCheck, { limit: 'headline' }).run(
  {
    valid: [
      {
        name: 'finalized in 8 h under a 10 h maxTotalTime',
        params: drillParams,
        observation: drillOf(8, 1),
        limit: { value: 36_000, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'finalized in 12 h over a 10 h maxTotalTime',
        params: drillParams,
        observation: drillOf(12, 1),
        status: 'fail',
        message: 'missed its SLA',
        limit: { value: 36_000, kind: 'max' },
      },
      {
        name: 'proven too slowly though finalized in time: a fail within the limit',
        params: drillParams,
        observation: drillOf(8, 3),
        status: 'fail',
        message: 'proving took 3h',
        limit: { value: 36_000, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);

/** A feed's last week, hourly, swinging by `swing` (a ratio) either way of 3000 each round. */
const volatileFeed = (swing: number) => {
  const rounds = Array.from({ length: 168 }, (_, i) => {
    const price = 3000 * (i % 2 === 0 ? 1 + swing : 1 - swing);
    return {
      roundId: BigInt(1000 - i),
      answer: BigInt(Math.round(price * 1e8)),
      price,
      startedAt: nowSeconds - 60 - i * 3600,
      updatedAt: nowSeconds - 60 - i * 3600,
    };
  });
  const [latest] = rounds;
  if (!latest) throw new Error('no rounds');
  return {
    round: { ...latest, feed: address, description: 'ETH / USD', decimals: 8 },
    history: { rounds },
  };
};
const simulateParams = {
  feed: '$ethUsdFeed',
  side: 'long' as const,
  leverage: 5,
  maintenanceMargin: '3%',
  maxProbability: '1%',
};
new CheckTester(simulate, { limit: 'decides' }).run(
  {
    valid: [
      {
        name: 'a calm feed (±0.1 % an hour): liquidation within a day unlikely',
        params: simulateParams,
        observation: volatileFeed(0.001),
        limit: { value: 0.01, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'a wild feed (±3 % an hour): liquidation within a day likely',
        params: simulateParams,
        observation: volatileFeed(0.03),
        status: 'fail',
        message: 'P(touch within 1d)',
        limit: { value: 0.01, kind: 'max' },
      },
    ],
  },
  { title: 'limit' },
);
