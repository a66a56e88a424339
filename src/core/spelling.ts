/**
 * The spelling that works, for a value written the way people say it: `30 sec` → `30s`,
 * `2 hours` → `2h`, `1M USD` → `1_000_000 USD`, a bare `30` where a duration goes → `30s`. Only a
 * suggestion, shown beside the error: nothing here changes what a checklist means.
 */

const DURATION_WORDS: Record<string, string> = {
  ms: 'ms',
  msec: 'ms',
  msecs: 'ms',
  millis: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  wks: 'w',
  week: 'w',
  weeks: 'w',
};

const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * A bare number up to this is read as seconds (an hour at most); past it, milliseconds are as likely
 * (`--timeout 30000` meant 30 s, not 8h20m), so both readings are offered and neither is picked.
 */
const LARGEST_BARE_SECONDS = 3600;

/** A bare number written where a duration goes: the number as written, or undefined. */
function bareNumber(input: unknown): string | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input > 0 ? String(input) : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  return NUMBER.test(text) && Number(text) > 0 ? text : undefined;
}

/**
 * Every reading worth offering for `input` where a duration goes: the one spelling that works
 * (`suggestDuration`), or for a bare number past an hour's seconds both `30000ms` and `30000s`.
 */
export function durationReadings(input: unknown): string[] {
  const bare = bareNumber(input);
  if (bare !== undefined && Number(bare) > LARGEST_BARE_SECONDS) return [`${bare}ms`, `${bare}s`];
  const single = suggestDuration(input);
  return single ? [single] : [];
}

/** `did you mean "30s"?`, `did you mean "30000ms" or "30000s"?`, or undefined for no reading. */
export function didYouMean(readings: string | readonly string[] | undefined): string | undefined {
  const list = readings === undefined ? [] : typeof readings === 'string' ? [readings] : readings;
  return list.length ? `did you mean ${list.map((r) => `"${r}"`).join(' or ')}?` : undefined;
}

/**
 * `30 sec`, `30 seconds`, `30secs`, `30 s` → `30s`; `1 hour 30 minutes` → `1h30m`; a bare `30` → `30s`
 * (seconds: what every timeout here is written in most). Undefined when nothing sensible fits (`30M`:
 * minutes or months?), and for a bare number past an hour's seconds (`30000`: ms or s? see
 * `durationReadings`).
 */
export function suggestDuration(input: unknown): string | undefined {
  const bare = bareNumber(input);
  if (bare !== undefined) return Number(bare) > LARGEST_BARE_SECONDS ? undefined : `${bare}s`;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  const parts = text.split(/\s*(?:,|\band\b)\s*|\s+(?=\d)/).filter(Boolean);
  let out = '';
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(part);
    if (!match?.[1] || !match[2]) return undefined;
    // An upper-case M could be months; anything else is read without regard to case.
    if (match[2] === 'M') return undefined;
    const unit = DURATION_WORDS[match[2].toLowerCase()];
    if (!unit) return undefined;
    out += `${match[1]}${unit}`;
  }
  return out && out !== text ? out : undefined;
}

const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};

/** 1000000 → `1_000_000`, 1234.5 → `1_234.5`: digits grouped as the checklist writes them. */
export function groupDigits(value: number): string {
  const [whole = '0', fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, '_');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/**
 * `1000000` → `1_000_000 USD`, `1M USD` → `1_000_000 USD`, `$250k` → `250_000 USD`,
 * `500 dollars` → `500 USD`. Undefined when the text is not an amount in dollars.
 */
export function suggestUsd(input: unknown): string | undefined {
  if (typeof input === 'number')
    return Number.isFinite(input) && input >= 0 && !String(input).includes('e')
      ? `${groupDigits(input)} USD`
      : undefined;
  if (typeof input !== 'string') return undefined;
  const match = /^\s*(?:\$|USD\s*)?\s*(\d[\d_,]*(?:\.\d+)?)\s*([A-Za-z]*)\s*(USD|usd|dollars?|\$)?\s*$/i.exec(
    input,
  );
  if (!match?.[1]) return undefined;
  const digits = match[1].replaceAll('_', '').replaceAll(',', '');
  if (!NUMBER.test(digits)) return undefined;
  const word = (match[2] ?? '').toLowerCase();
  let multiplier = 1;
  if (word !== '' && word !== 'usd' && !/^dollars?$/.test(word)) {
    const found = MULTIPLIERS[word];
    if (found === undefined) return undefined;
    multiplier = found;
  }
  const value = Number(digits) * multiplier;
  if (!Number.isFinite(value) || !Number.isSafeInteger(Math.round(value))) return undefined;
  // 1.5 × 1e6 is exact; 0.1 × 3 would not be, so a fraction only survives a multiplier of 1.
  const exact = multiplier === 1 ? digits : String(Math.round(value));
  const suggestion = `${groupDigits(Number(exact))} USD`;
  return suggestion === input.trim() ? undefined : suggestion;
}
