/**
 * The checklist format, version 1 (DESIGN.md). Check parameters are not here: each check type
 * declares its own, and the loader validates them with that declaration.
 */
import * as z from 'zod';
import { addressSchema, duration, rpcUrl } from '../checks/params.js';
import { parseNativeAmount } from '../core/units.js';
import { SEVERITIES, STACKS } from '../core/vocabulary.js';

// zod compiles a parser for each object schema (new Function) on its first parse, which pays off over
// thousands of parses; a CLI parses one checklist and a few records, and the compiling was most of a
// cold `validate`'s parse time. Same results either way.
z.config({ jitless: true });

const chainSchema = z.strictObject({
  chainId: z.number({ error: 'expected the chain id as a number' }).int().positive(),
  rpc: z
    .union([rpcUrl, z.array(rpcUrl).min(1, { error: 'expected at least one RPC URL' })], {
      error: 'expected an RPC URL or a list of them',
    })
    .transform((value) => (Array.isArray(value) ? value : [value])),
});

/** dYdX v4's endpoints (stack dydx-v4): it has no EVM RPC. */
const dydxSchema = z.strictObject({
  network: z.string({ error: 'expected the chain id, e.g. dydx-mainnet-1' }).default('dydx-mainnet-1'),
  indexer: rpcUrl,
  rpc: z
    .union([rpcUrl, z.array(rpcUrl).min(1, { error: 'expected at least one CometBFT RPC URL' })], {
      error: 'expected a CometBFT RPC URL or a list of them',
    })
    .transform((value) => (Array.isArray(value) ? value : [value])),
  rest: rpcUrl,
});

export const venueSchema = z.strictObject({
  name: z.string().optional(),
  /** Checked against the preset registry by the loader (with a did-you-mean). */
  preset: z.string({ error: 'expected a preset name such as base' }).optional(),
  /** Defaults to the preset's stack, else evm (applied by the loader). */
  stack: z.enum(STACKS, { error: `expected one of ${STACKS.join(', ')}` }).optional(),
  /** Required unless a preset supplies it (checked by the loader). */
  l2: chainSchema.optional(),
  l1: chainSchema.optional(),
  /** Indexer, CometBFT RPC and Cosmos REST for stack dydx-v4 (a preset supplies them). */
  dydx: dydxSchema.optional(),
  contracts: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: 'expected a contract name like ethUsdFeed' }),
      addressSchema,
    )
    .default({}),
});

/**
 * Who answers when a check fails: on any check, and in `defaults` for every check that names none
 * itself (field by field). Shown under a problem in every report and in the notifications.
 */
const escalationShape = {
  owner: z
    .string({ error: 'expected the owner as text: a team or a person, e.g. perps-risk' })
    .trim()
    .min(1, { error: 'expected the owner as text: a team or a person (or remove the key)' })
    .optional()
    .meta({ description: "Who owns this check's concern (a team or a person), shown under a failure." }),
  // The message never echoes the value: a URL read from ${VAR} may carry a token.
  runbook: z
    .string({
      error: 'expected the runbook as an http(s) URL, e.g. https://wiki.example/runbooks/head-fresh',
    })
    .refine(isHttpUrl, {
      error: 'expected the runbook as an http(s) URL, e.g. https://wiki.example/runbooks/head-fresh',
    })
    .optional()
    .meta({
      description: 'An http(s) URL of the runbook for a failure (Alertmanager: runbook_url).',
      format: 'uri',
    }),
  escalation: z
    .string({ error: 'expected who to call as text, e.g. "#perps-oncall, then the desk lead"' })
    .trim()
    .min(1, { error: 'expected who to call as text (or remove the key)' })
    .optional()
    .meta({
      description: 'Who to call when this check fails, free text ("#perps-oncall, then +1 555 0100").',
    }),
};

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export const defaultsSchema = z
  .strictObject({
    timeout: duration('Per-check deadline unless a check or --timeout says otherwise.', '20s', {
      timer: true,
    }),
    severity: z.enum(SEVERITIES, { error: 'expected critical or warning' }).default('critical'),
    clockTolerance: duration(
      "How far this machine's clock may lag the chain head before checks that judge ages are error (--clock-tolerance overrides).",
      '30s',
      // Not a timer, but bounded like --clock-tolerance: 25d of tolerance would switch the clock check off.
      { timer: true },
    ),
    maxBlockAge: duration(
      'Oldest chain head that checks may read state at before they are error (--max-block-age overrides; default max(60s, 30 blocks) per chain).',
    ).optional(),
    rpcTimeout: duration(
      'Per-HTTP-request timeout for RPC calls (default 3s, at most half of timeout); below timeout (--rpc-timeout overrides).',
    ).optional(),
    ...escalationShape,
  })
  .refine((d) => d.rpcTimeout === undefined || d.rpcTimeout < d.timeout, {
    path: ['rpcTimeout'],
    error: 'expected an RPC timeout below defaults.timeout (a check must outlive its first failed request)',
  })
  .prefault({});

const nativeAmount = z
  .union([z.string(), z.number()], { error: 'expected an amount like "0.001 ether"' })
  .transform((value, ctx) => {
    try {
      return parseNativeAmount(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** A withdrawal drill: what each drill withdraws, the hard cap, where to, and the SLA per stage. */
export const drillSchema = z
  .strictObject({
    amount: nativeAmount,
    maxAmount: nativeAmount,
    portal: addressSchema,
    recipient: addressSchema.optional(),
    sla: z
      .strictObject({
        prove: duration('Longest acceptable time from initiation to proof.').optional(),
        finalize: duration('Longest acceptable time from initiation to finalization.').optional(),
      })
      .default({}),
  })
  // `drill withdraw` refuses it too, but only once the key is loaded: validate says so first.
  .refine((drill) => drill.amount <= drill.maxAmount, {
    path: ['amount'],
    error:
      'drill.amount is above drill.maxAmount: the drill would refuse to run (raise maxAmount or lower amount)',
  });

export const checklistSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  name: z.string({ error: 'expected a name for the checklist' }),
  venue: venueSchema,
  defaults: defaultsSchema,
  // Validated after $contract references are resolved (see load.ts).
  drill: z
    .record(z.string(), z.unknown(), { error: 'expected a drill section: amount, maxAmount, portal, …' })
    .optional(),
  checks: z
    .array(z.record(z.string(), z.unknown(), { error: 'expected a check: a map with id and type' }), {
      error: 'expected a list of checks',
    })
    .min(1, { error: 'expected at least one check' }),
});

/** Keys every check accepts, whatever its type. */
export const commonCheckShape = {
  id: z
    .string({ error: 'expected an id' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected an id of letters, digits, ".", "_" or "-"' }),
  type: z.string({ error: 'expected a check type' }),
  severity: z.enum(SEVERITIES, { error: 'expected critical or warning' }).optional(),
  tags: z.array(z.string(), { error: 'expected a list of tags' }).default([]),
  description: z.string().optional(),
  remediation: z.string().optional(),
  ...escalationShape,
  timeout: duration('Deadline for this check.', undefined, { timer: true }).optional(),
  // An empty reason would read as "no skip" and run the check the user meant to switch off.
  skip: z
    .string({ error: 'expected the reason for skipping, as text' })
    .trim()
    .min(1, { error: 'skip needs a reason (skip: "why"); remove the key to run the check' })
    .optional(),
};
