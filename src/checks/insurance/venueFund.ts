import * as z from 'zod';
import { formatUsd } from '../../core/units.js';
import { defineCheck } from '../define.js';
import { usd } from '../params.js';

export const venueFund = defineCheck({
  type: 'insurance.venue-fund',
  concern: 'insurance',
  requires: { stacks: ['dydx-v4'] },
  summary: 'The insurance fund the venue itself reports, against a floor (dYdX v4)',
  description:
    "Reads the venue's own insurance fund — on dYdX v4, the USDC balance of the insurance_fund module account " +
    '(dydx1c7ptc87hkd54e3r7zjy92q29xkq7t79w64slrq, the fund of cross markets) through the Cosmos REST API, valued ' +
    'at 1 USD — and compares it with `min`. Isolated markets have funds of their own, not counted here. On EVM ' +
    "stacks use insurance.fund, which values any holder's balances.",
  params: () =>
    z.object({
      min: usd('Smallest acceptable fund.'),
    }),
  example: { min: '5_000_000 USD' },
  read(ctx) {
    return ctx.venue.insuranceFund();
  },
  evaluate(params, fund: { usd: number; holder: string; source: string }) {
    const holds = fund.usd >= params.min;
    return {
      holds,
      observed: formatUsd(fund.usd),
      threshold: `>= ${formatUsd(params.min)}`,
      message: `${holds ? 'fund holds' : 'fund holds only'} ${formatUsd(fund.usd)}${holds ? '' : `, below ${formatUsd(params.min)}`} (${fund.source})`,
      value: { value: fund.usd, unit: 'usd', limit: { value: params.min, kind: 'min' } },
      evidence: fund,
    };
  },
});
