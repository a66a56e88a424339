import type { Address } from 'viem';
import * as z from 'zod';
import { formatDuration, formatPercent } from '../../core/units.js';
import { readLatestRound } from '../../protocols/chainlink.js';
import type { Head, PerpMarket } from '../../venues/adapter.js';
import { defineCheck, MeasurementError } from '../define.js';
import { address, duration, number, ratio, rpcUrl } from '../params.js';

/** The independent price the market's oracle price is held against: a Chainlink-compatible feed on its own EVM chain. */
export interface ReferencePrice {
  label: string;
  feed: Address;
  chainId: number;
  price: number;
  /** Seconds since the epoch, as the feed reports it. */
  updatedAt: number;
}

/**
 * What the check remembers between runs: the market price it last saw and, from the first run that
 * saw it, the reference's price then. A price that stays put is judged against everything the
 * reference did since — under `--watch` no single step between runs is large, the sum is.
 */
export function priceRecord(ticker: string, reference: string) {
  const positive = (error: string) => z.number({ error }).positive({ error });
  return z.object({
    version: z.literal(1, { error: 'not a price record of this version' }),
    ticker: z.literal(ticker, {
      error: (issue) => `the record is for ${String(issue.input)}, not ${ticker}`,
    }),
    /** `chainId:feed` — a record made against another reference says nothing about this one. */
    reference: z.literal(reference, {
      error: (issue) => `the record was made against reference ${String(issue.input)}`,
    }),
    price: positive('the record has no positive price'),
    /** When this price was first seen (ISO time). */
    since: z
      .string({ error: 'the record has no valid time' })
      .refine((text) => !Number.isNaN(Date.parse(text)), {
        error: 'the record has no valid time',
      }),
    referencePriceThen: positive('the record has no positive reference price'),
  });
}

export type PriceRecord = z.output<ReturnType<typeof priceRecord>>;

export interface MarketObservation {
  market: PerpMarket;
  head: Head;
  reference?: ReferencePrice;
  /** The smallest relative move the venue writes (from the chain, or the `minPriceChange` param). */
  minChange?: { ratio: number; source: string };
  /** The record from earlier runs, when there is one for this market and reference. */
  previous?: PriceRecord;
  historyProblem?: string;
}

/** Every sentence the check says, in one place. */
const MESSAGES = {
  notActive: (status: string) => `market is ${status}, not ACTIVE`,
  notPositive: (price: number) => `oracle price ${price} is not positive`,
  oldBlock: (ageMs: number) => `price is as of a block ${formatDuration(ageMs)} old`,
  indexerBehind: (lag: number) => `the indexer is ${lag} blocks behind the chain`,
  belowMin: (min: number) => `price below ${min}`,
  aboveMax: (max: number) => `price above ${max}`,
  offReference: (price: number, deviation: number, reference: ReferencePrice, max: number) =>
    `price ${price} is ${formatPercent(Math.abs(deviation))} ${deviation > 0 ? 'above' : 'below'} the reference ${reference.label} ${reference.price} (max ${formatPercent(max)})`,
  unchanged: (price: number, since: string, forMs: number) =>
    `unchanged at ${price} since ${since} (${formatDuration(forMs)})`,
  referenceMoved: (move: number, then: number, now: number) =>
    `the reference moved ${formatPercent(Math.abs(move))} (${then} → ${now})`,
  band: (minChange: number, referenceDeviation: number, frozenAfter: number) =>
    `2 × (min change ${formatPercent(minChange)} + reference deviation threshold ${formatPercent(referenceDeviation)}) = ${formatPercent(frozenAfter)}`,
  frozen: (unchanged: string, moved: string, band: string) =>
    `price frozen: ${unchanged} while ${moved}, more than ${band}`,
  calm: (unchanged: string, moved: string, band: string) =>
    `${unchanged}; ${moved}, within ${band}: a calm market`,
  priceMoved: 'the price moved since the last run',
  firstRun: 'first run against this reference: a frozen price shows from the next run',
  noReference:
    'the price itself is not compared with anything: add `reference` to tell a frozen price from a calm market',
  referenceNotPrice: (reference: ReferencePrice) =>
    `the reference ${reference.label} answers ${reference.price}, not a price`,
  referenceFuture: (reference: ReferencePrice, aheadMs: number) =>
    `the reference ${reference.label} is dated ${formatDuration(aheadMs)} in the future`,
  referenceStale: (reference: ReferencePrice, ageMs: number, maxAgeMs: number) =>
    `the reference ${reference.label} is ${formatDuration(ageMs)} old (maxAge ${formatDuration(maxAgeMs)}): a stale reference cannot tell a frozen price from a calm market`,
};

