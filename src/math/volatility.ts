/**
 * Realised volatility and worst historical moves from an oracle's round history. Pure; prices are
 * positive numbers, times are seconds.
 */

export const SECONDS_PER_YEAR = 365 * 86_400;

export interface PricePoint {
  /** Seconds since the epoch. */
  at: number;
  price: number;
}

function ordered(points: readonly PricePoint[]): PricePoint[] {
  for (const p of points) {
    if (!(p.price > 0) || !Number.isFinite(p.price)) throw new RangeError(`price ${p.price} is not positive`);
  }
  const sorted = [...points].sort((a, b) => a.at - b.at);
  // Two rounds at the same second carry no time between them: keep the later one.
  return sorted.filter((p, i) => sorted[i + 1]?.at !== p.at);
}

/**
 * Annualised volatility of log returns, weighted by the time between rounds: variance per second is
 * Σ r² / Σ Δt (the estimate for Brownian motion sampled at irregular times, drift ignored), so a
 * feed that updates on deviation (many rounds in a fast market) is not counted as calmer or wilder
 * than one that updates on a heartbeat. Needs two rounds at distinct times.
 */
export function realisedVolatility(points: readonly PricePoint[]): number {
  const series = ordered(points);
  if (series.length < 2)
    throw new RangeError('realised volatility needs at least two rounds at distinct times');
  let squares = 0;
  let seconds = 0;
  for (let i = 1; i < series.length; i += 1) {
    const previous = series[i - 1] as PricePoint;
    const current = series[i] as PricePoint;
    squares += Math.log(current.price / previous.price) ** 2;
    seconds += current.at - previous.at;
  }
  return Math.sqrt((squares / seconds) * SECONDS_PER_YEAR);
}

export interface WorstMove {
  /** Relative move, e.g. -0.12 for a 12% fall. Zero when no window has two rounds. */
  move: number;
  from: PricePoint;
  to: PricePoint;
}

/**
 * The most adverse relative move within any window of `windowSeconds` in the history: the largest
 * fall for a long, the largest rise for a short. Model-free, so it does not inherit the GBM
 * assumptions of the probability.
 */
export function worstMove(
  points: readonly PricePoint[],
  windowSeconds: number,
  side: 'long' | 'short',
): WorstMove {
  const series = ordered(points);
  const first = series[0];
  if (!first) throw new RangeError('worst move of an empty history');
  let worst: WorstMove = { move: 0, from: first, to: first };
  for (let i = 0; i < series.length; i += 1) {
    const from = series[i] as PricePoint;
    for (let j = i + 1; j < series.length; j += 1) {
      const to = series[j] as PricePoint;
      if (to.at - from.at > windowSeconds) break;
      const move = to.price / from.price - 1;
      if (side === 'long' ? move < worst.move : move > worst.move) worst = { move, from, to };
    }
  }
  return worst;
}
