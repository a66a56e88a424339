/**
 * Issue #18 item 5, through the real binary: `validate` and `run` print a checklist error as a compiler
 * does (file:line:col: message, the line, a caret), exit 2, and never print a secret — neither a value
 * interpolated from the environment nor the key in a literal RPC URL on the line shown.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const HEADER = `version: 1
name: T
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["\${L2_RPC_URL}"]
  contracts:
    feed: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
checks:
`;
const ENV = { L2_RPC_URL: 'https://rpc.example/v2/ENVSECRETKEY' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-excerpt-'));
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('a checklist error shows its line and a caret', () => {
  it.each([['validate'], ['run']])(
    '%s: file:line:col, the message by check id, the line, the caret',
    async (command) => {
      const file = await write(
        `${command}.yaml`,
        `${HEADER}  - id: head-fresh\n    type: sequencer.head-age\n    max: 30 sec\n`,
      );
      const { code, stdout, stderr } = await cli([command, file], ENV);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        [
          `error: ${file}:13:10: check head-fresh: max: expected a duration like 30s, 10m, 2h or 7d12h, got "30 sec"; did you mean "30s"?`,
          '  13 |     max: 30 sec',
          '     |          ^',
          '',
        ].join('\n'),
      );
    },
  );

  it('lists independent problems each with its own line', async () => {
    const file = await write(
      'two.yaml',
      `${HEADER}  - id: a\n    type: sequencer.head-age\n    max: 30\n  - id: b\n    type: oracle.chainlink\n    feed: $feed\n    maxAge: 2 hours\n`,
    );
    const { code, stderr } = await cli(['validate', file], ENV);
    expect(code).toBe(2);
    expect(stderr).toContain('error: 2 problems in the checklist:');
    expect(stderr).toContain(
      `${file}:13:10: check a: max: expected a duration like 30s, 10m or 2h, got 30; did you mean "30s"?\n  13 |     max: 30\n     |          ^`,
    );
    expect(stderr).toContain(`${file}:17:13: check b: maxAge:`);
    expect(stderr).toContain('did you mean "2h"?\n  17 |     maxAge: 2 hours\n     |             ^');
  });
});

describe('a duration flag written as people say it', () => {
  it('suggests the spelling that works', async () => {
    const file = await write('flag.yaml', `${HEADER}  - id: head\n    type: sequencer.head-age\n`);
    const { code, stderr } = await cli(['run', file, '--timeout', '30 sec'], ENV);
    expect(code).toBe(2);
    expect(stderr).toContain(
      '--timeout: expected a duration like 30s, 10m, 2h or 7d12h, got "30 sec"; did you mean "30s"?',
    );
  });

  it('offers both readings of a bare number past an hour (--timeout 30000: ms or s?)', async () => {
    const file = await write('flag-ms.yaml', `${HEADER}  - id: head\n    type: sequencer.head-age\n`);
    const { code, stderr } = await cli(['run', file, '--timeout', '30000'], ENV);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout: ');
    expect(stderr).toContain('; did you mean "30000ms" or "30000s"?');
    expect(stderr).not.toContain('did you mean "30000s"?');
  });
});

describe('an RPC URL written without its scheme', () => {
  it('is refused without printing its key, in the message or on the line shown', async () => {
    const file = await write(
      'schemeless.yaml',
      `${HEADER.replace('["${L2_RPC_URL}"]', '"base-mainnet.g.alchemy.com/v2/SECRETKEYabcdef123456"')}  - id: head\n    type: sequencer.head-age\n`,
    );
    const { code, stderr } = await cli(['validate', file], ENV);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:7:10: venue.l2.rpc: expected an http(s) URL`);
    expect(stderr).toContain(['  7 |     rpc: "…"', '    |          ^'].join('\n'));
    expect(stderr).not.toMatch(/SECRETKEY|alchemy/);
  });
});

describe('secrets never reach the output', () => {
  it('shows ${VAR} as written, never the value it took from the environment', async () => {
    const file = await write(
      'env.yaml',
      `${HEADER}  - id: price\n    type: oracle.chainlink\n    feed: "\${FEED_ADDRESS}"\n    maxAge: 1h\n`,
    );
    const secret = 'https://user:pw@feed.example/v2/FEEDSECRETKEY';
    const { code, stderr } = await cli(['validate', file], { ...ENV, FEED_ADDRESS: secret });
    expect(code).toBe(2);
    expect(stderr).toContain('check price: feed: "${FEED_ADDRESS}" is not a 20-byte hex address');
    expect(stderr).toContain('  13 |     feed: "${FEED_ADDRESS}"');
    expect(stderr).not.toMatch(/FEEDSECRETKEY|ENVSECRETKEY|feed\.example|user:pw/);
  });

  it('hides the key of a literal RPC URL on the line it shows, with the caret still under the value', async () => {
    const file = await write(
      'literal.yaml',
      `${HEADER.replace('"${L2_RPC_URL}"', '"https://rpc.example/v2/LITERALKEY", 5')}  - id: head\n    type: sequencer.head-age\n`,
    );
    const { code, stderr } = await cli(['run', file], ENV);
    expect(code).toBe(2);
    expect(stderr).not.toContain('LITERALKEY');
    expect(stderr).toContain(
      ['  7 |     rpc: ["https://rpc.example/…", 5]', '    |                                    ^'].join(
        '\n',
      ),
    );
  });
});
