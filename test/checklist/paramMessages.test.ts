/**
 * Issue #18 item 5: a parameter error names the check by its id, says what was given and suggests the
 * spelling that works; a bare number where a unit is expected is refused, for every unit-bearing kind.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseChecklist } from '../../src/checklist/load.js';
import { drillSchema } from '../../src/checklist/schema.js';
import { checkRegistry } from '../../src/checks/index.js';
import { paramMeta } from '../../src/checks/params.js';
import { ChecklistError, type ChecklistProblem, formatProblem } from '../../src/errors.js';

const FEED = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

/** The first check starts on line 11. */
function checklist(checks: string, extra = ''): string {
  return `version: 1
name: Test
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["http://127.0.0.1:1"]
  contracts:
    feed: "${FEED}"
${extra}checks:
${checks}`;
}

function firstProblem(text: string, env: Record<string, string> = {}) {
  try {
    parseChecklist(text, 'test.yaml', { env });
  } catch (error) {
    if (error instanceof ChecklistError) return error.problems[0];
    throw error;
  }
  throw new Error('expected a ChecklistError, got a valid checklist');
}

const head = (max: string) =>
  checklist(`  - id: head-fresh\n    type: sequencer.head-age\n    max: ${max}\n`);
const price = (maxAge: string) =>
  checklist(`  - id: eth-usd\n    type: oracle.chainlink\n    feed: $feed\n    maxAge: ${maxAge}\n`);
const fund = (min: string, assetPrice = '1 USD') =>
  checklist(
    `  - id: fund\n    type: insurance.fund\n    holder: $feed\n    assets:\n      - native: true\n        price: ${assetPrice}\n    min: ${min}\n`,
  );
const simulate = (extra: string) =>
  checklist(`  - id: liq\n    type: liquidation.simulate\n    feed: $feed\n    leverage: 5\n${extra}`);

describe('a parameter error names the check, says what was given, and suggests the spelling', () => {
  it.each([
    ['max: 30 sec', head('30 sec'), 'check head-fresh: max: expected a duration', 'got "30 sec"', '30s'],
    ['max: 30 seconds', head('30 seconds'), 'check head-fresh: max:', 'got "30 seconds"', '30s'],
    ['max: 30secs', head('30secs'), 'check head-fresh: max:', 'got "30secs"', '30s'],
    ['max: 30 s', head('30 s'), 'check head-fresh: max:', 'got "30 s"', '30s'],
    ['maxAge: 1min', price('1min'), 'check eth-usd: maxAge:', 'got "1min"', '1m'],
    ['maxAge: 1 minute', price('1 minute'), 'check eth-usd: maxAge:', 'got "1 minute"', '1m'],
    ['maxAge: 2 hours', price('2 hours'), 'check eth-usd: maxAge:', 'got "2 hours"', '2h'],
    ['maxAge: 5 days', price('5 days'), 'check eth-usd: maxAge:', 'got "5 days"', '5d'],
    ['maxAge: 1 hour 30 minutes', price('1 hour 30 minutes'), 'check eth-usd: maxAge:', 'got', '1h30m'],
    ['a bare max: 30', head('30'), 'check head-fresh: max: expected a duration', 'got 30', '30s'],
    [
      'a bare min: 1000000',
      fund('1000000'),
      'check fund: min: expected a USD amount with its unit',
      'got 1000000',
      '1_000_000 USD',
    ],
    ['a bare quoted min: "250000"', fund('"250000"'), 'check fund: min:', 'got "250000"', '250_000 USD'],
    [
      'min: 1M USD',
      fund('1M USD'),
      'check fund: min: expected a USD amount',
      'got "1M USD"',
      '1_000_000 USD',
    ],
    ['min: 2.5k USD', fund('2.5k USD'), 'check fund: min:', 'got "2.5k USD"', '2_500 USD'],
    [
      'a bare price: 1',
      fund('1 USD', '1'),
      'check fund: assets[0].price: expected a USD amount with its unit',
      'got 1',
      '1 USD',
    ],
    [
      'side: lng',
      simulate('    side: lng\n'),
      'check liq: side: expected one of long, short',
      'got "lng"',
      'long',
    ],
    [
      'defaults.timeout: 30',
      checklist('  - id: head\n    type: sequencer.head-age\n', 'defaults:\n  timeout: 30\n'),
      'defaults.timeout: expected a duration',
      'got 30',
      '30s',
    ],
  ])('%s', (_name, text, message, got, suggestion) => {
    const problem = firstProblem(text);
    expect(problem?.message).toContain(message);
    expect(problem?.message).toContain(got);
    expect(problem?.message).not.toMatch(/checks\.\d/);
    expect(problem?.suggestion).toBe(suggestion);
  });

  it('a bare number past an hour where a duration goes: both readings (30000 ms? 30000 s is 8h20m)', () => {
    const problem = firstProblem(head('30000'));
    expect(problem?.message).toContain('got 30000');
    expect(problem?.suggestion).toEqual(['30000ms', '30000s']);
    expect(formatProblem(problem as ChecklistProblem)).toContain('did you mean "30000ms" or "30000s"?');
  });

  it.each([
    [
      'a bare ratio',
      simulate('    side: long\n    maintenanceMargin: 0.5\n'),
      'check liq: maintenanceMargin: expected a ratio',
      'got "0.5"',
    ],
    [
      'a missing parameter',
      price('1h').replace('    maxAge: 1h\n', ''),
      'check eth-usd: maxAge: expected a duration',
      'got nothing',
    ],
    [
      'a check without an id',
      checklist('  - type: sequencer.head-age\n    max: 30s\n'),
      'check #1: id: expected an id',
      'got nothing',
    ],
    [
      'a number where a whole number goes',
      simulate('    side: long\n').replace('leverage: 5', 'leverage: "5x"'),
      'check liq: leverage: expected a number',
      'got "5x"',
    ],
  ])('%s: no guess, but what was given', (_name, text, message, got) => {
    const problem = firstProblem(text);
    expect(problem?.message).toContain(message);
    expect(problem?.message).toContain(got);
    expect(problem?.suggestion).toBeUndefined();
  });

  it('names the check by its id when its parameters do not fit together', () => {
    const problem = firstProblem(
      checklist(
        '  - id: mm\n    type: fees.breakeven\n    strategy: market-making\n    notional: 1_000 USD\n    nativePrice: 3000 USD\n',
      ),
    );
    expect(problem?.message).toBe(
      'check mm: give takerFeeBps (and makerFeeBps for market making), or feeTier to read them from the venue',
    );
    expect(problem?.position).toMatchObject({ line: 12, column: 11 });
  });

  it('says the variable, never its value, when the value came from the environment', () => {
    const secret = 'not-an-address-SECRET-0123456789';
    const text = price('1h').replace('feed: $feed', 'feed: "${FEED_ADDRESS}"');
    const problem = firstProblem(text, { FEED_ADDRESS: secret });
    expect(problem?.message).toContain('check eth-usd: feed: "${FEED_ADDRESS}" is not a 20-byte hex address');
    expect(JSON.stringify(problem)).not.toContain('SECRET');
  });
});

