import * as z from 'zod';
import { formatDuration, formatPercent } from '../../core/units.js';
import { median } from '../../math/stats.js';
import { readLatestRound } from '../../protocols/chainlink.js';
import { readPythPrice } from '../../protocols/pyth.js';
import { defineCheck, MeasurementError } from '../define.js';
import { address, bytes32, duration, price, ratio } from '../params.js';

const sourceSchema = z.union(
  [
    price('A Chainlink-compatible feed (address or $name) or a fixed price such as "3000 USD".'),
    z.strictObject({ pyth: address('Pyth contract.'), priceId: bytes32('Pyth price id.') }),
  ],
  {
    error:
      'expected a source: a feed address / $name, a fixed "3000 USD", or { pyth: <address>, priceId: 0x… }',
  },
);

export interface SourcePrice {
  label: string;
  price: number;
  /** Seconds since the epoch; absent for a fixed price. */
  updatedAt?: number;
}

/** Relative spread of the prices, (max − min) / min, and the source farthest from the others' median. */
export function spreadOf(prices: readonly SourcePrice[]) {
  const values = prices.map((p) => p.price);
  const low = Math.min(...values);
  const high = Math.max(...values);
  let outlier: { source: SourcePrice; distance: number } | undefined;
  if (prices.length >= 3) {
    for (const [index, source] of prices.entries()) {
      const others = median(values.filter((_, i) => i !== index));
      const distance = Math.abs(source.price / others - 1);
      if (!outlier || distance > outlier.distance) outlier = { source, distance };
    }
  }
  return { spread: high / low - 1, low, high, outlier };
}

export const deviation = defineCheck({
  type: 'oracle.deviation',
  concern: 'oracles',
  requires: { evm: true },
  readsClock: true,
  summary: 'Largest relative difference between two or more price sources, naming the outlier',
  description:
    'Reads every source — Chainlink-compatible feeds, Pyth price ids, fixed prices — and compares the highest ' +
    'with the lowest: spread = (max − min) / min, against `max`. With three or more sources it names the outlier, ' +
    'the source farthest from the median of the others (with two, it can only say they disagree). A source older ' +
    'than `maxAge` fails the check: a frozen price agreeing or disagreeing says nothing. Oracles that disagree are ' +
    'how venues get drained: liquidations and marks follow whichever is wrong.',
  params: () =>
    z.object({
      sources: z
        .array(sourceSchema, { error: 'expected a list of price sources' })
        .min(2, { error: 'expected at least two sources to compare' })
        .meta({
          kind: 'list of price sources',
          doc: 'Feeds ($name or address), fixed prices ("3000 USD") or { pyth: <address>, priceId: 0x… }.',
        }),
      max: ratio('Largest acceptable spread between the highest and lowest price.', '1%', { below100: true }),
      maxAge: duration('Oldest acceptable price from any source.', '25h'),
    }),
  example: {
    sources: [
      '$ethUsdFeed',
      { pyth: '$pyth', priceId: '0xff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace' },
    ],
    max: '0.5%',
  },
  read(ctx, params): Promise<SourcePrice[]> {
    return Promise.all(
      params.sources.map(async (source): Promise<SourcePrice> => {
        if ('pyth' in source) {
          const p = await readPythPrice(ctx.l2, source.pyth, source.priceId);
          return { label: `Pyth ${source.priceId.slice(0, 10)}…`, price: p.price, updatedAt: p.publishTime };
        }
        if (source.kind === 'fixed') return { label: 'fixed', price: source.usd };
        const round = await readLatestRound(ctx.l2, source.feed);
        return { label: round.description || source.feed, price: round.price, updatedAt: round.updatedAt };
      }),
    );
  },
  evaluate(params, prices: SourcePrice[], now) {
    const invalid = prices.filter((p) => !(p.price > 0));
    if (invalid.length > 0) {
      throw new MeasurementError(`no positive price from ${invalid.map((p) => p.label).join(', ')}`);
    }
    const listing = prices.map((p) => `${p.label} ${p.price}`).join(', ');
    const threshold = `spread <= ${formatPercent(params.max)}`;
    const evidence = { sources: prices };
    const stale = prices.filter((p) => p.updatedAt !== undefined && now - p.updatedAt * 1000 > params.maxAge);
    if (stale.length > 0) {
      return {
        holds: false,
        observed: `${stale.length} stale source(s)`,
        threshold,
        message: `cannot compare: ${stale.map((p) => `${p.label} is ${formatDuration(now - (p.updatedAt ?? 0) * 1000)} old`).join(', ')} (maxAge ${formatDuration(params.maxAge)})`,
        evidence,
      };
    }
    const { spread, outlier } = spreadOf(prices);
    const holds = spread <= params.max;
    const blame = outlier
      ? `; outlier ${outlier.source.label} is ${formatPercent(outlier.distance)} from the others' median`
      : prices.length === 2 && !holds
        ? '; with two sources the outlier cannot be told: add a third'
        : '';
    return {
      holds,
      observed: `spread ${formatPercent(spread)}`,
      threshold,
      message: `${holds ? 'sources agree' : 'sources disagree'} within ${formatPercent(spread)}: ${listing}${holds ? '' : blame}`,
      value: { value: spread, unit: 'ratio', limit: { value: params.max, kind: 'max' } },
      evidence: { ...evidence, spread, outlier: outlier?.source.label },
    };
  },
});
