import { type Address, erc20Abi, formatUnits, parseAbi } from 'viem';
import { z } from 'zod';
import { address, duration, integer, type PriceSource, price, ratio, usd } from '../../checklist/params.js';
import { formatDuration, formatPercent, formatUsd } from '../../checklist/units.js';
import type { ChainReader } from '../../engine/reader.js';
import { readLatestRound } from '../../venues/chainlink.js';
import { type CheckContext, defineCheck, type Judgement } from '../define.js';

const assetSchema = z.union(
  [
    z.strictObject({ token: address('ERC-20 token held by the fund.'), price: price('Price per token.') }),
    z.strictObject({ native: z.literal(true), price: price('Price of the native currency.') }),
  ],
  { error: 'expected an asset: { token: <address>, price: … } or { native: true, price: … }' },
);

/** `openInterest()(uint256)`: a view without arguments returning one integer. */
const VIEW_CALL =
  /^([A-Za-z_][A-Za-z0-9_]*)\(\)\((u?int(?:8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)\)$/;

const ratioToSchema = z
  .strictObject({
    contract: address('Contract to call.'),
    function: z.string({ error: 'expected a function like "openInterest()(uint256)"' }).regex(VIEW_CALL, {
      error:
        'expected a view function without arguments returning one integer, like "openInterest()(uint256)"',
    }),
    decimals: integer('Decimals of the returned figure (6 for a USDC-denominated figure).', {
      min: 0,
      max: 36,
    }),
    label: z.string().optional(),
  })
  .meta({
    kind: 'view call',
    doc: 'A USD figure read on-chain, e.g. open interest: { contract, function: "openInterest()(uint256)", decimals, label }.',
  });

type ViewCall = z.output<typeof ratioToSchema>;

async function readFigure(reader: ChainReader, call: ViewCall): Promise<number> {
  const [, name, returns] = VIEW_CALL.exec(call.function) as RegExpExecArray;
  const abi = parseAbi([
    `function ${name}() view returns (${returns === 'uint' || returns === 'int' ? `${returns}256` : returns})`,
  ]);
  const raw = (await reader.readContract({
    address: call.contract,
    abi,
    functionName: name,
  } as never)) as bigint;
  return Number(formatUnits(raw, call.decimals));
}

interface FundHistory {
  version: 1;
  chainId: number;
  /** A restarted devnet or a reset testnet has the same chain id but another genesis. */
  genesis: string;
  holder: string;
  totalUsd: number;
  savedAt: string;
}

function validateHistory(chainId: number, genesis: string, holder: string) {
  return (data: unknown): FundHistory | string => {
    const h = data as Partial<FundHistory> | null;
    if (!h || typeof h !== 'object' || h.version !== 1) return 'not an l2preflight fund history';
    if (h.chainId !== chainId || h.genesis !== genesis || h.holder !== holder)
      return 'recorded for another chain (or a reset one) or another holder';
    if (typeof h.totalUsd !== 'number' || !Number.isFinite(h.totalUsd) || typeof h.savedAt !== 'string')
      return 'malformed value';
    return h as FundHistory;
  };
}

export interface FundObservation {
  assets: ValuedAsset[];
  /** The figure the fund is compared with (open interest), when `ratioTo` is declared. */
  figure?: { label: string; usd: number };
  /** The last run's valuation, when `maxDrawdown` is set and history exists. */
  previous?: { totalUsd: number; savedAt: string };
  historyProblem?: string;
}

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

const fundParams = z.object({
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
  minRatio: ratio(
    'Smallest acceptable fund / figure (e.g. 5% of open interest). Needs `ratioTo`.',
  ).optional(),
  ratioTo: ratioToSchema.optional(),
  maxDrawdown: ratio(
    "Largest acceptable fall of the fund's value since the last run (kept in the state dir).",
  ).optional(),
});

type FundParams = z.output<typeof fundParams>;

export const fund = defineCheck({
  type: 'insurance.fund',
  requires: { evm: true },
  summary:
    "USD value of the venue's insurance fund: a floor, a ratio to open interest, drawdown since the last run",
  description:
    "Values the fund's holdings — ERC-20 balances (decimals read on-chain) and the native balance of `holder` — at " +
    'a fixed price or a Chainlink-compatible feed, and compares the total with `min`. A feed price older than ' +
    '`maxPriceAge` (or not positive) makes the valuation untrustworthy, so the check fails rather than pass on a stale ' +
    'number. With `minRatio` and `ratioTo` it also compares the fund with a USD figure read on-chain through a ' +
    'declared view call (open interest: a fund of 1% of open interest absorbs far less than one of 10%). With ' +
    "`maxDrawdown` it compares the value with the last run's (kept in the state directory; only trusted " +
    'valuations are kept) and fails on a larger fall: a fund paying out bad debt is news before it is empty. The ' +
    'insurance fund is what absorbs bad debt before it is socialised to traders.',
  params: fundParams,
  example: {
    holder: '$insuranceFund',
    assets: [
      { token: '$usdc', price: '1 USD' },
      { native: true, price: '$ethUsdFeed' },
    ],
    min: '1_000_000 USD',
    minRatio: '5%',
    ratioTo: {
      contract: '$perpMarket',
      function: 'openInterest()(uint256)',
      decimals: 6,
      label: 'open interest',
    },
    maxDrawdown: '20%',
  },
  validate(params) {
    if ((params.minRatio === undefined) !== (params.ratioTo === undefined)) {
      return 'minRatio and ratioTo go together: the ratio needs a figure to compare with, the figure needs a ratio';
    }
    return undefined;
  },
  async read(ctx, params): Promise<FundObservation> {
    const now = ctx.now();
    const genesis = params.maxDrawdown !== undefined ? ((await ctx.l2.block(0n)).hash as string) : '';
    const [assets, figure, stored] = await Promise.all([
      valueAssets(ctx, params, now),
      params.ratioTo
        ? readFigure(ctx.l2, params.ratioTo).then((usd) => ({
            label: params.ratioTo?.label ?? params.ratioTo?.function.split('(')[0] ?? 'figure',
            usd,
          }))
        : undefined,
      params.maxDrawdown !== undefined
        ? ctx.history.read(validateHistory(ctx.l2.chainId, genesis, params.holder))
        : undefined,
    ]);
    const observation: FundObservation = { assets, figure };
    if (stored?.kind === 'ok')
      observation.previous = { totalUsd: stored.value.totalUsd, savedAt: stored.value.savedAt };
    if (stored?.kind === 'set-aside') {
      observation.historyProblem = `the last run's value was unusable (${stored.reason}) and was set aside to ${stored.setAsideTo}`;
    }
    // Only a trusted valuation becomes the next run's baseline.
    if (params.maxDrawdown !== undefined && untrustedAssets(assets, params.maxPriceAge).length === 0) {
      const record: FundHistory = {
        version: 1,
        chainId: ctx.l2.chainId,
        genesis,
        holder: params.holder,
        totalUsd: totalOf(assets),
        savedAt: new Date(now).toISOString(),
      };
      await ctx.history.write(record);
    }
    return observation;
  },
  evaluate(params, observation: FundObservation) {
    return judgeFund(params, observation);
  },
});

const totalOf = (assets: ValuedAsset[]) => assets.reduce((sum, a) => sum + a.valueUsd, 0);
const untrustedAssets = (assets: ValuedAsset[], maxPriceAge: number) =>
  assets.filter((a) => a.feed && (a.priceUsd <= 0 || (a.priceAgeMs ?? 0) > maxPriceAge));

async function valueAssets(ctx: CheckContext, params: FundParams, now: number): Promise<ValuedAsset[]> {
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
}

function judgeFund(
  params: FundParams,
  { assets, figure, previous, historyProblem }: FundObservation,
): Judgement {
  const total = totalOf(assets);
  const thresholds = [`>= ${formatUsd(params.min)}`];
  if (figure && params.minRatio !== undefined)
    thresholds.push(`>= ${formatPercent(params.minRatio)} of ${figure.label}`);
  if (params.maxDrawdown !== undefined) thresholds.push(`drawdown <= ${formatPercent(params.maxDrawdown)}`);
  const threshold = thresholds.join(', ');
  const evidence: Record<string, unknown> = { holder: params.holder, assets, totalUsd: total };
  const untrusted = untrustedAssets(assets, params.maxPriceAge);
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
  const problems: string[] = [];
  const observed = [formatUsd(total)];
  if (total < params.min) problems.push(`below ${formatUsd(params.min)}`);
  if (figure && params.minRatio !== undefined) {
    const share = figure.usd > 0 ? total / figure.usd : Number.POSITIVE_INFINITY;
    evidence.ratio = {
      figure: figure.label,
      figureUsd: figure.usd,
      ratio: Number.isFinite(share) ? share : null,
    };
    observed.push(
      Number.isFinite(share) ? `${formatPercent(share)} of ${figure.label}` : `${figure.label} is 0`,
    );
    if (share < params.minRatio) {
      problems.push(
        `${formatPercent(share)} of ${figure.label} (${formatUsd(figure.usd)}), under ${formatPercent(params.minRatio)}`,
      );
    }
  }
  let concern: string | undefined;
  if (params.maxDrawdown !== undefined) {
    if (previous && previous.totalUsd > 0) {
      const drawdown = (previous.totalUsd - total) / previous.totalUsd;
      evidence.drawdown = { previousUsd: previous.totalUsd, since: previous.savedAt, drawdown };
      observed.push(`${drawdown > 0 ? '−' : '+'}${formatPercent(Math.abs(drawdown))} since the last run`);
      if (drawdown > params.maxDrawdown) {
        problems.push(
          `down ${formatPercent(drawdown)} from ${formatUsd(previous.totalUsd)} at ${previous.savedAt}, more than ${formatPercent(params.maxDrawdown)}`,
        );
      }
    } else if (historyProblem) {
      concern = `${historyProblem}; drawdown not checked this run`;
    }
  }
  const breakdown = assets.map((a) => `${a.balance} = ${formatUsd(a.valueUsd)}`).join(' + ');
  return {
    holds: problems.length === 0,
    concern,
    value: { value: total, unit: 'usd' },
    observed: observed.join(', '),
    threshold,
    message:
      problems.length === 0
        ? `fund holds ${formatUsd(total)}: ${breakdown}`
        : `fund holds ${formatUsd(total)}, ${problems.join('; ')}: ${breakdown}`,
    evidence,
  };
}
