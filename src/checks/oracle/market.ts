import { z } from 'zod';
import { duration, number } from '../../checklist/params.js';
import { formatDuration } from '../../checklist/units.js';
import type { Head, PerpMarket } from '../../venues/adapter.js';
import { defineCheck } from '../define.js';

export interface MarketObservation {
  market: PerpMarket;
  head: Head;
}

export const market = defineCheck({
  type: 'oracle.market',
  readsClock: true,
  summary: "A venue market's oracle price: tradable, plausible, and fresh as served (dYdX v4)",
  description:
    "Reads the market from the venue's own API (dYdX v4: the indexer's perpetualMarkets) and the chain head. " +
    'Fails when the market is not ACTIVE (paused, cancel-only, final settlement), when the oracle price is not ' +
    'positive or outside [`min`, `max`], or when the price is stale as served: the indexer serves prices as of its ' +
    "latest indexed block, so `maxAge` bounds that block's age and `maxIndexerLag` how far it trails the chain. " +
    'dYdX validators write oracle prices every block; an indexer behind the chain shows old ones. Not applicable ' +
    'to EVM stacks (use oracle.chainlink or oracle.pyth).',
  params: z.object({
    market: z
      .string({ error: 'expected a market ticker, e.g. BTC-USD' })
      .regex(/^[A-Z0-9]+-[A-Z0-9]+$/, { error: 'expected a market ticker like BTC-USD' })
      .meta({ kind: 'ticker', doc: 'Market ticker, e.g. BTC-USD.' }),
    maxAge: duration("Oldest acceptable age of the block the venue's price is as of.", '30s'),
    maxIndexerLag: number('Most blocks the indexer may trail the chain head.', 30),
    min: number('Lowest plausible price.').optional(),
    max: number('Highest plausible price.').optional(),
  }),
  example: { market: 'BTC-USD', maxAge: '30s', min: 1000, max: 1000000 },
  async read(ctx, params): Promise<MarketObservation> {
    const [market, head] = await Promise.all([ctx.venue.perpMarket(params.market), ctx.venue.latestHead()]);
    return { market, head };
  },
  evaluate(params, { market, head }: MarketObservation, now) {
    const ageMs = Math.max(0, now - market.asOf * 1000);
    const lag = Number(head.height - market.asOfHeight);
    const observed = `${market.status}, ${market.oraclePrice}, ${formatDuration(ageMs)} old, indexer ${lag} block(s) behind`;
    const threshold = [
      'ACTIVE',
      `age <= ${formatDuration(params.maxAge)}`,
      `lag <= ${params.maxIndexerLag} blocks`,
      ...(params.min !== undefined ? [`price >= ${params.min}`] : []),
      ...(params.max !== undefined ? [`price <= ${params.max}`] : []),
    ].join(', ');
    const problems: string[] = [];
    if (market.status !== 'ACTIVE') problems.push(`market is ${market.status}, not ACTIVE`);
    if (!(market.oraclePrice > 0)) problems.push(`oracle price ${market.oraclePrice} is not positive`);
    if (ageMs > params.maxAge) problems.push(`price is as of a block ${formatDuration(ageMs)} old`);
    if (lag > params.maxIndexerLag) problems.push(`the indexer is ${lag} blocks behind the chain`);
    if (params.min !== undefined && market.oraclePrice < params.min)
      problems.push(`price below ${params.min}`);
    if (params.max !== undefined && market.oraclePrice > params.max)
      problems.push(`price above ${params.max}`);
    return {
      holds: problems.length === 0,
      observed,
      threshold,
      message: `${market.ticker}: ${problems.length ? problems.join('; ') : `${market.oraclePrice} as of block ${market.asOfHeight}, ${formatDuration(ageMs)} old`}`,
      value: { value: ageMs / 1000, unit: 'seconds' },
      evidence: {
        ticker: market.ticker,
        status: market.status,
        oraclePrice: market.oraclePrice,
        asOf: market.asOf,
        asOfHeight: market.asOfHeight.toString(),
        chainHeight: head.height.toString(),
        nextFundingRate1h: market.nextFundingRate1h,
      },
    };
  },
});