/** Kinds whose value needs a unit: a bare number there is ambiguous (README, "Rules"). */
const UNIT_KINDS = /^(duration|USD amount|ratio|signed ratio|price)/;

type Wrapped = { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } };

/** Every schema with a parameter kind inside `schema`: through optionals, lists, unions and objects. */
function kindsIn(name: string, schema: z.ZodType): (readonly [string, string, z.ZodType])[] {
  const kind = paramMeta(schema)?.kind;
  if (kind) return [[name, kind, schema]];
  const def = (schema as unknown as Wrapped)._zod.def;
  const inner = def.innerType ?? def.in;
  if (inner) return kindsIn(name, inner);
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape).flatMap(([key, s]) => kindsIn(`${name}.${key}`, s as z.ZodType));
  if (schema instanceof z.ZodArray) return kindsIn(`${name}[]`, schema.element as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap((o) => kindsIn(name, o));
  return [];
}

describe('a bare number is refused wherever a unit is expected', () => {
  const cases = [...checkRegistry.values()].flatMap((definition) =>
    kindsIn(definition.type, definition.params)
      .filter(([, kind]) => UNIT_KINDS.test(kind))
      .map(([name, kind, schema]) => [`${name} (${kind})`, schema] as const),
  );

  it('covers every unit-bearing kind the checks declare', () => {
    const kinds = new Set(cases.map(([name]) => /\((.*)\)$/.exec(name)?.[1]?.split(',')[0]));
    expect([...kinds].sort()).toEqual(['USD amount', 'duration', 'price', 'ratio', 'signed ratio']);
  });

  it.each(cases)('%s refuses 30 and "30"', (_name, schema) => {
    expect((schema as z.ZodType).safeParse(30).success).toBe(false);
    expect((schema as z.ZodType).safeParse('30').success).toBe(false);
  });

  it('refuses a bare drill amount (ether or gwei?)', () => {
    const drill = { maxAmount: '0.01 ether', portal: FEED };
    expect(drillSchema.safeParse({ ...drill, amount: 0.001 }).success).toBe(false);
    expect(drillSchema.safeParse({ ...drill, amount: '0.001' }).success).toBe(false);
    expect(drillSchema.safeParse({ ...drill, amount: '0.001 ether' }).success).toBe(true);
  });
});
