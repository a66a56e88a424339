/**
 * A checklist error can land in a CI log that more people read than the file: no key written into the
 * file (a private key where an address goes, an RPC URL with or without its scheme, a token) reaches
 * a problem's message, its "got …", its suggestion or the line shown under it; and nor does a value
 * from the environment, however long.
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';

const KEY = '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

function checklist(
  rpc: string,
  checks = '  - id: head\n    type: sequencer.head-age\n',
  contracts = '',
): string {
  return `version: 1
name: Test
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ${rpc}
${contracts}checks:
${checks}`;
}

/** The first problem, its excerpt, and everything the error prints. */
function refused(text: string, env: Record<string, string> = {}) {
  try {
    parseChecklist(text, 'test.yaml', { env });
  } catch (error) {
    if (error instanceof ChecklistError)
      return { problem: error.problems[0], excerpt: error.excerpts[0], printed: error.message };
    throw error;
  }
  throw new Error('expected a ChecklistError, got a valid checklist');
}

describe('checklist errors never print a secret', () => {
  it('a private key where an address goes: said what it looks like, never printed', () => {
    const { problem, printed } = refused(
      checklist(
        '["http://127.0.0.1:1"]',
        '  - id: head\n    type: sequencer.head-age\n',
        `  contracts:\n    feed: "0x${KEY}"\n`,
      ),
    );
    expect(problem?.message).toBe(
      'venue.contracts.feed: a 32-byte hex value (a private key or a hash: not shown) is not a 20-byte hex address',
    );
    expect(printed).not.toContain(KEY.slice(0, 12));
    expect(printed).toContain('feed: "0x…"');
  });

  it('an RPC URL written without its scheme: neither the message nor the line shows the key', () => {
    const { problem, excerpt, printed } = refused(
      checklist('"base-mainnet.g.alchemy.com/v2/SECRETKEYabcdef123456"'),
    );
    expect(problem?.message).toContain('expected an http(s) URL');
    expect(problem?.secretValue).toBe(true);
    expect(excerpt?.text).toBe('    rpc: "…"');
    expect(printed).not.toMatch(/SECRETKEY|alchemy/);
  });

  it('an RPC URL with a scheme other than http(s): blanked on its line, not only its path', () => {
    const { excerpt, printed } = refused(checklist('["ftp://user:pw@rpc.example/v2/SECRETKEY"]'));
    expect(excerpt?.text).toBe('    rpc: ["…"]');
    expect(printed).not.toMatch(/SECRETKEY|user:pw/);
  });

  it('keeps a ${VAR} on a blanked RPC line: the variable name is no secret', () => {
    const { excerpt, printed } = refused(checklist('["${MYRPC}"]'), {
      MYRPC: 'ftp://rpc.example/v2/ENVSECRET',
    });
    expect(excerpt?.text).toBe('    rpc: ["${MYRPC}"]');
    expect(printed).not.toContain('ENVSECRET');
  });

  it('never echoes text given where a reference feed RPC goes in "got"', () => {
    const { printed } = refused(
      checklist(
        '["http://127.0.0.1:1"]',
        '  - id: btc\n    type: oracle.market\n    market: BTC-USD\n    reference:\n      feed: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"\n      chainId: 1\n      rpc: "mainnet.example.com/v3/SECRETKEY123"\n',
      ).replace(
        'stack: evm',
        'stack: dydx-v4\n  dydx:\n    indexer: http://127.0.0.1:2\n    rpc: http://127.0.0.1:3\n    rest: http://127.0.0.1:4',
      ),
    );
    expect(printed).toContain('reference.rpc');
    expect(printed).not.toMatch(/SECRETKEY|v3/);
  });

  it.each([
    ['a private key', `"0x${KEY}"`, KEY.slice(0, 12), '"0x…"'],
    [
      'an RPC URL with a key',
      '"https://rpc.example/v2/SECRETKEYabcdef123456"',
      'SECRETKEY',
      '"https://rpc.example/…"',
    ],
    [
      'an RPC URL without its scheme',
      '"rpc.example.com/v2/SECRETKEYabcdef123456"',
      'SECRETKEY',
      '"rpc.example.com/…"',
    ],
    ['a token', '"Zk3x9QaP0LmN7bVc2RtY8uWe4SdF6gHjKl"', 'Zk3x9QaP', '"…"'],
  ])('"got" hides %s written where something else goes', (_name, written, secret, shown) => {
    const { problem, printed } = refused(
      checklist(
        '["http://127.0.0.1:1"]',
        `  - id: head\n    type: sequencer.head-age\n    severity: ${written}\n`,
      ),
    );
    expect(problem?.message).toContain(`got ${shown}`);
    expect(printed).not.toContain(secret);
  });

  it('"got" shows a long value from the environment as its ${VAR}, not cut to a fragment of it', () => {
    const secret = `${'longsecretword'.repeat(6)}`;
    const { problem, printed } = refused(
      checklist(
        '["http://127.0.0.1:1"]',
        '  - id: head\n    type: sequencer.head-age\n    severity: "${SEVERITY}"\n',
      ),
      { SEVERITY: secret },
    );
    expect(problem?.message).toContain('got "${SEVERITY}"');
    expect(printed).not.toContain('longsecretword');
  });

  it('leaves ordinary values in "got" as written', () => {
    const { problem } = refused(
      checklist(
        '["http://127.0.0.1:1"]',
        '  - id: head\n    type: sequencer.head-age\n    severity: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"\n',
      ),
    );
    expect(problem?.message).toContain('got "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"');
  });
});
