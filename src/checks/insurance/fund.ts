import { type Address, erc20Abi, formatUnits } from 'viem';
import { z } from 'zod';
import { address, duration, type PriceSource, price, usd } from '../../checklist/params.js';
import { formatDuration, formatUsd } from '../../checklist/units.js';
import type { ChainReader } from '../../engine/reader.js';
import { readLatestRound } from '../../venues/chainlink.js';
import { defineCheck } from '../define.js';

const assetSchema = z.union(
  [
    z.strictObject({ token: address('ERC-20 token held by the fund.'), price: price('Price per token.') }),
    z.strictObject({ native: z.literal(true), price: price('Price of the native currency.') }),
  ],
  { error: 'expected an asset: { token: <address>, price: … } or { native: true, price: … }' },
);

interface ValuedAsset {
  asset: string;
  balance: string;
  priceUsd: number;
  valueUsd: number;
  /** Set when the price came from a feed. */
  feed?: Address;
  priceAgeMs?: number;
}

async function priceOf(reader: ChainReader, source: PriceSource, now: number) {
  if (source.kind === 'fixed') return { priceUsd: source.usd };
  const round = await readLatestRound(reader, source.feed);
  return {
    priceUsd: round.answer > 0n ? round.price : 0,
    feed: source.feed,
    priceAgeMs: now - round.updatedAt * 1000,
  };
}

export const fund = defineCheck({
  type: 'insurance.fund',
  summary: "USD value of the venue's insurance fund against a floor",
  description:
    "Values the fund's holdings — ERC-20 balances (decimals read on-chain) and the native balance of `holder` — at " +
    'a fixed price or a Chainlink-compatible feed, and compares the total with `min`. A feed price older than ' +
    '`maxPriceAge` (or not positive) makes the valuation untrustworthy, so the check fails rather than pass on a stale ' +
    'number. The insurance fund is what absorbs bad debt before it is socialised to traders.',
  params: z.object({
    holder: address('Address (or $name) that holds the fund.'),
    assets: z
      .array(assetSchema, { error: 'expected a list of assets' })
      .min(1, { error: 'expected at least one asset' })
      .meta({
        kind: 'list of assets',
        doc: 'What the fund holds: { token: <address>, price } or { native: true, price }; a price is "1 USD" or a feed.',
      }),
    min: usd('Smallest acceptable total value.'),
    maxPriceAge: duration('Oldest acceptable price from a feed.', '25h'),
  }),
  example: {
    holder: '$insuranceFund',
    assets: [
      { token: '$usdc', price: '1 USD' },
      { native: true, price: '$ethUsdFeed' },
    ],
    min: '1_000_000 USD',
  },
  async read(ctx, params) {
    const now = ctx.now();
    return Promise.all(
      params.assets.map(async (asset): Promise<ValuedAsset> => {
        if ('token' in asset) {
          const [raw, decimals, symbol, quote] = await Promise.all([
            ctx.l2.readContract({
              address: asset.token,
              abi: erc20Abi,
              functionName: 'balanceOf',
              args: [params.holder],
            }),
            ctx.l2.readContract({ address: asset.token, abi: erc20Abi, functionName: 'decimals' }),
            ctx.l2.readContract({ address: asset.token, abi: erc20Abi, functionName: 'symbol' }),
            priceOf(ctx.l2, asset.price, now),
          ]);
          const balance = Number(formatUnits(raw, decimals));
          return {
            asset: symbol,
            balance: `${formatUnits(raw, decimals)} ${symbol}`,
            ...quote,
            valueUsd: balance * quote.priceUsd,
          };
        }
        const [raw, quote] = await Promise.all([
          ctx.l2.balance(params.holder),
          priceOf(ctx.l2, asset.price, now),
        ]);
        const balance = Number(formatUnits(raw, 18));
        return {
          asset: 'native',
          balance: `${formatUnits(raw, 18)} native`,
          ...quote,
          valueUsd: balance * quote.priceUsd,
        };
      }),
    );
  },
  evaluate(params, assets: ValuedAsset[]) {
    const total = assets.reduce((sum, a) => sum + a.valueUsd, 0);
    const threshold = `>= ${formatUsd(params.min)}`;
    const evidence = { holder: params.holder, assets, totalUsd: total };
    const untrusted = assets.filter(
      (a) => a.feed && (a.priceUsd <= 0 || (a.priceAgeMs ?? 0) > params.maxPriceAge),
    );
    if (untrusted.length > 0) {
      const list = untrusted.map(
        (a) =>
          `${a.asset} (feed ${a.feed}, ${a.priceUsd <= 0 ? 'no positive price' : `${formatDuration(a.priceAgeMs ?? 0)} old`})`,
      );
      return {
        holds: false,
        observed: `${formatUsd(total)} (untrusted)`,
        threshold,
        message: `cannot trust the valuation: stale or invalid price for ${list.join(', ')}`,
        evidence,
      };
    }
    const breakdown = assets.map((a) => `${a.balance} = ${formatUsd(a.valueUsd)}`).join(' + ');
    return {
      holds: total >= params.min,
      value: { value: total, unit: 'usd' },
      observed: formatUsd(total),
      threshold,
      message:
        total >= params.min
          ? `fund holds ${formatUsd(total)}: ${breakdown}`
          : `fund holds only ${formatUsd(total)}, below ${formatUsd(params.min)}: ${breakdown}`,
      evidence,
    };
  },
});
