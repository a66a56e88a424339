import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';

const FEED = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

function checklist(checks: string, extra = ''): string {
  return `version: 1
name: Test
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["\${TEST_RPC:-http://127.0.0.1:1}"]
  contracts:
    feed: "${FEED}"
${extra}checks:
${checks}`;
}

function problems(text: string, env: Record<string, string> = {}) {
  try {
    parseChecklist(text, 'test.yaml', { env });
  } catch (error) {
    if (error instanceof ChecklistError) return error.problems;
    throw error;
  }
  throw new Error('expected a ChecklistError');
}

describe('parseChecklist', () => {
  it('parses a valid checklist with units, defaults, references and env', () => {
    const parsed = parseChecklist(
      checklist(`  - id: head
    type: sequencer.head-age
  - id: price
    type: oracle.chainlink
    feed: $feed
    maxAge: 65m
    severity: warning
    tags: [oracle]
`),
      'x.yaml',
      { env: { TEST_RPC: 'https://rpc.example/v2/SECRETKEY' } },
    );
    expect(parsed.venue.l2?.rpc).toEqual(['https://rpc.example/v2/SECRETKEY']);
    expect(parsed.defaults).toEqual({ timeoutMs: 20_000, severity: 'critical', clockToleranceMs: 30_000 });
    const [head, price] = parsed.checks;
    expect(head?.params).toEqual({ max: 30_000 });
    expect(head?.severity).toBe('critical');
    expect(price?.params).toEqual({ feed: FEED, maxAge: 3_900_000, lookback: 86_400_000, maxRounds: 1_000 });
    expect(price?.severity).toBe('warning');
    expect(price?.tags).toEqual(['oracle']);
  });

  it('resolves contract references in checks (aliased ones too) and the drill', () => {
    const parsed = parseChecklist(
      checklist(
        `  - id: price
    type: oracle.chainlink
    feed: &ref $feed
    maxAge: 65m
    tags: [$feed]
  - id: again
    type: oracle.chainlink
    feed: *ref
    maxAge: 65m
`,
        'drill:\n  amount: 0.001 ether\n  maxAmount: 0.01 ether\n  portal: $feed\n  recipient: $feed\n',
      ),
      'x.yaml',
      { env: {} },
    );
    expect(parsed.checks.map((c) => c.params.feed)).toEqual([FEED, FEED]);
    expect(parsed.checks[0]?.tags).toEqual([FEED]);
    expect(parsed.drill?.portal).toBe(FEED);
    expect(parsed.drill?.recipient).toBe(FEED);
  });

  it('reports an unknown check type with its position and a suggestion', () => {
    const [problem] = problems(checklist('  - id: head\n    type: sequencer.head-agee\n'));
    expect(problem?.message).toContain('unknown check type "sequencer.head-agee"');
    expect(problem?.suggestion).toBe('sequencer.head-age');
    expect(problem?.position).toEqual({ file: 'test.yaml', line: 12, column: 11 });
  });

  it('reports an unknown parameter with a did-you-mean', () => {
    const [problem] = problems(checklist('  - id: head\n    type: sequencer.head-age\n    maxx: 30s\n'));
    expect(problem?.message).toBe('check head: unknown key "maxx"');
    expect(problem?.suggestion).toBe('max');
    expect(problem?.position.line).toBe(13);
    expect(problem?.position.column).toBe(5);
  });

  it('reports an unknown top-level key with a did-you-mean', () => {
    const [problem] = problems(
      checklist('  - id: head\n    type: sequencer.head-age\n', 'defualts:\n  timeout: 5s\n'),
    );
    expect(problem?.message).toBe('unknown key "defualts"');
    expect(problem?.suggestion).toBe('defaults');
  });

  it('rejects a bad duration at the value position', () => {
    const [problem] = problems(
      checklist('  - id: head\n    type: sequencer.head-age\n    max: 30 seconds\n'),
    );
    expect(problem?.message).toContain('expected a duration');
    expect(problem?.position).toMatchObject({ line: 13, column: 10 });
  });

  it('rejects a mixed-case address with a wrong checksum', () => {
    const bad = FEED.replace('E7734', 'e7734');
    const [problem] = problems(
      checklist(`  - id: price\n    type: oracle.chainlink\n    feed: "${bad}"\n    maxAge: 1h\n`),
    );
    expect(problem?.message).toContain('invalid EIP-55 checksum');
  });

  it('rejects an unknown $contract reference with a suggestion', () => {
    const [problem] = problems(
      checklist('  - id: price\n    type: oracle.chainlink\n    feed: $fed\n    maxAge: 1h\n'),
    );
    expect(problem?.message).toBe('unknown contract "$fed"');
    expect(problem?.suggestion).toBe('$feed');
  });

  it('names a missing environment variable and never sends an empty string', () => {
    const text = checklist('  - id: head\n    type: sequencer.head-age\n').replace(
      '${TEST_RPC:-http://127.0.0.1:1}',
      '${MISSING_RPC_URL}',
    );
    const [problem] = problems(text, { MISSING_RPC_URL: '' });
    expect(problem?.message).toContain('MISSING_RPC_URL');
    expect(problem?.position.line).toBe(7);
  });

  it('rejects duplicate ids', () => {
    const [problem] = problems(
      checklist('  - id: head\n    type: sequencer.head-age\n  - id: head\n    type: sequencer.head-age\n'),
    );
    expect(problem?.message).toContain('duplicate check id "head"');
    expect(problem?.position).toMatchObject({ line: 13, column: 9 });
  });

  it('reports YAML syntax errors with a position', () => {
    const [problem] = problems('version: 1\nname: [unclosed\n');
    expect(problem?.message).toContain('YAML syntax');
    expect(problem?.position.line).toBeGreaterThanOrEqual(2);
  });

  it('requires maxAge for oracle.chainlink (heartbeats differ per feed)', () => {
    const [problem] = problems(checklist('  - id: price\n    type: oracle.chainlink\n    feed: $feed\n'));
    expect(problem?.message).toContain('maxAge');
  });

  it('refuses a drill on a stack without an OP Stack bridge, at the drill section', () => {
    const drill = 'drill:\n  amount: 0.001 ether\n  maxAmount: 0.01 ether\n  portal: $feed\n';
    const text = checklist('  - id: head\n    type: sequencer.head-age\n', drill);
    expect(() => parseChecklist(text, 'test.yaml', { env: {} })).not.toThrow();
    const [problem] = problems(text.replace('stack: evm', 'stack: arbitrum'));
    expect(problem?.message).toContain('venue.stack arbitrum has no such bridge');
    expect(problem?.position).toMatchObject({ line: 10, column: 1 });
  });

  it('never echoes an invalid RPC URL (it may contain a key)', () => {
    const all = problems(checklist('  - id: head\n    type: sequencer.head-age\n'), {
      TEST_RPC: 'not a url SECRETKEY',
    });
    expect(JSON.stringify(all)).not.toContain('SECRETKEY');
    expect(all[0]?.message).toContain('http(s) URL');
  });

  it('refuses checks that cannot run on the declared venue, each at its type (they could only skip)', () => {
    const text = checklist(
      `  - id: head
    type: sequencer.head-age
  - id: btc
    type: oracle.market
    market: BTC-USD
  - id: fund
    type: insurance.venue-fund
    min: 1_000_000 USD
`,
    ).replace('stack: evm', 'stack: op-stack');
    const [market, fund, ...rest] = problems(text);
    expect(rest).toEqual([]);
    expect(market).toEqual({
      position: { file: 'test.yaml', line: 14, column: 11 },
      message: 'oracle.market cannot run on this venue: it runs on dydx-v4 only, and this venue is op-stack',
      expected: 'venue.stack dydx-v4 (or its preset), or another check type for op-stack',
    });
    expect(fund?.position).toEqual({ file: 'test.yaml', line: 17, column: 11 });
    expect(fund?.message).toContain('insurance.venue-fund cannot run on this venue');
  });

  it('points at the parameter that brings a need the venue lacks', () => {
    const [path] = problems(checklist('  - id: exit\n    type: withdrawal.path\n    portal: $feed\n'));
    expect(path?.message).toBe(
      'withdrawal.path cannot run on this venue: with portal, it reads L1, and the checklist declares no venue.l1',
    );
    expect(path?.expected).toBe('venue.l1: { chainId, rpc }, or a venue.preset that supplies it');
    expect(path?.position).toEqual({ file: 'test.yaml', line: 13, column: 13 });
    const [tier] = problems(
      checklist(
        '  - id: mm\n    type: fees.breakeven\n    strategy: funding-capture\n    notional: 1 USD\n    feeTier: "1"\n    expectedFundingRate: 0.01%\n',
      ),
    );
    expect(tier?.message).toContain('with feeTier, it runs on dydx-v4 only');
    expect(tier?.position.line).toBe(15);
  });

  it('refuses, at validate time, the L1 reads that used to fail only when the check ran', () => {
    // governance.exit-window with its admin on L2 still reads the SequencerInbox on L1.
    const exit = problems(
      checklist(
        '  - id: exit\n    type: governance.exit-window\n    on: l2\n    admin: $feed\n    withdrawalDelay: 7d\n    sequencerInbox: $feed\n',
      ),
    );
    expect(exit).toEqual([
      {
        position: { file: 'test.yaml', line: 16, column: 21 },
        message:
          'governance.exit-window cannot run on this venue: with sequencerInbox, it reads L1, and the checklist declares no venue.l1',
        expected: 'venue.l1: { chainId, rpc }, or a venue.preset that supplies it',
      },
    ]);
    // Its proxy lives where its admin does: on L1 by default.
    const [proxy] = problems(
      checklist(
        '  - id: exit\n    type: governance.exit-window\n    on: l2\n    admin: $feed\n    withdrawalDelay: 7d\n',
      ).replace('on: l2', 'on: l1'),
    );
    expect(proxy?.message).toContain('with admin, it reads L1');
    const [rollup] = problems(checklist('  - id: exit\n    type: withdrawal.path\n    rollup: $feed\n'));
    expect(rollup?.message).toBe(
      'withdrawal.path cannot run on this venue: with rollup, it reads L1, and the checklist declares no venue.l1',
    );
    expect(rollup?.position).toEqual({ file: 'test.yaml', line: 13, column: 13 });
  });

  it("takes a stack's own default when the checklist leaves the parameter out", () => {
    const lag = (stack: string, params = '') =>
      parseChecklist(
        checklist(`  - id: lag\n    type: sequencer.safe-lag\n${params}`).replace(
          'stack: evm',
          `stack: ${stack}`,
        ),
        'x.yaml',
        { env: {} },
      ).checks[0]?.params;
    expect(lag('arbitrum')).toEqual({ maxSafeLag: 75 * 60_000, maxFinalizedLag: 90 * 60_000 });
    expect(lag('op-stack')).toEqual({ maxSafeLag: 10 * 60_000, maxFinalizedLag: 45 * 60_000 });
    expect(lag('evm')).toEqual({ maxSafeLag: 10 * 60_000, maxFinalizedLag: 45 * 60_000 });
    expect(lag('arbitrum', '    maxSafeLag: 5m\n')).toEqual({
      maxSafeLag: 5 * 60_000,
      maxFinalizedLag: 90 * 60_000,
    });
  });
});