const referenceKey = (reference: { chainId: number; feed: string }) =>
  `${reference.chainId}:${reference.feed.toLowerCase()}`;

/** Why a reference reading cannot be used (stale, from the future, not positive), or undefined. */
export function referenceProblem(
  reference: ReferencePrice,
  maxAgeMs: number,
  now: number,
): string | undefined {
  const ageMs = now - reference.updatedAt * 1000;
  if (!(reference.price > 0)) return MESSAGES.referenceNotPrice(reference);
  // A minute of slack for clocks; an updatedAt further ahead is not a reading to trust.
  if (ageMs < -60_000) return MESSAGES.referenceFuture(reference, -ageMs);
  if (ageMs > maxAgeMs) return MESSAGES.referenceStale(reference, ageMs, maxAgeMs);
  return undefined;
}

/**
 * How far the reference must move before an unchanged market price proves it frozen. An honest price
 * sits within ± min change of the true price, so it may stay put while the true price crosses a band
 * 2 × min change wide; each reference reading may trail the true price by its own deviation threshold.
 */
export const frozenThreshold = (minChange: number, referenceDeviation: number) =>
  2 * (minChange + referenceDeviation);

const referenceSchema = z
  .strictObject(
    {
      feed: address('Chainlink-compatible feed (AggregatorV3Interface) on the reference chain.'),
      chainId: z
        .number({ error: 'expected the reference chain id as a number, e.g. 1' })
        .int()
        .positive()
        .meta({ kind: 'integer', doc: 'Chain id the reference RPC must serve (checked before reading).' }),
      rpc: z
        .union([rpcUrl, z.array(rpcUrl).min(1, { error: 'expected at least one RPC URL' })], {
          error: 'expected an RPC URL or a list of them',
        })
        .transform((value) => (Array.isArray(value) ? value : [value]))
        .meta({
          kind: 'URL or list of URLs',
          doc: 'RPC endpoint(s) of the reference chain, e.g. "${ETH_RPC_URL}".',
        }),
      maxAge: duration(
        'Oldest acceptable reference round (Ethereum ETH/USD, BTC/USD: updated at least hourly).',
        '70m',
      ),
      deviationThreshold: ratio(
        "The feed's own deviation threshold: it writes a round only past it, so a reading may trail the true price that much.",
        '0.5%',
      ),
    },
    { error: 'expected a reference: { feed: 0x…, chainId: 1, rpc: "${ETH_RPC_URL}" }' },
  )
  .meta({
    kind: 'reference feed',
    doc: "An independent price, a Chainlink-compatible feed on its own EVM chain: { feed, chainId, rpc, maxAge (70m), deviationThreshold (the feed's own, 0.5% for ETH/USD and BTC/USD on Ethereum) }.",
  });

const marketParams = () =>
  z.object({
    market: z
      .string({ error: 'expected a market ticker, e.g. BTC-USD' })
      .regex(/^[A-Z0-9]+-[A-Z0-9]+$/, { error: 'expected a market ticker like BTC-USD' })
      .meta({ kind: 'ticker', doc: 'Market ticker, e.g. BTC-USD.' }),
    maxAge: duration("Oldest acceptable age of the block the venue's price is as of.", '30s'),
    maxIndexerLag: number('Most blocks the indexer may trail the chain head.', 30, { min: 0 }),
    min: number('Lowest plausible price.').optional(),
    max: number('Highest plausible price.').optional(),
    reference: referenceSchema.optional(),
    maxDeviation: ratio('Largest acceptable difference between the market price and the reference.', '1%'),
    minPriceChange: ratio(
      "The market's minimum price change; omit to read min_price_change_ppm from the chain.",
    ).optional(),
  });

