/**
 * Pure parsers and formatters for the checklist's units: durations, amounts, ratios.
 * Each parser returns a value or throws UnitError with what was expected, so the loader can attach
 * the file position.
 */
import { parseUnits } from 'viem';

export class UnitError extends Error {}

const DURATION_UNITS_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;
type DurationUnit = keyof typeof DURATION_UNITS_MS;

/**
 * The longest duration that may feed a timer. Node's setTimeout takes at most 2^31 − 1 ms (24d 20h…);
 * a longer delay overflows and fires after 1 ms, so `wait: 25d` would wait 1 ms and `--watch 25d` would
 * re-run at once. A round 24 days keeps the message readable.
 */
export const TIMER_LIMIT_MS = 24 * DURATION_UNITS_MS.d;

/** Throws unless `ms` can feed a timer; `what` names the value in the message. */
export function assertTimerDuration(ms: number, what = 'a duration'): number {
  if (ms > TIMER_LIMIT_MS) {
    throw new UnitError(
      `${what} of ${formatDuration(ms)} is too long: at most ${formatDuration(TIMER_LIMIT_MS)} (a longer timer overflows and fires at once)`,
    );
  }
  return ms;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** `500ms`, `30s`, `10m`, `2h`, `7d`, `7d12h` → milliseconds. A bare number is ambiguous and rejected. */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '') throw new UnitError('expected a duration like 30s, 10m or 2h, got an empty string');
  let total = 0;
  let index = 0;
  DURATION_PART.lastIndex = 0;
  while (index < input.length) {
    DURATION_PART.lastIndex = index;
    const match = DURATION_PART.exec(input);
    if (!match) {
      throw new UnitError(`expected a duration like 30s, 10m, 2h or 7d12h, got "${text}"`);
    }
    total += Number(match[1]) * DURATION_UNITS_MS[match[2] as DurationUnit];
    index = DURATION_PART.lastIndex;
  }
  // Hundreds of digits read as Infinity; past 2^53 ms the figure is no longer exact.
  if (!Number.isSafeInteger(Math.round(total)))
    throw new UnitError(`"${text}" is too long a duration to represent`);
  return Math.round(total);
}

/** Milliseconds → the shortest readable form: `500ms`, `42s`, `2m 5s`, `3h 10m`, `7d 12h`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) {
    const seconds = abs / 1_000;
    return `${sign}${Number.isInteger(seconds) || seconds >= 10 ? Math.round(seconds) : seconds.toFixed(1)}s`;
  }
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.round(abs / 1_000) * 1_000;
  for (const [size, label] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/**
 * Digits with `.` as the decimal point. `_` may group digits anywhere (`5_000_000`, like a code
 * literal); `,` only as a thousands separator in groups of exactly three before the point (`1,000,000.5`).
 * Anything else is ambiguous — `1.000,000` is a million in much of Europe and 1 here — and rejected.
 */
const DECIMAL = /^(?:\d+(?:_\d+)*|\d{1,3}(?:,\d{3})+)(?:\.\d+(?:_\d+)*)?$/;

function parseDecimal(text: string, what: string): string {
  if (!DECIMAL.test(text)) {
    const hint = text.includes(',')
      ? ' ("," only groups thousands before the decimal point, as in 1,000,000.50; "_" groups digits, as in 1_000_000)'
      : '';
    throw new UnitError(`expected ${what}, got "${text}"${hint}`);
  }
  return text.replaceAll('_', '').replaceAll(',', '');
}

/** A value in US dollars: `1_000_000 USD`, `250000`, `0.5 USD`. */
export function parseUsd(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw new UnitError(`expected a non-negative USD amount, got ${input}`);
    return input;
  }
  const match = /^\s*([\d_.,]+)\s*(USD|usd|\$)?\s*$/.exec(input);
  if (!match?.[1]) throw new UnitError(`expected a USD amount like "5_000_000 USD", got "${input}"`);
  const value = Number(parseDecimal(match[1], 'a USD amount like "5_000_000 USD"'));
  if (!Number.isFinite(value)) throw new UnitError(`"${input}" is too large an amount to represent`);
  return value;
}

/**
 * A USD amount as a checklist writes it: with its unit (`1_000_000 USD`, `0.5 $`). A bare number is
 * rejected, as everywhere a unit is expected (README): `min: 1000000` reads like a value in another
 * unit (or in cents) as easily as in dollars.
 */
