/**
 * Building blocks for check parameter schemas. Each check declares its parameters once with these;
 * validation, `explain`, `list` and the JSON Schema are all derived from that declaration.
 * The metadata (`kind`, `doc`, `default`) travels on the schema through zod's registry.
 */
import { getAddress, isAddress } from 'viem';
import * as z from 'zod';
import {
  assertTimerDuration,
  formatPercent,
  looksLikeUsd,
  parseDuration,
  parseRatio,
  parseSignedRatio,
  parseWrittenUsd,
  UnitError,
} from '../core/units.js';

export interface ParamMeta {
  kind: string;
  doc: string;
  default?: unknown;
}

function fromUnit<I, T>(parse: (input: I) => T) {
  return (input: I, ctx: z.core.$RefinementCtx<I>) => {
    try {
      return parse(input);
    } catch (error) {
      if (!(error instanceof UnitError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  };
}

/** A parameter with a default may be omitted; the default is parsed like user input (prefault). */
type Param<S extends z.ZodType, D> = undefined extends D ? S : z.ZodPrefault<S>;

function withMeta<S extends z.ZodType, D extends z.input<S> | undefined>(
  schema: S,
  kind: string,
  doc: string,
  def?: D,
): Param<S, D> {
  const meta: ParamMeta = def === undefined ? { kind, doc } : { kind, doc, default: def };
  if (def === undefined) return schema.meta({ description: doc, ...meta }) as Param<S, D>;
  return schema.prefault(def).meta({ description: doc, ...meta }) as unknown as Param<S, D>;
}

const durationSchema = z
  .string({ error: 'expected a duration like 30s, 10m or 2h' })
  .transform(fromUnit(parseDuration))
  .pipe(z.number().positive({ error: 'expected a duration greater than zero' }));

/** A duration that feeds a timer (a sleep, a deadline): bounded, or the timer would overflow and fire at once. */
const timerDurationSchema = durationSchema.transform(fromUnit((ms: number) => assertTimerDuration(ms)));

/**
 * A duration written as `30s`; parsed to milliseconds. `timer`: the value is slept on or used as a
 * deadline, so it is bounded by TIMER_LIMIT_MS (an age threshold such as `maxAge: 30d` is not).
 */
export function duration<D extends string | undefined = undefined>(
  doc: string,
  def?: D,
  options: { timer?: boolean } = {},
) {
  return options.timer
    ? withMeta(timerDurationSchema, 'duration, at most 24d', doc, def)
    : withMeta(durationSchema, 'duration', doc, def);
}

const usdSchema = z
  .union([z.string(), z.number()], { error: 'expected a USD amount like "1_000_000 USD"' })
  .transform(fromUnit(parseWrittenUsd));

/**
 * A USD amount written as `1_000_000 USD`. `above0`: a floor, where 0 could never be undercut and would
 * switch the check off.
 */
export function usd<D extends string | undefined = undefined>(
  doc: string,
  def?: D,
  options: { above0?: boolean } = {},
) {
  const schema = options.above0
    ? usdSchema.refine((value) => value > 0, {
        error: 'expected more than 0 USD: a floor of 0 could never be undercut',
      })
    : usdSchema;
  return withMeta(schema, options.above0 ? 'USD amount, above 0' : 'USD amount', doc, def);
}

const ratioSchema = z
  .union([z.string(), z.number()], { error: 'expected a ratio like "0.5%" or "50bps"' })
  .transform(fromUnit(parseRatio));

/**
 * A ratio written as `0.5%` or `50bps`; parsed to a fraction. `below100`: a probability or a share of
 * a whole (a drawdown, a margin), where 100% or more could never be crossed and would switch the check off.
 */
export function ratio<D extends string | undefined = undefined>(
  doc: string,
  def?: D,
  options: { below100?: boolean; above0?: boolean } = {},
) {
  const capped = options.below100
    ? ratioSchema.refine((value) => value < 1, {
        error: (issue) =>
          `expected less than 100% (a probability or share of a whole), got ${formatPercent(issue.input as number)}: 100% or more could never be reached`,
      })
    : ratioSchema;
  // A minimum of 0% can never be undercut: the check would pass whatever it read.
  const schema = options.above0
    ? capped.refine((value) => value > 0, {
        error: 'expected more than 0%: a minimum of 0% could never be undercut',
      })
    : capped;
  const kind = [options.above0 ? 'above 0%' : '', options.below100 ? 'below 100%' : ''].filter(Boolean);
  return withMeta(schema, kind.length ? `ratio, ${kind.join(' and ')}` : 'ratio', doc, def);
}

const signedRatioSchema = z
  .union([z.string(), z.number()], { error: 'expected a ratio like "0.01%", "-0.01%" or "1bps"' })
  .transform(fromUnit(parseSignedRatio));

/** A ratio that may be negative, written as `-0.01%` or `1bps`; parsed to a fraction. */
export function signedRatio<D extends string | undefined = undefined>(doc: string, def?: D) {
  return withMeta(signedRatioSchema, 'signed ratio', doc, def);
}

export function integer<D extends number | undefined = undefined>(
  doc: string,
  options: { min?: number; max?: number; default?: D } = {},
) {
  let schema = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' });
  if (options.min !== undefined)
    schema = schema.min(options.min, { error: `expected at least ${options.min}` });
  if (options.max !== undefined)
    schema = schema.max(options.max, { error: `expected at most ${options.max}` });
  return withMeta(schema, 'integer', doc, options.default);
}

/**
 * A plain number. `min`/`max` bound it where an absurd magnitude (`makerFeeBps: -1e308`) would make the
 * check's arithmetic meaningless and pass.
 */
export function number<D extends number | undefined = undefined>(
  doc: string,
  def?: D,
  options: { min?: number; max?: number } = {},
) {
  let schema = z.number({ error: 'expected a number' }).finite({ error: 'expected a finite number' });
  if (options.min !== undefined)
    schema = schema.min(options.min, { error: `expected at least ${options.min}` });
  if (options.max !== undefined)
    schema = schema.max(options.max, { error: `expected at most ${options.max}` });
  const range =
    options.min !== undefined && options.max !== undefined
      ? `, ${options.min} to ${options.max}`
      : options.min !== undefined
        ? `, at least ${options.min}`
        : options.max !== undefined
          ? `, at most ${options.max}`
          : '';
  return withMeta(schema, `number${range}`, doc, def);
}

/**
 * An address: 0x-hex (a mixed-case address must carry a valid EIP-55 checksum), or a `$name` from
 * `venue.contracts` — references are resolved before validation, so here it is always hex.
 */
export const addressSchema = z
  .string({ error: 'expected an address (0x…) or a $contract name' })
  .transform((value, ctx) => {
    if (value.startsWith('$')) {
      ctx.addIssue({ code: 'custom', message: `unknown contract reference "${value}"` });
      return z.NEVER;
    }
    if (!isAddress(value, { strict: false })) {
      // 32 bytes is a private key's shape (or a hash's): pasted into the wrong place, it must not reach
      // a CI log through the message that refuses it.
      const shown = /^(?:0x)?[0-9a-fA-F]{64}$/.test(value)
        ? 'a 32-byte hex value (a private key or a hash: not shown)'
        : `"${value}"`;
      ctx.addIssue({ code: 'custom', message: `${shown} is not a 20-byte hex address` });
      return z.NEVER;
    }
    if (!isAddress(value, { strict: true })) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" has an invalid EIP-55 checksum (mixed case must match ${getAddress(value)}; a typo is likely)`,
      });
      return z.NEVER;
    }
    return getAddress(value);
  });