export const market = defineCheck({
  type: 'oracle.market',
  concern: 'oracles',
  requires: { stacks: ['dydx-v4'] },
  readsClock: true,
  summary:
    "A venue market's oracle price: tradable, fresh as served, and moving with an independent reference (dYdX v4)",
  description:
    "Reads the market from the venue's own API (dYdX v4: the indexer's perpetualMarkets) and the chain head. " +
    'Fails when the market is not ACTIVE (paused, cancel-only, final settlement), when the oracle price is not ' +
    'positive or outside [`min`, `max`], or when the indexer serves it from an old block (`maxAge`, `maxIndexerLag`). ' +
    "The indexer's height says nothing about the price itself: dYdX writes a price only when it moves by at least " +
    "the market's `min_price_change_ppm`, so an unchanged price is normal in a calm market and a frozen one looks " +
    'the same. With `reference` — a Chainlink-compatible feed on another EVM chain, read through its own RPC — the ' +
    'check also fails when the price is more than `maxDeviation` from the reference, and when the price has not ' +
    "changed since an earlier run while the reference moved by more than 2 × (min change + the reference's " +
    'deviationThreshold): an honest price may sit still while the true price crosses a band 2 × min change wide, ' +
    "and each reference reading may trail the true price by its own threshold. The min change is read from the chain's " +
    'x/prices MarketParam (Cosmos REST) unless `minPriceChange` is given. An unreadable or stale reference is ' +
    '`error`; without `reference` the check warns that the price itself is not measured. Not applicable to EVM ' +
    'stacks (use oracle.chainlink or oracle.pyth).',
  params: marketParams,
  example: {
    market: 'ETH-USD',
    maxAge: '30s',
    min: 100,
    max: 100000,
    reference: {
      feed: '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419',
      chainId: 1,
      rpc: '${ETH_RPC_URL}',
    },
    maxDeviation: '1%',
  },
  async read(ctx, params): Promise<MarketObservation> {
    const ref = params.reference;
    const marketRead = ctx.venue.perpMarket(params.market);
    const rest = Promise.all([
      ctx.venue.latestHead(),
      ref
        ? readReference(ctx.referenceChain({ chainId: ref.chainId, rpc: ref.rpc }), ref.feed, ref.chainId)
        : undefined,
      ref
        ? params.minPriceChange !== undefined
          ? { ratio: params.minPriceChange, source: 'minPriceChange in the checklist' }
          : ctx.venue.minPriceChange(params.market).then(({ ppm, source }) => ({ ratio: ppm / 1e6, source }))
        : undefined,
    ]);
    // The market decides first: on a venue without markets the check is `skip`, whatever the reference says.
    rest.catch(() => {});
    const market = await marketRead;
    const [head, reference, minChange] = await rest;
    const observation: MarketObservation = { market, head, reference, minChange };
    if (!ref || !reference) return observation;
    const problem = referenceProblem(reference, ref.maxAge, ctx.now());
    if (problem) throw new MeasurementError(problem, { reference });

    const key = referenceKey(ref);
    const history = ctx.history(priceRecord(params.market, key), { name: "the last run's record" });
    const stored = await history.read();
    observation.previous = stored.value;
    observation.historyProblem = stored.problem;
    // The record keeps the first run that saw this price; a new price starts a new record.
    if (market.oraclePrice > 0 && observation.previous?.price !== market.oraclePrice) {
      const record: PriceRecord = {
        version: 1,
        ticker: params.market,
        reference: key,
        price: market.oraclePrice,
        since: new Date(ctx.now()).toISOString(),
        referencePriceThen: reference.price,
      };
      // Under the lock, against the record as it is now: of two runs that both saw this price first,
      // the earlier record stays (undefined leaves the file as it is).
      await history.update((current) => (current?.price === record.price ? undefined : record));
    }
    return observation;
  },
  evaluate(params, observation: MarketObservation, now) {
    return judgeMarket(params, observation, now);
  },
});

async function readReference(
  reader: Parameters<typeof readLatestRound>[0],
  feed: Address,
  chainId: number,
): Promise<ReferencePrice> {
  const round = await readLatestRound(reader, feed);
  return {
    label: `${round.description || feed} (chain ${chainId})`,
    feed,
    chainId,
    price: round.price,
    updatedAt: round.updatedAt,
  };
}

type MarketParams = z.output<ReturnType<typeof marketParams>>;