export function parseWrittenUsd(input: string | number): number {
  if (typeof input === 'number' || /^\s*[\d_.,]+\s*$/.test(input)) {
    const shown = typeof input === 'number' ? String(input) : `"${input}"`;
    throw new UnitError(
      `expected a USD amount with its unit, like "1_000_000 USD", got ${shown}: a bare number is rejected where a unit is expected`,
    );
  }
  return parseUsd(input);
}

/** True when the text is written as a USD amount (used to tell a fixed price from a feed address). */
export function looksLikeUsd(input: unknown): boolean {
  return (
    typeof input === 'number' || (typeof input === 'string' && /^\s*[\d_.,]+\s*(USD|usd|\$)?\s*$/.test(input))
  );
}

const NATIVE_UNITS = { ether: 18, eth: 18, gwei: 9, wei: 0 } as const;

/** A native-currency amount: `0.001 ether`, `35 gwei`, `1000 wei` → wei. */
export function parseNativeAmount(input: string | number): bigint {
  const text = String(input).trim();
  const match = /^([\d_.,]+)\s*([A-Za-z]+)$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new UnitError(`expected an amount with a unit like "0.001 ether" or "35 gwei", got "${text}"`);
  }
  const unit = match[2].toLowerCase() as keyof typeof NATIVE_UNITS;
  const decimals = NATIVE_UNITS[unit];
  if (decimals === undefined) throw new UnitError(`expected a unit of ether, gwei or wei, got "${match[2]}"`);
  const value = parseDecimal(match[1], 'a number');
  const fraction = value.split('.')[1] ?? '';
  if (fraction.length > decimals) throw new UnitError(`"${text}" has more decimals than ${unit} allows`);
  return parseUnits(value, decimals);
}

/** `0.5%` → 0.005, `50bps` → 0.005. A bare number is ambiguous (0.5 or 50%?) and rejected. */
export function parseRatio(input: string | number): number {
  const text = String(input).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(%|bps)$/.exec(text);
  if (!match?.[1]) throw new UnitError(`expected a ratio like "0.5%" or "50bps", got "${text}"`);
  const value = Number(match[1]);
  if (!Number.isFinite(value)) throw new UnitError(`"${text}" is too large a ratio to represent`);
  return match[2] === '%' ? value / 100 : value / 10_000;
}

/** Like parseRatio, with a sign: `-0.01%` (a funding rate the position pays). */
export function parseSignedRatio(input: string | number): number {
  const text = String(input).trim();
  const negative = text.startsWith('-') || text.startsWith('−');
  const magnitude = parseRatio(negative || text.startsWith('+') ? text.slice(1) : text);
  return negative ? -magnitude : magnitude;
}

export function formatUsd(value: number): string {
  // a sub-cent figure (an L1 data fee in a quiet hour) keeps two significant digits rather than read 0.00
  if (value !== 0 && Math.abs(value) < 0.01) return `${Number(value.toPrecision(2))} USD`;
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  return `${formatDecimal(value, { minimumFractionDigits: digits, maximumFractionDigits: digits })} USD`;
}

/**
 * What `value.toLocaleString('en-US', options)` writes (thousands separators, Intl's rounding: half away
 * from zero on the shortest decimal form, a negative zero as -0), without Intl: the process's first Intl
 * number format loads ICU data, 15–100 ms of a cold start for one figure in a report.
 */
export function formatDecimal(
  value: number,
  options: { minimumFractionDigits?: number; maximumFractionDigits?: number } = {},
): string {
  const min = options.minimumFractionDigits ?? 0;
  const max = Math.max(min, options.maximumFractionDigits ?? 3);
  const shortest = Math.abs(value).toString();
  // Exponent forms (beyond 1e21, below 1e-6) and non-finite values: rare enough to leave to Intl.
  if (!Number.isFinite(value) || shortest.includes('e')) return value.toLocaleString('en-US', options);
  const [whole = '0', fraction = ''] = shortest.split('.');
  let scaled = BigInt(whole + fraction.slice(0, max).padEnd(max, '0'));
  if ((fraction[max] ?? '0') >= '5') scaled += 1n;
  const digits = scaled.toString().padStart(max + 1, '0');
  let decimals = digits.slice(digits.length - max);
  while (decimals.length > min && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  const grouped = digits.slice(0, digits.length - max).replace(/\B(?=(\d{3})+$)/g, ',');
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return `${sign}${grouped}${decimals ? `.${decimals}` : ''}`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio * 100 >= 10 ? 1 : 2)}%`;
}
