/** Terminal trends: a value series as one line of block characters, and values in their unit (pure). */
import { formatDuration, formatPercent, formatUsd } from '../core/units.js';

export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';
/** A run in which the check has no value (not run, left out by --only/--skip, or it could not measure). */
export const SPARK_GAP = '·';

/**
 * One character per value, lowest ▁ to highest █, scaled between the series' own least and greatest
 * value (not the limit's: a limit far from the values would flatten them); a series that never changes
 * sits in the middle (▄), so flat reads as flat, not as low. Undefined or non-finite values are gaps.
 */
export function sparkline(values: readonly (number | undefined)[]): string {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (finite.length === 0) return SPARK_GAP.repeat(values.length);
  const low = Math.min(...finite);
  const span = Math.max(...finite) - low;
  const top = SPARK_LEVELS.length - 1;
  return values
    .map((v) => {
      if (v === undefined || !Number.isFinite(v)) return SPARK_GAP;
      const level = span === 0 ? Math.floor(top / 2) : Math.round(((v - low) / span) * top);
      return SPARK_LEVELS[level];
    })
    .join('');
}

export type ValueUnit = 'seconds' | 'blocks' | 'usd' | 'ratio';

/** A recorded value as a person reads it: 1m 35s, 3 blocks, 1,000,000 USD, 0.50%. */
export function formatValue(value: number, unit: ValueUnit): string {
  switch (unit) {
    case 'seconds':
      return formatDuration(value * 1000);
    case 'blocks':
      return `${value} block${value === 1 ? '' : 's'}`;
    case 'usd':
      return formatUsd(value);
    case 'ratio':
      return formatPercent(value);
  }
}

/** "<= 30s" for a max, ">= 1,000,000 USD" for a min. */
export function formatLimit(limit: { value: number; kind: 'max' | 'min' }, unit: ValueUnit): string {
  return `${limit.kind === 'max' ? '<=' : '>='} ${formatValue(limit.value, unit)}`;
}

/** The value lies beyond its limit: on the side where its check does not hold. */
export function beyondLimit(value: number, limit: { value: number; kind: 'max' | 'min' }): boolean {
  return limit.kind === 'max' ? value > limit.value : value < limit.value;
}
