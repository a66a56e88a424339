import * as z from 'zod';
import { formatDuration, formatPercent } from '../../core/units.js';
import { type PythPrice, readPythPrice } from '../../protocols/pyth.js';
import { defineCheck } from '../define.js';
import { address, bytes32, duration, number, ratio } from '../params.js';

export const pyth = defineCheck({
  type: 'oracle.pyth',
  concern: 'oracles',
  requires: { evm: true, contracts: { contract: 'l2' } },
  readsClock: true,
  summary: 'Pyth price: publish age, confidence interval relative to the price, bounds',
  description:
    "Reads getPriceUnsafe(priceId) from the chain's Pyth contract. Fails when the publish time is older than " +
    '`maxAge`, when the price is not positive, when the confidence interval is wider than `maxConfidence` of the ' +
    'price (publishers disagree: Pyth itself advises consumers to reject wide intervals), or when the price is ' +
    'outside [`min`, `max`]. Pyth is pull-based: the on-chain price is as fresh as the last update someone paid ' +
    "for, so `maxAge` has no default — set it to what the venue's own contracts accept.",
  params: () =>
    z.object({
      contract: address('Address (or $name) of the Pyth contract on the L2.'),
      priceId: bytes32('Pyth price feed id (e.g. ETH/USD 0xff61…0ace).'),
      maxAge: duration('Oldest acceptable publish time.'),
      maxConfidence: ratio('Widest acceptable confidence interval, as a fraction of the price.', '1%', {
        below100: true,
      }),
      min: number('Lowest plausible price.').optional(),
      max: number('Highest plausible price.').optional(),
    }),
  example: {
    contract: '$pyth',
    priceId: '0xff61491a931112ddf1bd8147cd1b641375f79f5825126d665480874634fd0ace',
    maxAge: '2m',
    maxConfidence: '0.5%',
  },
  read(ctx, params) {
    return readPythPrice(ctx.l2, params.contract, params.priceId);
  },
  evaluate(params, price: PythPrice, now) {
    const ageMs = Math.max(0, now - price.publishTime * 1000);
    const width = price.price > 0 ? price.confidence / price.price : Number.POSITIVE_INFINITY;
    const label = `${price.priceId.slice(0, 10)}…`;
    const observed = `price ${price.price} ± ${formatPercent(width)}, ${formatDuration(ageMs)} old`;
    const threshold = [
      `age <= ${formatDuration(params.maxAge)}`,
      `confidence <= ${formatPercent(params.maxConfidence)}`,
      ...(params.min !== undefined ? [`price >= ${params.min}`] : []),
      ...(params.max !== undefined ? [`price <= ${params.max}`] : []),
    ].join(', ');
    const evidence = { ...price, confidenceRatio: width };
    // The age is the headline; confidence and price bounds are judged too, so a fail may lie within this limit.
    const value = {
      value: ageMs / 1000,
      unit: 'seconds' as const,
      limit: { value: params.maxAge / 1000, kind: 'max' as const },
    };
    const fail = (message: string) => ({
      holds: false,
      observed,
      threshold,
      message: `${label} ${message}`,
      value,
      evidence,
    });
    if (price.publishTime === 0) return fail('has never been published on this contract');
    if (!(price.price > 0)) return fail(`price ${price.price} is not positive`);
    if (ageMs > params.maxAge)
      return fail(`published ${formatDuration(ageMs)} ago, older than ${formatDuration(params.maxAge)}`);
    if (width > params.maxConfidence) {
      return fail(
        `confidence ±${formatPercent(width)} of the price is wider than ${formatPercent(params.maxConfidence)}: publishers disagree`,
      );
    }
    if (params.min !== undefined && price.price < params.min)
      return fail(`price ${price.price} below ${params.min}`);
    if (params.max !== undefined && price.price > params.max)
      return fail(`price ${price.price} above ${params.max}`);
    return {
      holds: true,
      observed,
      threshold,
      message: `${label} ${price.price} ± ${formatPercent(width)}, published ${formatDuration(ageMs)} ago`,
      value,
      evidence,
    };
  },
});
