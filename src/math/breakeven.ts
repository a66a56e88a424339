/**
 * Breakeven of a trading strategy from its fees and transaction costs. Pure; fees are fractions of
 * notional (1 bps = 0.0001) and may be negative (a maker rebate); amounts are USD.
 */

export interface MarketMakingInputs {
  /** Size of one fill. */
  notionalUsd: number;
  tradesPerDay: number;
  rebalancesPerDay: number;
  /** Size of one rebalance, a taker trade that flattens inventory. */
  rebalanceNotionalUsd: number;
  makerFee: number;
  takerFee: number;
  /** What one on-chain transaction costs now (L2 execution + L1 data). */
  txCostUsd: number;
}

export interface MarketMakingBreakeven {
  perTradeUsd: number;
  perRebalanceUsd: number;
  dailyCostUsd: number;
  /** The edge each fill must capture, in bps of its notional, for the day to break even. */
  breakevenBps: number;
}

/**
 * Every fill pays the maker fee and one transaction; every rebalance pays the taker fee and one
 * transaction. The day's cost spread over the day's filled notional is the breakeven edge:
 *   (trades·(N·maker + gas) + rebalances·(R·taker + gas)) / (trades·N) × 10⁴ bps
 */
export function marketMakingBreakeven(i: MarketMakingInputs): MarketMakingBreakeven {
  if (!(i.notionalUsd > 0) || !(i.tradesPerDay > 0)) {
    throw new RangeError('market making needs a positive notional and at least some trades per day');
  }
  const perTradeUsd = i.notionalUsd * i.makerFee + i.txCostUsd;
  const perRebalanceUsd = i.rebalanceNotionalUsd * i.takerFee + i.txCostUsd;
  const dailyCostUsd = i.tradesPerDay * perTradeUsd + i.rebalancesPerDay * perRebalanceUsd;
  return {
    perTradeUsd,
    perRebalanceUsd,
    dailyCostUsd,
    breakevenBps: (dailyCostUsd / (i.tradesPerDay * i.notionalUsd)) * 10_000,
  };
}

export interface FundingCaptureInputs {
  /** Size of the perp leg (the hedge is the same size). */
  notionalUsd: number;
  holdingHours: number;
  rebalancesPerDay: number;
  rebalanceNotionalUsd: number;
  /** Fee of the perp leg, taken on entry, exit and every rebalance. */
  takerFee: number;
  /** Fee of the hedge leg (spot or another venue), taken on entry and exit. */
  hedgeFee: number;
  txCostUsd: number;
}

export interface FundingCaptureBreakeven {
  totalCostUsd: number;
  /** Funding the position must collect over the whole holding period, as a fraction of notional. */
  overPeriod: number;
  /** The same, per 8-hour funding interval (the convention most venues quote). */
  per8h: number;
  /** per8h × 3 × 365, simple (not compounded). */
  annualised: number;
}

/**
 * A delta-neutral position (perp against a hedge) opened and closed once, rebalanced during the hold:
 *   cost = 2·(N·(taker + hedge) + gas) + rebalancesPerDay·days·(R·taker + gas)
 *   breakeven per 8 h = cost / N / (hours / 8)
 */
export function fundingCaptureBreakeven(i: FundingCaptureInputs): FundingCaptureBreakeven {
  if (!(i.notionalUsd > 0) || !(i.holdingHours > 0)) {
    throw new RangeError('funding capture needs a positive notional and holding period');
  }
  const entryAndExit = 2 * (i.notionalUsd * (i.takerFee + i.hedgeFee) + i.txCostUsd);
  const rebalances =
    i.rebalancesPerDay * (i.holdingHours / 24) * (i.rebalanceNotionalUsd * i.takerFee + i.txCostUsd);
  const totalCostUsd = entryAndExit + rebalances;
  const overPeriod = totalCostUsd / i.notionalUsd;
  const per8h = overPeriod / (i.holdingHours / 8);
  return { totalCostUsd, overPeriod, per8h, annualised: per8h * 3 * 365 };
}
