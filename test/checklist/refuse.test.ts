/**
 * Issue #13 items 7, 9 and 10: inputs that crashed the loader, values that quietly switched a check
 * off, and a checklist cut short. Each is a checklist error at its file:line:col — never a crash.
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';

const FEED = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const PRICE_ID = `0x${'ab'.repeat(32)}`;

/** Lines 1–10 are the header; the first check starts on line 11 (`  - id: …`). */
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

const HEAD = '  - id: head\n    type: sequencer.head-age\n';

function outcome(text: string) {
  try {
    return { checklist: parseChecklist(text, 'test.yaml', { env: {} }) };
  } catch (error) {
    if (error instanceof ChecklistError) return { problems: error.problems };
    throw error;
  }
}

function firstProblem(text: string) {
  const result = outcome(text);
  if (!result.problems) throw new Error(`expected a ChecklistError, got a valid checklist`);
  return result.problems[0];
}

const BOMB = `anchors:
  a: &a [x, x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;

const fund = (extra: string, min = '1 USD') =>
  `  - id: fund\n    type: insurance.fund\n    holder: $feed\n    assets:\n      - native: true\n        price: 1 USD\n    min: ${min}\n${extra}`;
const breakeven = (fees: string) =>
  `  - id: mm\n    type: fees.breakeven\n    strategy: market-making\n    notional: 1_000 USD\n    nativePrice: 3000 USD\n    tradesPerDay: 100\n    expectedEdgeBps: 3\n${fees}`;
const simulate = (extra: string) =>
  `  - id: liq\n    type: liquidation.simulate\n    feed: $feed\n    side: long\n    leverage: 5\n${extra}`;

describe('the loader refuses, at the offending line and column', () => {
  it.each([
    // item 7: YAML the library accepts or throws on
    [
      'an alias bomb (aliases past 100 expansions)',
      checklist(HEAD, BOMB),
      'YAML aliases expand to more than 100',
      12,
      10,
    ],
    [
      'an alias to an undefined anchor',
      checklist(HEAD).replace('name: Test', 'name: *nowhere'),
      'YAML alias *nowhere refers to no anchor',
      2,
      7,
    ],
    [
      'an unknown tag',
      checklist(HEAD).replace('name: Test', 'name: !foo Test'),
      'unknown YAML tag (!foo)',
      2,
      7,
    ],
    [
      'a verbatim unknown tag',
      checklist(`${HEAD}    max: !<tag:example.com,2000:d> 30s\n`),
      'unknown YAML tag (tag:example.com,2000:d)',
      13,
      10,
    ],
    [
      'a list as a key',
      checklist(HEAD).replace('name: Test', '? [a, b]\n: 1\nname: Test'),
      'a YAML key that is a list or a map',
      2,
      3,
    ],
    [
      'a merge key',
      checklist(HEAD).replace('  stack: evm', '  <<: { stack: evm }'),
      'YAML merge keys (<<) are not supported',
      4,
      3,
    ],
    [
      'a fixed price that is not a number (crashed in the price transform)',
      checklist(fund('').replace('price: 1 USD', 'price: 1.2.3 USD')),
      'check fund: assets[0].price: expected a USD amount like "5_000_000 USD", got "1.2.3"',
      16,
      16,
    ],
    // item 9: values that quietly disabled a check
    ['version: 01', checklist(HEAD).replace('version: 1', 'version: 01'), 'version is written "01"', 1, 10],
    [
      'version: 1.0',
      checklist(HEAD).replace('version: 1', 'version: 1.0'),
      'version is written "1.0"',
      1,
      10,
    ],
    [
      'skip: "" (an empty reason ran the check)',
      checklist(`${HEAD}    skip: ""\n`),
      'skip needs a reason',
      13,
      11,
    ],
    ['skip: "  "', checklist(`${HEAD}    skip: "  "\n`), 'skip needs a reason', 13, 11],
    [
      'wait: 25d (setTimeout overflows: the probe waited 1 ms)',
      checklist('  - id: reorg\n    type: reorg.probe\n    wait: 25d\n'),
      'a duration of 25d is too long: at most 24d',
      13,
      11,
    ],
    [
      'recheck: 30d',
      checklist('  - id: div\n    type: sequencer.rpc-divergence\n    recheck: 30d\n'),
      'too long: at most 24d',
      13,
      14,
    ],
    ["a check's timeout: 4w", checklist(`${HEAD}    timeout: 4w\n`), 'too long: at most 24d', 13, 14],
    [
      'defaults.timeout: 25d',
      checklist(HEAD, 'defaults:\n  timeout: 25d\n'),
      'too long: at most 24d',
      11,
      12,
    ],
    [
      'defaults.clockTolerance: 25d',
      checklist(HEAD, 'defaults:\n  clockTolerance: 25d\n'),
      'too long: at most 24d',
      11,
      19,
    ],
    [
      'min: 1.000,000 USD (read as 1 USD)',
      checklist(fund('', '1.000,000 USD')),
      'expected a USD amount',
      17,
      10,
    ],
    ['min: 1,00 USD', checklist(fund('', '1,00 USD')), 'expected a USD amount', 17, 10],
    [
      'maxDrawdown: 100% (a fund cannot fall further)',
      checklist(fund('    maxDrawdown: 100%\n')),
      'expected less than 100%',
      18,
      18,
    ],
    [
      'maxProbability: 150%',
      checklist(simulate('    maintenanceMargin: 3%\n    maxProbability: 150%\n')),
      'expected less than 100%',
      17,
      21,
    ],
    [
      'maintenanceMargin: 120%',
      checklist(simulate('    maintenanceMargin: 120%\n')),
      'expected less than 100%',
      16,
      24,
    ],
    [
      'maxConfidence: 100%',
      checklist(
        `  - id: pyth\n    type: oracle.pyth\n    contract: $feed\n    priceId: "${PRICE_ID}"\n    maxAge: 1m\n    maxConfidence: 100%\n`,
      ),
      'expected less than 100%',
      16,
      20,
    ],
    [
      'min: 0 USD (a floor that can never be undercut)',
      checklist(fund('', '0 USD')),
      'expected more than 0 USD',
      17,
      10,
    ],
    [
      'minRatio: 0% (a minimum that can never be undercut)',
      checklist(
        fund(
          '    minRatio: 0%\n    ratioTo:\n      contract: $feed\n      function: "openInterest()(uint256)"\n      decimals: 6\n',
        ),
      ),
      'expected more than 0%',
      18,
      15,
    ],
    [
      'leverage: 0 (divides by zero)',
      checklist(simulate('')).replace('leverage: 5', 'leverage: 0'),
      'expected at least 1',
      15,
      15,
    ],
    [
      'oracle.deviation max: 150%',
      checklist(
        '  - id: dev\n    type: oracle.deviation\n    sources:\n      - $feed\n      - 3000 USD\n    max: 150%\n',
      ),
      'expected less than 100%',
      16,
      10,
    ],
    [
      'makerFeeBps: -1e308',
      checklist(breakeven('    makerFeeBps: -1e308\n    takerFeeBps: 5\n')),
      'expected at least -100',
      18,
      18,
    ],
    [
      'takerFeeBps: 5000',
      checklist(breakeven('    makerFeeBps: 1\n    takerFeeBps: 5000\n')),
      'expected at most 1000',
      19,
      18,
    ],
    [
      'rebalancesPerDay: -4 (a negative cost)',
      checklist(breakeven('    makerFeeBps: 1\n    takerFeeBps: 5\n    rebalancesPerDay: -4\n')),
      'expected at least 0',
      20,
      23,
    ],
    [
      'makerFeeBps: 12e-400 (reads as 0)',
      checklist(breakeven('    makerFeeBps: 12e-400\n    takerFeeBps: 5\n')),
      'the number 12e-400 is too small: it reads as 0',
      18,
      18,
    ],
    [
      'chainId: 1e999 (reads as Infinity)',
      checklist(HEAD).replace('chainId: 901', 'chainId: 1e999'),
      'too large: it reads as Infinity',
      6,
      14,
    ],
    [
      'chainId past 2^53 (rounded)',
      checklist(HEAD).replace('chainId: 901', 'chainId: 99999999999999999999'),
      'too large to be exact',
      6,
      14,
    ],
    [
      'a drill amount above maxAmount',
      checklist(HEAD, 'drill:\n  amount: 0.1 ether\n  maxAmount: 0.01 ether\n  portal: $feed\n'),
      'drill.amount is above drill.maxAmount',
      11,
      11,
    ],
  ])('%s', (_name, text, message, line, column) => {
    const problem = firstProblem(text);
    expect(problem?.message).toContain(message);
    expect(problem?.position).toEqual({ file: 'test.yaml', line, column });
  });

  it('reports a nesting too deep to read as a checklist error', () => {
    const problem = firstProblem(`a: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n${checklist(HEAD)}`);
    expect(problem?.message).toBe('YAML nested too deeply to read');
  });

  it.each([
    ['an empty file', ''],
    ['only a document marker', '---\n'],
    ['a list at the top', '- a\n- b\n'],
    ['binary bytes', '\u0000\u0001\u0002\ufffd\n'],
    ['two documents', `${checklist(HEAD)}---\n${checklist(HEAD)}`],
    ['a duplicate key', checklist(HEAD).replace('name: Test', 'name: Test\nname: Other')],
  ])('refuses %s without a crash', (_name, text) => {
    expect(outcome(text).problems?.length).toBeGreaterThan(0);
  });
});

describe('the loader still accepts', () => {
  it.each([
    ['a byte-order mark', `\ufeff${checklist(HEAD)}`],
    [
      'aliases within bounds',
      checklist(`${HEAD}    tags: &t [core]\n  - id: head2\n    type: sequencer.head-age\n    tags: *t\n`),
    ],
    ['thousands separators grouped by three', checklist(fund('', '1,000,000.50 USD'))],
    ['a rebate and a small exponent', checklist(breakeven('    makerFeeBps: -2.5e-1\n    takerFeeBps: 5\n'))],
    ['24d, the longest timer', checklist('  - id: reorg\n    type: reorg.probe\n    wait: 24d\n')],
    [
      'an age threshold longer than a timer may be',
      checklist(`  - id: price\n    type: oracle.chainlink\n    feed: $feed\n    maxAge: 60d\n`),
    ],
    [
      'a drill amount equal to maxAmount',
      checklist(HEAD, 'drill:\n  amount: 0.01 ether\n  maxAmount: 0.01 ether\n  portal: $feed\n'),
    ],
  ])('%s', (_name, text) => {
    expect(outcome(text).problems).toBeUndefined();
  });
});

describe('a checklist cut short (item 10)', () => {
  const full = checklist(
    `${HEAD}  - id: price\n    type: oracle.chainlink\n    feed: $feed\n    maxAge: 65m\n    description: The price is fresh\n`,
  );
  const cutAfter = (marker: string, keep = 0) => full.slice(0, full.indexOf(marker) + marker.length - keep);

  it.each([
    ['after a key, before its value', cutAfter('    maxAge:'), 16],
    ['after a list dash', `${cutAfter('  - id: price\n')}  -`, 14],
    ['inside a check type', cutAfter('    type: oracle.chainl'), 14],
    ['inside a duration', cutAfter('    maxAge: 6'), 16],
    ['inside a quoted value', cutAfter('rpc: ["http://127.0.0.1'), 7],
    ['inside a flow list', `${full}    tags: [oracle, pri`, 18],
  ])('refuses a file cut %s, saying it may be cut short', (_name, text, line) => {
    const result = outcome(text);
    const [first] = result.problems ?? [];
    expect(first?.message).toContain('the file ends inside a value — was it cut short?');
    expect(first?.position.line).toBe(line);
  });

  it('never echoes the cut line (it may hold an RPC URL with a key)', () => {
    const text = checklist(HEAD).replace('http://127.0.0.1:1"]', 'https://rpc.example/v2/SECRETKEY');
    const cut = text.slice(0, text.indexOf('SECRETKEY') + 'SECRETKEY'.length);
    const result = outcome(cut);
    expect(result.problems?.[0]?.message).toContain('was it cut short?');
    expect(JSON.stringify(result.problems)).not.toContain('SECRETKEY');
  });

  it('accepts a complete file that merely lacks its final newline, with a warning', () => {
    const result = outcome(full.trimEnd());
    expect(result.checklist?.checks).toHaveLength(2);
    expect(result.checklist?.warnings?.map((w) => w.message)).toEqual([
      expect.stringContaining('the file does not end with a newline'),
    ]);
    expect(result.checklist?.warnings?.[0]?.position).toMatchObject({ line: 17 });
  });

  it('does not warn about a file that ends with a newline, or with a comment', () => {
    expect(outcome(full).checklist?.warnings).toEqual([]);
    expect(outcome(`${full}# end`).checklist?.warnings).toEqual([]);
  });
});
