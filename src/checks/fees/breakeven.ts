import { formatEther, formatGwei } from 'viem';
import * as z from 'zod';
import { formatDecimal, formatDuration, formatPercent, formatUsd } from '../../core/units.js';
import { fundingCaptureBreakeven, marketMakingBreakeven } from '../../math/breakeven.js';
import { readLatestRound } from '../../protocols/chainlink.js';
import type { ChainReader } from '../../rpc/reader.js';
import type { TransactionCost } from '../../venues/adapter.js';
import { defineCheck, MeasurementError } from '../define.js';
import {
  duration,
  enumeration,
  integer,
  number,
  type PriceSource,
  price,
  signedRatio,
  usd,
} from '../params.js';

export interface CostObservation {
  tx: TransactionCost;
  /** USD per native unit; 0 when transactions are free and no price was needed. */
  nativeUsd: number;
  /** Set when the native price came from a feed. */
  priceAgeMs?: number;
  fees: { makerBps?: number; takerBps: number; source: string };
  /** Funding per 8 h the position collects, when read from the venue's market. */
  funding?: { per8h: number; source: string };
}

async function nativePrice(reader: ChainReader, source: PriceSource, now: number) {
  if (source.kind === 'fixed') return { nativeUsd: source.usd };
  const round = await readLatestRound(reader, source.feed);
  if (round.answer <= 0n)
    throw new MeasurementError(`feed ${source.feed} answers ${round.answer}, not a price`);
  return { nativeUsd: round.price, priceAgeMs: now - round.updatedAt * 1000 };
}

/**
 * Sane magnitudes: a rebate beyond 1% or a fee beyond 10% per fill is a typo (`-1e308` would make any
 * edge look profitable), as is an edge of more than 100% a fill or more than ten million fills a day.
 */
const FEE_BPS = { min: -100, max: 1_000 };
const EDGE_BPS = { min: -10_000, max: 10_000 };
const PER_DAY = { min: 0, max: 10_000_000 };

const bps = (value: number) => `${value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 4 : 2)} bps`;
const rate = (value: number) => `${value < 0 ? '−' : ''}${(Math.abs(value) * 100).toFixed(4)}%`;

