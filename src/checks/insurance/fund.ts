import { type Abi, type Address, erc20Abi, formatUnits, parseAbi } from 'viem';
import * as z from 'zod';
import { formatDuration, formatPercent, formatUsd } from '../../core/units.js';
import { MAX_FUTURE_MS, readLatestRound } from '../../protocols/chainlink.js';
import type { ChainReader } from '../../rpc/reader.js';
import { type CheckContext, defineCheck, type Judgement, MeasurementError } from '../define.js';
import { address, duration, integer, type PriceSource, price, ratio, usd } from '../params.js';

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
  const [, name, returns] = VIEW_CALL.exec(call.function) ?? [];
  // The schema allows only such calls; a name is always there.
  if (!name)
    throw new MeasurementError(`"${call.function}" is not a view call like "openInterest()(uint256)"`);
  // The checklist names the function, so its ABI is known only at run time: typed as any ABI.
  const abi: Abi = parseAbi([
    `function ${name}() view returns (${returns === 'uint' || returns === 'int' ? `${returns}256` : returns})`,
  ]);
  const raw = await reader.readContract({ address: call.contract, abi, functionName: name });
  // viem decodes (u)int8 … (u)int48 as a number, wider integers as a bigint.
  if (typeof raw !== 'bigint' && typeof raw !== 'number')
    throw new MeasurementError(`${call.contract}.${call.function} returned no integer`);
  return Number(formatUnits(BigInt(raw), call.decimals));
}

/** Under `--watch` every 30 s a day holds 2,880 samples; the cap only bounds a runaway file. */
const MAX_SAMPLES = 10_000;

const totalUsd = z
  .number({ error: (issue) => `a totalUsd is not a number (${JSON.stringify(issue.input)})` })
  .min(0, {
    error: (issue) => `a totalUsd is negative (${JSON.stringify(issue.input)})`,
  });
const savedAt = z.string().refine((text) => !Number.isNaN(Date.parse(text)), {
  error: (issue) => `a sample's savedAt is not a time (${JSON.stringify(issue.input)})`,
});
/** One trusted valuation of the fund. */
const fundSample = z.object({ totalUsd, savedAt }, { error: 'a sample is not an object' });
type FundSample = z.output<typeof fundSample>;

/**
 * The trusted valuations within the drawdown window, oldest first, for the holder (the chain id and
 * genesis are kept beside them). Version 1 (one value: the last run) reads as one sample.
 */
export function fundRecord(holder: string) {
  const forHolder = z.literal(holder, { error: 'recorded for another holder' });
  const current = z.object({ version: z.literal(2), holder: forHolder, samples: z.array(fundSample) });
  const lastRunOnly = z
    .object({ version: z.literal(1), holder: forHolder, totalUsd, savedAt })
    .transform(({ holder, totalUsd, savedAt }) => ({
      version: 2 as const,
      holder,
      samples: [{ totalUsd, savedAt }],
    }));
  return z.discriminatedUnion('version', [current, lastRunOnly], {
    error: 'not an l2preflight fund history',
  });
}

/** The highest trusted valuation saved within `windowMs` before `now` (future-dated ones are ignored). */
export function highWaterMark(samples: readonly FundSample[], now: number, windowMs: number) {
  let mark: FundSample | undefined;
  for (const sample of samples) {
    const at = Date.parse(sample.savedAt);
    if (at < now - windowMs || at > now) continue;
    if (!mark || sample.totalUsd > mark.totalUsd) mark = sample;
  }
  return mark;
}

