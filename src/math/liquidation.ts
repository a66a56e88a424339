/** Liquidation price and the probability of touching it. Pure. */
import { normalCdf } from './normal.js';

export type Side = 'long' | 'short';

/**
 * The price at which an isolated position opened at `entry` with `leverage` (notional / collateral)
 * reaches its maintenance margin, when the margin requirement is `maintenanceMargin` × the position's
 * notional at the current price (the dYdX / most perp venues' model):
 *   long:  collateral + q(P − entry) = m·q·P  →  P = entry·(1 − 1/leverage) / (1 − m)
 *   short: collateral − q(P − entry) = m·q·P  →  P = entry·(1 + 1/leverage) / (1 + m)
 * A long at leverage 1 can only be liquidated at 0.
 */
export function liquidationPrice(
  entry: number,
  leverage: number,
  maintenanceMargin: number,
  side: Side,
): number {
  if (!(leverage >= 1)) throw new RangeError(`leverage ${leverage} is below 1`);
  if (!(maintenanceMargin >= 0 && maintenanceMargin < 1 / leverage)) {
    throw new RangeError(
      `maintenance margin ${maintenanceMargin} must be at least 0 and below 1/leverage (${1 / leverage}): the position would open liquidated`,
    );
  }
  return side === 'long'
    ? (entry * (1 - 1 / leverage)) / (1 - maintenanceMargin)
    : (entry * (1 + 1 / leverage)) / (1 + maintenanceMargin);
}

/**
 * Probability that a driftless geometric Brownian motion (dS/S = σ dW: the price is a martingale, no
 * view on direction) started at `spot` touches `barrier` within `years`, by the reflection principle
 * for Brownian motion with drift ν = −σ²/2 in log price. With b = ln(barrier/spot), s = σ√T, h = σ²T/2:
 *   barrier below (long):  Φ((b + h)/s) + (spot/barrier)·Φ((b − h)/s)
 *   barrier above (short): Φ((−b − h)/s) + (spot/barrier)·Φ((−b + h)/s)
 * Monitoring is continuous, so this is an upper bound of what a venue checking prices discretely sees.
 */
export function touchProbability(spot: number, barrier: number, volatility: number, years: number): number {
  if (!(spot > 0)) throw new RangeError(`spot ${spot} is not positive`);
  if (barrier <= 0) return 0; // GBM never reaches zero
  if (barrier === spot) return 1;
  if (volatility === 0 || years === 0) return 0;
  const b = Math.log(barrier / spot);
  const s = volatility * Math.sqrt(years);
  const h = (volatility * volatility * years) / 2;
  const ratio = spot / barrier;
  const p =
    b < 0
      ? normalCdf((b + h) / s) + ratio * normalCdf((b - h) / s)
      : normalCdf((-b - h) / s) + ratio * normalCdf((-b + h) / s);
  return Math.min(1, Math.max(0, p));
}
