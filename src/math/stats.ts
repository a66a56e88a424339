/** Order statistics for block intervals and similar samples. Pure; inputs are not mutated. */

/** Nearest-rank percentile (p in [0, 100]): always an observed value, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside [0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Successive differences: [t0, t1, t2] → [t1 - t0, t2 - t1]. */
export function intervals(values: readonly number[]): number[] {
  return values.slice(1).map((value, index) => value - (values[index] as number));
}