export interface FundObservation {
  assets: ValuedAsset[];
  /** The figure the fund is compared with (open interest), when `ratioTo` is declared. */
  figure?: { label: string; usd: number };
  /** The highest trusted valuation within `drawdownWindow`, when `maxDrawdown` is set and history exists. */
  previous?: { totalUsd: number; savedAt: string; samples: number };
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

const fundParams = () =>
  z.object({
    holder: address('Address (or $name) that holds the fund.'),
    assets: z
      .array(assetSchema, { error: 'expected a list of assets' })
      .min(1, { error: 'expected at least one asset' })
      .meta({
        kind: 'list of assets',
        doc: 'What the fund holds: { token: <address>, price } or { native: true, price }; a price is "1 USD" or a feed.',
      }),
    min: usd('Smallest acceptable total value.', undefined, { above0: true }),
    maxPriceAge: duration('Oldest acceptable price from a feed.', '25h'),
    minRatio: ratio(
      'Smallest acceptable fund / figure (e.g. 5% of open interest). Needs `ratioTo`.',
      undefined,
      { above0: true },
    ).optional(),
    ratioTo: ratioToSchema.optional(),
    maxDrawdown: ratio(
      "Largest acceptable fall of the fund's value from its highest value over `drawdownWindow` (runs kept in the state dir).",
      undefined,
      { below100: true },
    ).optional(),
    drawdownWindow: duration(
      'How far back the high-water mark for `maxDrawdown` reaches: a fund bleeding a little each run trips it.',
      '24h',
    ),
  });

type FundParams = z.output<ReturnType<typeof fundParams>>;

export const fund = defineCheck({
  type: 'insurance.fund',
  concern: 'insurance',
  requires: { evm: true },
  // Feed prices have ages; the drawdown window is measured back from now.
  readsClock: (params) =>
    params.assets.some((asset) => asset.price.kind === 'feed') || params.maxDrawdown !== undefined,
  summary:
    "USD value of the venue's insurance fund: a floor, a ratio to open interest, drawdown since the last run",
  description:
    "Values the fund's holdings — ERC-20 balances (decimals read on-chain) and the native balance of `holder` — at " +
    'a fixed price or a Chainlink-compatible feed, and compares the total with `min`. A feed price older than ' +
    '`maxPriceAge` (or not positive) makes the valuation untrustworthy, so the check fails rather than pass on a stale ' +
    'number. With `minRatio` and `ratioTo` it also compares the fund with a USD figure read on-chain through a ' +
    'declared view call (open interest: a fund of 1% of open interest absorbs far less than one of 10%). With ' +
    '`maxDrawdown` it compares the value with the highest value recorded over `drawdownWindow` (24 h by default; ' +
    'runs are kept in the state directory, only trusted valuations) and fails on a larger fall, so a fund ' +
    'bleeding 5% a run under --watch trips it as surely as one emptied at once: a fund paying out bad debt is ' +
    'news before it is empty. A ratio figure of 0 or less cannot be measured against (wrong contract or ' +
    'function) and is an error, never an infinite ratio. The ' +
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
    const history =
      params.maxDrawdown !== undefined
        ? ctx.history(fundRecord(params.holder), { name: 'the record of earlier valuations' })
        : undefined;
    const [assets, figure, stored] = await Promise.all([
      valueAssets(ctx, params, now),
      params.ratioTo
        ? readFigure(ctx.l2, params.ratioTo).then((usd) => ({
            label: params.ratioTo?.label ?? params.ratioTo?.function.split('(')[0] ?? 'figure',
            usd,
          }))
        : undefined,
      history?.read(),
    ]);
    // A figure of 0 would make any fund an infinite share of it: the call is not measuring what it claims.
    if (figure && figure.usd <= 0) {
      throw new MeasurementError(
        `${figure.label} reads ${figure.usd} from ${params.ratioTo?.contract} ${params.ratioTo?.function}: a figure of 0 or less cannot be a ratio's base (wrong contract or function?)`,
        { figure: figure.label, figureUsd: figure.usd },
      );
    }
    const observation: FundObservation = { assets, figure };
    const samples = stored?.value?.samples ?? [];
    const mark = highWaterMark(samples, now, params.drawdownWindow);
    if (mark) observation.previous = { ...mark, samples: samples.length };
    if (stored?.problem) observation.historyProblem = stored.problem;
    // Only a trusted valuation becomes part of the next run's baseline.
    if (history && untrustedAssets(assets, params.maxPriceAge).length === 0) {
      const sample = { totalUsd: totalOf(assets), savedAt: new Date(now).toISOString() };
      // Added to the samples as they are now, under the lock: a run that saved since this one read
      // keeps its sample (a plain write would put back what was read, without it).
      await history.update((current) => ({
        version: 2,
        holder: params.holder,
        samples: [...(current?.samples ?? []), sample]
          .filter((s) => Date.parse(s.savedAt) >= now - params.drawdownWindow)
          .sort((a, b) => Date.parse(a.savedAt) - Date.parse(b.savedAt))
          .slice(-MAX_SAMPLES),
      }));
    }
    return observation;
  },
  evaluate(params, observation: FundObservation) {
    return judgeFund(params, observation);
  },
});