export function judgeMarket(params: MarketParams, observation: MarketObservation, now: number) {
  const { market, head, reference, minChange, previous } = observation;
  const ageMs = Math.max(0, now - market.asOf * 1000);
  const lag = Number(head.height - market.asOfHeight);
  const problems: string[] = [];
  const notes: string[] = [];
  if (market.status !== 'ACTIVE') problems.push(MESSAGES.notActive(market.status));
  if (!(market.oraclePrice > 0)) problems.push(MESSAGES.notPositive(market.oraclePrice));
  if (ageMs > params.maxAge) problems.push(MESSAGES.oldBlock(ageMs));
  if (lag > params.maxIndexerLag) problems.push(MESSAGES.indexerBehind(lag));
  if (params.min !== undefined && market.oraclePrice < params.min)
    problems.push(MESSAGES.belowMin(params.min));
  if (params.max !== undefined && market.oraclePrice > params.max)
    problems.push(MESSAGES.aboveMax(params.max));

  const threshold = [
    'ACTIVE',
    `age <= ${formatDuration(params.maxAge)}`,
    `lag <= ${params.maxIndexerLag} blocks`,
    ...(params.min !== undefined ? [`price >= ${params.min}`] : []),
    ...(params.max !== undefined ? [`price <= ${params.max}`] : []),
  ];
  const observed = [
    `${market.status}, ${market.oraclePrice}, ${formatDuration(ageMs)} old, indexer ${lag} block(s) behind`,
  ];
  let deviation: number | undefined;
  let referenceMove: number | undefined;
  let frozenAfter: number | undefined;

  if (reference && params.reference && market.oraclePrice > 0) {
    deviation = market.oraclePrice / reference.price - 1;
    observed.push(`${formatPercent(Math.abs(deviation))} from the reference`);
    threshold.push(`within ${formatPercent(params.maxDeviation)} of the reference`);
    if (Math.abs(deviation) > params.maxDeviation) {
      problems.push(MESSAGES.offReference(market.oraclePrice, deviation, reference, params.maxDeviation));
    }
    if (minChange) {
      frozenAfter = frozenThreshold(minChange.ratio, params.reference.deviationThreshold);
      threshold.push(`unchanged only while the reference moves <= ${formatPercent(frozenAfter)}`);
      if (previous && previous.price === market.oraclePrice) {
        referenceMove = reference.price / previous.referencePriceThen - 1;
        const unchanged = MESSAGES.unchanged(
          market.oraclePrice,
          previous.since,
          Math.max(0, now - Date.parse(previous.since)),
        );
        const move = MESSAGES.referenceMoved(referenceMove, previous.referencePriceThen, reference.price);
        const band = MESSAGES.band(minChange.ratio, params.reference.deviationThreshold, frozenAfter);
        observed.push(
          `reference moved ${formatPercent(Math.abs(referenceMove))} while the price stood still`,
        );
        if (Math.abs(referenceMove) > frozenAfter) problems.push(MESSAGES.frozen(unchanged, move, band));
        else notes.push(MESSAGES.calm(unchanged, move, band));
      } else {
        notes.push(previous ? MESSAGES.priceMoved : MESSAGES.firstRun);
      }
    }
  }

  const concerns = [
    ...(params.reference ? [] : [MESSAGES.noReference]),
    ...(observation.historyProblem ? [observation.historyProblem] : []),
  ];
  const summary = `${market.oraclePrice} as of block ${market.asOfHeight}, ${formatDuration(ageMs)} old${reference && deviation !== undefined ? `, ${formatPercent(Math.abs(deviation))} from ${reference.label} ${reference.price}` : ''}`;
  return {
    holds: problems.length === 0,
    concern: concerns.length ? concerns.join('; ') : undefined,
    observed: observed.join(', '),
    threshold: threshold.join(', '),
    message: `${market.ticker}: ${problems.length ? problems.join('; ') : [summary, ...notes].join('; ')}`,
    // The age is the headline; status, indexer lag, price bounds and the reference are judged too, so a
    // fail may lie within this limit.
    value: {
      value: ageMs / 1000,
      unit: 'seconds' as const,
      limit: { value: params.maxAge / 1000, kind: 'max' as const },
    },
    evidence: {
      ticker: market.ticker,
      status: market.status,
      oraclePrice: market.oraclePrice,
      asOf: market.asOf,
      asOfHeight: market.asOfHeight.toString(),
      chainHeight: head.height.toString(),
      nextFundingRate1h: market.nextFundingRate1h,
      ...(reference
        ? {
            reference: { ...reference },
            deviation,
            ...(minChange
              ? { minPriceChange: minChange.ratio, minPriceChangeSource: minChange.source, frozenAfter }
              : {}),
            ...(previous
              ? {
                  unchangedSince: previous.price === market.oraclePrice ? previous.since : undefined,
                  referenceMove,
                }
              : {}),
          }
        : {}),
    },
  };
}
