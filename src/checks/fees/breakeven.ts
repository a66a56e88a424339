import { formatEther, formatGwei } from 'viem';
import { z } from 'zod';
import {
  duration,
  enumeration,
  integer,
  number,
  type PriceSource,
  price,
  signedRatio,
  usd,
} from '../../checklist/params.js';
import { formatDuration, formatPercent, formatUsd } from '../../checklist/units.js';
import type { ChainReader } from '../../engine/reader.js';
import { fundingCaptureBreakeven, marketMakingBreakeven } from '../../math/breakeven.js';
import { readLatestRound } from '../../venues/chainlink.js';
import { incompressibleData, L1_DATA_FEE, type L1DataFee } from '../../venues/l1DataFee.js';
import { defineCheck, MeasurementError } from '../define.js';

/** Any address: the L1 data fee depends on the bytes, not on where they go. */
const SAMPLE_TO = '0x000000000000000000000000000000000000dEaD';

export interface GasObservation {
  gasPriceWei: bigint;
  l1Fee: L1DataFee;
  nativeUsd: number;
  /** Set when the native price came from a feed. */
  priceAgeMs?: number;
}

async function nativePrice(reader: ChainReader, source: PriceSource, now: number) {
  if (source.kind === 'fixed') return { nativeUsd: source.usd };
  const round = await readLatestRound(reader, source.feed);
  if (round.answer <= 0n)
    throw new MeasurementError(`feed ${source.feed} answers ${round.answer}, not a price`);
  return { nativeUsd: round.price, priceAgeMs: now - round.updatedAt * 1000 };
}

const bps = (value: number) => `${value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 4 : 2)} bps`;
const rate = (value: number) => `${value < 0 ? '−' : ''}${(Math.abs(value) * 100).toFixed(4)}%`;