const totalOf = (assets: ValuedAsset[]) => assets.reduce((sum, a) => sum + a.valueUsd, 0);
const untrustedAssets = (assets: ValuedAsset[], maxPriceAge: number) =>
  assets.filter(
    (a) =>
      a.feed &&
      (a.priceUsd <= 0 || (a.priceAgeMs ?? 0) > maxPriceAge || (a.priceAgeMs ?? 0) < -MAX_FUTURE_MS),
  );
const priceProblem = (a: ValuedAsset) =>
  a.priceUsd <= 0
    ? 'no positive price'
    : (a.priceAgeMs ?? 0) < 0
      ? `dated ${formatDuration(-(a.priceAgeMs ?? 0))} in the future`
      : `${formatDuration(a.priceAgeMs ?? 0)} old`;

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
    const list = untrusted.map((a) => `${a.asset} (feed ${a.feed}, ${priceProblem(a)})`);
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
    // read() refuses a figure of 0 or less, so the share is finite here.
    const share = total / figure.usd;
    evidence.ratio = { figure: figure.label, figureUsd: figure.usd, ratio: share };
    observed.push(`${formatPercent(share)} of ${figure.label}`);
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
      const window = formatDuration(params.drawdownWindow);
      evidence.drawdown = {
        // previousUsd is the field's published name; it now holds the high-water mark.
        previousUsd: previous.totalUsd,
        highWaterMarkUsd: previous.totalUsd,
        since: previous.savedAt,
        windowMs: params.drawdownWindow,
        samples: previous.samples,
        drawdown,
      };
      observed.push(
        `${drawdown > 0 ? '−' : '+'}${formatPercent(Math.abs(drawdown))} from the ${window} high`,
      );
      if (drawdown > params.maxDrawdown) {
        problems.push(
          `down ${formatPercent(drawdown)} from its ${window} high of ${formatUsd(previous.totalUsd)} at ${previous.savedAt}, more than ${formatPercent(params.maxDrawdown)}`,
        );
      }
    } else {
      // A high-water mark of 0 is no baseline (a fall from it is 0/0): said, never skipped in silence.
      const reasons = [];
      if (previous)
        reasons.push(
          `the highest value recorded over the last ${formatDuration(params.drawdownWindow)} is ${formatUsd(previous.totalUsd)}, no baseline to measure a fall from`,
        );
      if (historyProblem) reasons.push(historyProblem);
      if (reasons.length > 0) concern = `${reasons.join('; ')}; drawdown not checked this run`;
    }
  }
  const breakdown = assets.map((a) => `${a.balance} = ${formatUsd(a.valueUsd)}`).join(' + ');
  return {
    holds: problems.length === 0,
    concern,
    // The fund's size is the headline (drawdown and ratio are judged too, so a fail may lie within this
    // limit; a chart of the size against its floor is what a desk reads first).
    value: { value: total, unit: 'usd', limit: { value: params.min, kind: 'min' } },
    observed: observed.join(', '),
    threshold,
    message:
      problems.length === 0
        ? `fund holds ${formatUsd(total)}: ${breakdown}`
        : `fund holds ${formatUsd(total)}, ${problems.join('; ')}: ${breakdown}`,
    evidence,
  };
}
