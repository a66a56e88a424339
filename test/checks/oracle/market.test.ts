import { describe, expect, it } from 'vitest';
import {
  frozenThreshold,
  judgeMarket,
  type MarketObservation,
  market,
  type PriceRecord,
  priceRecord,
  type ReferencePrice,
  referenceProblem,
} from '../../../src/checks/oracle/market.js';
import { parseRecord } from '../../../src/state/history.js';

const NOW = Date.parse('2026-11-28T08:00:00Z');
const FEED = '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419';
const params = market.params.parse({
  market: 'ETH-USD',
  reference: { feed: FEED, chainId: 1, rpc: 'https://rpc.example' },
});

const reference = (price: number, ageSeconds = 60): ReferencePrice => ({
  label: 'ETH / USD (chain 1)',
  feed: FEED,
  chainId: 1,
  price,
  updatedAt: NOW / 1000 - ageSeconds,
});
const record = (price: number, referencePriceThen: number): PriceRecord => ({
  version: 1,
  ticker: 'ETH-USD',
  reference: `1:${FEED.toLowerCase()}`,
  price,
  since: '2026-11-28T07:00:00.000Z',
  referencePriceThen,
});
const observe = (
  price: number,
  ref: ReferencePrice | undefined,
  previous?: PriceRecord,
): MarketObservation => ({
  market: {
    ticker: 'ETH-USD',
    status: 'ACTIVE',
    oraclePrice: price,
    nextFundingRate1h: 0,
    asOf: NOW / 1000 - 2,
    asOfHeight: 100n,
  },
  head: { height: 102n, timestamp: NOW / 1000 - 1, hash: '0x' },
  reference: ref,
  minChange: ref ? { ratio: 0.001, source: 'test' } : undefined,
  previous,
});

describe('frozenThreshold: how far the reference must move before a still price proves frozen', () => {
  it.each([
    [0.001, 0.005, 0.012], // dYdX BTC/ETH (1000 ppm) against Chainlink on Ethereum (0.5 %)
    [0.001, 0, 0.002], // against an exact reference: the band of an honest price, 2 × min change
    [0.004, 0.0025, 0.013],
  ])('min change %f, reference threshold %f → %f', (minChange, referenceDeviation, expected) => {
    expect(frozenThreshold(minChange, referenceDeviation)).toBeCloseTo(expected, 12);
  });
});

describe('judgeMarket (defaults: maxDeviation 1 %, reference threshold 0.5 %; min change 0.1 % → frozen past 1.2 %)', () => {
  it.each([
    [
      'first run, on the reference',
      observe(3000, reference(3001)),
      'pass',
      'first run against this reference',
    ],
    [
      'price moved since the last run',
      observe(3030, reference(3031), record(3000, 3001)),
      'pass',
      'the price moved',
    ],
    [
      'still, reference calm (1.0 %)',
      observe(3000, reference(3030), record(3000, 3000)),
      'pass',
      'a calm market',
    ],
    [
      'still, reference moved 1.3 %',
      observe(3000, reference(3039), record(3000, 3000)),
      'fail',
      'price frozen',
    ],
    [
      'still, reference fell 1.3 %',
      observe(3000, reference(2961), record(3000, 3000)),
      'fail',
      'price frozen',
    ],
    ['1.5 % above the reference', observe(3045, reference(3000)), 'fail', '1.50% above the reference'],
    ['1.5 % below the reference', observe(2955, reference(3000)), 'fail', '1.50% below the reference'],
  ] as const)('%s → %s', (_name, observation, expected, text) => {
    const judgement = judgeMarket(params, observation, NOW);
    expect(judgement.holds ? 'pass' : 'fail').toBe(expected);
    expect(judgement.concern).toBeUndefined();
    expect(judgement.message).toContain(text);
  });

  it('without a reference it holds on what it measured but says the price itself is not', () => {
    const bare = market.params.parse({ market: 'ETH-USD' });
    const judgement = judgeMarket(bare, observe(3000, undefined), NOW);
    expect(judgement.holds).toBe(true);
    expect(judgement.concern).toContain('the price itself is not compared with anything');
  });
});

describe('referenceProblem: a reference that cannot be trusted is an error, never a calm market', () => {
  it.each([
    ['fresh', reference(3000, 60), undefined],
    ['older than maxAge (70m)', reference(3000, 71 * 60), 'is 1h 11m old'],
    ['dated in the future', reference(3000, -300), 'dated 5m in the future'],
    ['not a price', reference(0, 60), 'answers 0, not a price'],
  ] as const)('%s', (_name, ref, problem) => {
    const found = referenceProblem(ref, 70 * 60_000, NOW);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('priceRecord: the history is validated on read', () => {
  const validate = (data: unknown) => parseRecord(priceRecord('ETH-USD', `1:${FEED.toLowerCase()}`), data);
  it.each([
    ['a good record', record(3000, 3001), undefined],
    ['another market', { ...record(3000, 3001), ticker: 'BTC-USD' }, 'for BTC-USD'],
    ['another reference', { ...record(3000, 3001), reference: '10:0xabc' }, 'against reference 10:0xabc'],
    ['a zero price', record(0, 3001), 'no positive price'],
    ['no reference price', { ...record(3000, 3001), referencePriceThen: 'x' }, 'no positive reference price'],
    ['a bad time', { ...record(3000, 3001), since: 'yesterday' }, 'no valid time'],
    ['foreign data', { hello: 1 }, 'not a price record'],
  ])('%s', (_name, data, problem) => {
    const result = validate(data);
    if (problem === undefined) expect(result).toEqual(data);
    else expect(result).toContain(problem);
  });
});