export function address(doc: string) {
  return withMeta(addressSchema, 'address', doc);
}

/** 32 bytes of hex, such as a Pyth price id. */
export function bytes32(doc: string) {
  return withMeta(
    z
      .string({ error: 'expected 32 bytes of hex (0x followed by 64 hex digits)' })
      .regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected 32 bytes of hex (0x followed by 64 hex digits)' })
      .transform((value) => value.toLowerCase() as `0x${string}`),
    'bytes32',
    doc,
  );
}

export function enumeration<
  const T extends readonly [string, ...string[]],
  D extends T[number] | undefined = undefined,
>(values: T, doc: string, def?: D) {
  return withMeta(
    z.enum(values, { error: `expected one of ${values.join(', ')}` }),
    values.join(' | '),
    doc,
    def,
  );
}

/** A price: a fixed USD amount (`1 USD`) or a Chainlink-compatible feed (address or `$name`). */
export type PriceSource = { kind: 'fixed'; usd: number } | { kind: 'feed'; feed: `0x${string}` };

const priceSchema = z
  .union([z.string(), z.number()], { error: 'expected a price: "1 USD" or a feed address / $name' })
  .transform((value, ctx): PriceSource => {
    if (looksLikeUsd(value)) {
      try {
        return { kind: 'fixed', usd: parseWrittenUsd(value) };
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    }
    const parsed = addressSchema.safeParse(value);
    if (parsed.success) return { kind: 'feed', feed: parsed.data };
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  });

export function price(doc: string) {
  return withMeta(priceSchema, 'price', doc);
}

export function paramMeta(schema: z.ZodType): ParamMeta | undefined {
  const meta = schema.meta() as Partial<ParamMeta> | undefined;
  if (!meta?.kind || !meta.doc) return undefined;
  return meta as ParamMeta;
}

// The message never echoes the value: a URL may carry an API key.
export const rpcUrl = z.string({ error: 'expected an http(s) URL' }).refine(
  (value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'expected an http(s) URL (the value is not shown: it may contain a key)' },
);