export const breakeven = defineCheck({
  type: 'fees.breakeven',
  concern: 'fees',
  requires: { withParams: { feeTier: { stacks: ['dydx-v4'] }, fundingMarket: { stacks: ['dydx-v4'] } } },
  readsClock: (params) => params.nativePrice?.kind === 'feed',
  summary:
    "Breakeven edge (market making) or funding rate (funding capture) at today's gas and the venue's fees",
  description:
    'Prices one transaction now — `txGas` × the L2 gas price, plus the L1 data fee of `txBytes` of calldata (OP Stack: ' +
    'the GasPriceOracle; Arbitrum: NodeInterface at 0xC8, which only an Arbitrum node answers — elsewhere the check is ' +
    '`error`; plain EVM: none) — in USD through `nativePrice`, then adds the ' +
    "venue's fees. `market-making`: every fill pays the maker fee and one transaction, every rebalance the taker fee " +
    "on `rebalanceNotional` and one transaction; breakeven edge = the day's cost / the day's filled notional, in bps, " +
    'against `expectedEdgeBps`. `funding-capture`: a delta-neutral position of `notional` held for `holdingPeriod` ' +
    'pays taker + hedge fees and a transaction on entry and exit, plus its rebalances; breakeven funding = cost / ' +
    'notional per 8-hour interval (annualised ×1095, simple), against `expectedFundingRate` (per 8 h, negative when ' +
    'the position pays). Fails when the expectation is below breakeven and reports the margin.',
  params: () =>
    z.object({
      strategy: enumeration(
        ['market-making', 'funding-capture'] as const,
        'What the capital does on the venue.',
      ),
      notional: usd('Size of one fill (market making) or of the position (funding capture).'),
      nativePrice: price(
        'USD price of the gas token: a Chainlink-compatible feed or a fixed "3000 USD" (not needed where trading is gasless).',
      ).optional(),
      makerFeeBps: number(
        'Maker fee in bps; negative for a rebate. Required for market making without feeTier.',
        undefined,
        FEE_BPS,
      ).optional(),
      takerFeeBps: number(
        'Taker fee in bps, paid on rebalances (and on entry/exit for funding capture).',
        undefined,
        FEE_BPS,
      ).optional(),
      feeTier: z.string({ error: 'expected a fee tier name, e.g. "1"' }).optional().meta({
        kind: 'string',
        doc: "Read maker/taker fees from the venue's fee tier of this name (dYdX v4).",
      }),
      txGas: integer('L2 gas of one transaction (an order, a cancel, a rebalance).', {
        min: 21_000,
        default: 300_000,
      }),
      txBytes: integer('Calldata bytes of one transaction, for the L1 data fee.', {
        min: 0,
        max: 131_072,
        default: 500,
      }),
      tradesPerDay: number('Fills per day. Required for market making.', undefined, PER_DAY).optional(),
      rebalancesPerDay: number('Taker trades per day that flatten inventory or re-hedge.', 0, PER_DAY),
      rebalanceNotional: usd(
        'Size of one rebalance (default: the whole notional, the cautious choice).',
      ).optional(),
      expectedEdgeBps: number(
        'Edge a fill captures on average, in bps. Required for market making.',
        undefined,
        EDGE_BPS,
      ).optional(),
      holdingPeriod: duration('How long a funding-capture position is held.', '7d'),
      hedgeFeeBps: number(
        'Fee of the hedge leg in bps, paid on entry and exit (funding capture).',
        0,
        FEE_BPS,
      ),
      expectedFundingRate: signedRatio(
        'Funding the position collects per 8 hours, e.g. 0.01%; negative when it pays. Funding capture needs it or fundingMarket.',
      ).optional(),
      fundingMarket: z.string({ error: 'expected a market ticker, e.g. BTC-USD' }).optional().meta({
        kind: 'string',
        doc: "Take the expected funding from this market's next funding rate on the venue (dYdX v4).",
      }),
      perpSide: enumeration(
        ['short', 'long'] as const,
        'Side of the perp leg with fundingMarket: a short collects positive funding.',
        'short',
      ),
      maxPriceAge: duration('Oldest acceptable price from a feed.', '25h'),
    }),
  example: {
    strategy: 'market-making',
    notional: '10_000 USD',
    nativePrice: '$ethUsdFeed',
    makerFeeBps: 1,
    takerFeeBps: 5,
    tradesPerDay: 200,
    rebalancesPerDay: 4,
    expectedEdgeBps: 3,
  },
  validate(params) {
    if (params.feeTier === undefined && params.takerFeeBps === undefined) {
      return 'give takerFeeBps (and makerFeeBps for market making), or feeTier to read them from the venue';
    }
    if (params.strategy === 'market-making') {
      const missing: string[] = (['tradesPerDay', 'expectedEdgeBps'] as const).filter(
        (k) => params[k] === undefined,
      );
      if (params.feeTier === undefined && params.makerFeeBps === undefined) missing.unshift('makerFeeBps');
      if (missing.length > 0) return `market-making needs ${missing.join(', ')}`;
      if ((params.tradesPerDay ?? 0) <= 0) return 'tradesPerDay must be greater than zero';
    } else if ((params.expectedFundingRate === undefined) === (params.fundingMarket === undefined)) {
      return 'funding-capture needs exactly one of expectedFundingRate (per 8 hours) or fundingMarket';
    }
    if (params.rebalancesPerDay < 0) return 'rebalancesPerDay cannot be negative';
    return undefined;
  },
  async read(ctx, params): Promise<CostObservation> {
    const [tx, tier, market] = await Promise.all([
      ctx.venue.transactionCost({ gas: params.txGas, bytes: params.txBytes }),
      params.feeTier !== undefined ? ctx.venue.feeTier(params.feeTier) : undefined,
      params.fundingMarket !== undefined ? ctx.venue.perpMarket(params.fundingMarket) : undefined,
    ]);
    let quote: { nativeUsd: number; priceAgeMs?: number } = { nativeUsd: 0 };
    if (tx.totalWei > 0n) {
      if (!params.nativePrice)
        throw new MeasurementError('transactions cost gas here: give nativePrice to price it');
      quote = await nativePrice(ctx.l2, params.nativePrice, ctx.now());
    }
    const fees = tier
      ? {
          makerBps: tier.makerBps,
          takerBps: tier.takerBps,
          source: `fee tier ${tier.name} read from the venue`,
        }
      : { makerBps: params.makerFeeBps, takerBps: params.takerFeeBps ?? 0, source: 'the checklist' };
    const funding = market
      ? {
          per8h: (params.perpSide === 'short' ? 1 : -1) * market.nextFundingRate1h * 8,
          source: `${market.ticker} next funding ${(market.nextFundingRate1h * 100).toFixed(5)}%/h × 8, ${params.perpSide} perp`,
        }
      : undefined;
    return { tx, ...quote, fees, funding };
  },
  evaluate(params, gas: CostObservation) {
    const usdOf = (wei: bigint) => Number(formatEther(wei)) * gas.nativeUsd;
    const txCostUsd = usdOf(gas.tx.totalWei);
    const gwei = Number(formatGwei(gas.tx.gasPriceWei));
    const l1 = gas.tx.l1Wei === 0n ? '' : ` + L1 data fee ${formatUsd(usdOf(gas.tx.l1Wei))}`;
    const gasText =
      gas.tx.totalWei === 0n && gas.tx.gasPriceWei === 0n
        ? gas.tx.source
        : `1 tx = ${formatDecimal(params.txGas)} gas × ${gwei.toPrecision(4)} gwei${l1} = ${formatUsd(txCostUsd)}`;
    const evidence = {
      gasPriceWei: gas.tx.gasPriceWei.toString(),
      l1DataFeeWei: gas.tx.l1Wei.toString(),
      txCostSource: gas.tx.source,
      nativeUsd: gas.nativeUsd,
      txCostUsd,
      fees: gas.fees,
      funding: gas.funding,
    };
    if (gas.priceAgeMs !== undefined && gas.priceAgeMs > params.maxPriceAge) {
      return {
        holds: false,
        observed: `price ${formatDuration(gas.priceAgeMs)} old`,
        threshold: `price age <= ${formatDuration(params.maxPriceAge)}`,
        message: `cannot price gas: the native price feed is ${formatDuration(gas.priceAgeMs)} old`,
        evidence,
      };
    }
    const rebalanceNotionalUsd = params.rebalanceNotional ?? params.notional;
    if (params.strategy === 'market-making') {
      const result = marketMakingBreakeven({
        notionalUsd: params.notional,
        tradesPerDay: params.tradesPerDay ?? 0,
        rebalancesPerDay: params.rebalancesPerDay,
        rebalanceNotionalUsd,
        makerFee: (gas.fees.makerBps ?? 0) / 10_000,
        takerFee: gas.fees.takerBps / 10_000,
        txCostUsd,
      });
      const expected = params.expectedEdgeBps ?? 0;
      const margin = expected - result.breakevenBps;
      return {
        holds: margin >= 0,
        observed: `breakeven ${bps(result.breakevenBps)}`,
        threshold: `<= expected edge ${bps(expected)}`,
        message: `${margin >= 0 ? 'margin' : 'short by'} ${bps(Math.abs(margin))}: ${params.tradesPerDay} fills of ${formatUsd(params.notional)} and ${params.rebalancesPerDay} rebalances a day cost ${formatUsd(result.dailyCostUsd)} (${gasText})`,
        value: {
          value: result.breakevenBps / 10_000,
          unit: 'ratio',
          limit: { value: expected / 10_000, kind: 'max' },
        },
        evidence: { ...evidence, ...result, marginBps: margin },
      };
    }
    const result = fundingCaptureBreakeven({
      notionalUsd: params.notional,
      holdingHours: params.holdingPeriod / 3_600_000,
      rebalancesPerDay: params.rebalancesPerDay,
      rebalanceNotionalUsd,
      takerFee: gas.fees.takerBps / 10_000,
      hedgeFee: params.hedgeFeeBps / 10_000,
      txCostUsd,
    });
    const expected = gas.funding?.per8h ?? params.expectedFundingRate ?? 0;
    const margin = expected - result.per8h;
    return {
      holds: margin >= 0,
      observed: `breakeven ${rate(result.per8h)} per 8h (${formatPercent(result.annualised)}/y)`,
      threshold: `<= expected ${rate(expected)} per 8h${gas.funding ? ` (${gas.funding.source})` : ''}`,
      message: `${margin >= 0 ? 'margin' : 'short by'} ${rate(Math.abs(margin))} per 8h: holding ${formatUsd(params.notional)} for ${formatDuration(params.holdingPeriod)} costs ${formatUsd(result.totalCostUsd)} (${gasText})`,
      value: { value: result.per8h, unit: 'ratio', limit: { value: expected, kind: 'max' } },
      evidence: { ...evidence, ...result, marginPer8h: margin },
    };
  },
});