export const breakeven = defineCheck({
  type: 'fees.breakeven',
  summary:
    "Breakeven edge (market making) or funding rate (funding capture) at today's gas and the venue's fees",
  description:
    'Prices one transaction now — `txGas` × the L2 gas price, plus the L1 data fee of `txBytes` of calldata (OP Stack: ' +
    'the GasPriceOracle; Arbitrum: NodeInterface; plain EVM: none) — in USD through `nativePrice`, then adds the ' +
    "venue's fees. `market-making`: every fill pays the maker fee and one transaction, every rebalance the taker fee " +
    "on `rebalanceNotional` and one transaction; breakeven edge = the day's cost / the day's filled notional, in bps, " +
    'against `expectedEdgeBps`. `funding-capture`: a delta-neutral position of `notional` held for `holdingPeriod` ' +
    'pays taker + hedge fees and a transaction on entry and exit, plus its rebalances; breakeven funding = cost / ' +
    'notional per 8-hour interval (annualised ×1095, simple), against `expectedFundingRate` (per 8 h, negative when ' +
    'the position pays). Fails when the expectation is below breakeven and reports the margin.',
  params: z.object({
    strategy: enumeration(
      ['market-making', 'funding-capture'] as const,
      'What the capital does on the venue.',
    ),
    notional: usd('Size of one fill (market making) or of the position (funding capture).'),
    nativePrice: price('USD price of the gas token: a Chainlink-compatible feed or a fixed "3000 USD".'),
    makerFeeBps: number('Maker fee in bps; negative for a rebate. Required for market making.').optional(),
    takerFeeBps: number('Taker fee in bps, paid on rebalances (and on entry/exit for funding capture).'),
    txGas: integer('L2 gas of one transaction (an order, a cancel, a rebalance).', {
      min: 21_000,
      default: 300_000,
    }),
    txBytes: integer('Calldata bytes of one transaction, for the L1 data fee.', {
      min: 0,
      max: 131_072,
      default: 500,
    }),
    tradesPerDay: number('Fills per day. Required for market making.').optional(),
    rebalancesPerDay: number('Taker trades per day that flatten inventory or re-hedge.', 0),
    rebalanceNotional: usd(
      'Size of one rebalance (default: the whole notional, the cautious choice).',
    ).optional(),
    expectedEdgeBps: number(
      'Edge a fill captures on average, in bps. Required for market making.',
    ).optional(),
    holdingPeriod: duration('How long a funding-capture position is held.', '7d'),
    hedgeFeeBps: number('Fee of the hedge leg in bps, paid on entry and exit (funding capture).', 0),
    expectedFundingRate: signedRatio(
      'Funding the position collects per 8 hours, e.g. 0.01%; negative when it pays. Required for funding capture.',
    ).optional(),
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
    if (params.strategy === 'market-making') {
      const missing = (['makerFeeBps', 'tradesPerDay', 'expectedEdgeBps'] as const).filter(
        (k) => params[k] === undefined,
      );
      if (missing.length > 0) return `market-making needs ${missing.join(', ')}`;
      if ((params.tradesPerDay ?? 0) <= 0) return 'tradesPerDay must be greater than zero';
    } else if (params.expectedFundingRate === undefined) {
      return 'funding-capture needs expectedFundingRate (per 8 hours)';
    }
    if (params.rebalancesPerDay < 0) return 'rebalancesPerDay cannot be negative';
    return undefined;
  },
  async read(ctx, params): Promise<GasObservation> {
    const sample = { to: SAMPLE_TO as `0x${string}`, data: incompressibleData(params.txBytes) };
    const [gasPriceWei, l1Fee, quote] = await Promise.all([
      ctx.l2.gasPrice(),
      L1_DATA_FEE[ctx.stack](ctx.l2, sample),
      nativePrice(ctx.l2, params.nativePrice, ctx.now()),
    ]);
    return { gasPriceWei, l1Fee, ...quote };
  },
  evaluate(params, gas: GasObservation) {
    const txWei = BigInt(params.txGas) * gas.gasPriceWei + gas.l1Fee.wei;
    const txCostUsd = Number(formatEther(txWei)) * gas.nativeUsd;
    const gwei = Number(formatGwei(gas.gasPriceWei));
    const l1 = gas.l1Fee.wei === 0n ? '' : ` + L1 data ${formatGwei(gas.l1Fee.wei)} gwei`;
    const gasText = `1 tx = ${params.txGas.toLocaleString('en-US')} gas × ${gwei.toPrecision(4)} gwei${l1} = ${formatUsd(txCostUsd)}`;
    const evidence = {
      gasPriceWei: gas.gasPriceWei.toString(),
      l1DataFeeWei: gas.l1Fee.wei.toString(),
      l1DataFeeSource: gas.l1Fee.source,
      nativeUsd: gas.nativeUsd,
      txCostUsd,
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
        makerFee: (params.makerFeeBps ?? 0) / 10_000,
        takerFee: params.takerFeeBps / 10_000,
        txCostUsd,
      });
      const expected = params.expectedEdgeBps ?? 0;
      const margin = expected - result.breakevenBps;
      return {
        holds: margin >= 0,
        observed: `breakeven ${bps(result.breakevenBps)}`,
        threshold: `<= expected edge ${bps(expected)}`,
        message: `${margin >= 0 ? 'margin' : 'short by'} ${bps(Math.abs(margin))}: ${params.tradesPerDay} fills of ${formatUsd(params.notional)} and ${params.rebalancesPerDay} rebalances a day cost ${formatUsd(result.dailyCostUsd)} (${gasText})`,
        value: { value: result.breakevenBps / 10_000, unit: 'ratio' },
        evidence: { ...evidence, ...result, marginBps: margin },
      };
    }
    const result = fundingCaptureBreakeven({
      notionalUsd: params.notional,
      holdingHours: params.holdingPeriod / 3_600_000,
      rebalancesPerDay: params.rebalancesPerDay,
      rebalanceNotionalUsd,
      takerFee: params.takerFeeBps / 10_000,
      hedgeFee: params.hedgeFeeBps / 10_000,
      txCostUsd,
    });
    const expected = params.expectedFundingRate ?? 0;
    const margin = expected - result.per8h;
    return {
      holds: margin >= 0,
      observed: `breakeven ${rate(result.per8h)} per 8h (${formatPercent(result.annualised)}/y)`,
      threshold: `<= expected ${rate(expected)} per 8h`,
      message: `${margin >= 0 ? 'margin' : 'short by'} ${rate(Math.abs(margin))} per 8h: holding ${formatUsd(params.notional)} for ${formatDuration(params.holdingPeriod)} costs ${formatUsd(result.totalCostUsd)} (${gasText})`,
      value: { value: result.per8h, unit: 'ratio' },
      evidence: { ...evidence, ...result, marginPer8h: margin },
    };
  },
});
