/**
 * The real binary on checklists that crashed it (exit 70, a stack trace) or were taken at face value:
 * each is now exit 2 with one message at file:line:col, and no stack trace (issue #13 items 7, 9, 10).
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
    rpc: ["http://127.0.0.1:1"]
`;
const CHECKS = 'checks:\n  - id: head\n    type: sequencer.head-age\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-refuse-'));
});

async function validate(name: string, text: string) {
  const file = join(dir, name);
  await writeFile(file, text);
  return { file, ...(await cli(['validate', file])) };
}

const STACK_FRAME = /^\s+at /m;

describe('validate on YAML that crashed the loader', () => {
  it('refuses an alias bomb: exit 2, the position, no stack trace', async () => {
    const bomb = `x:
  a: &a [x, x, x, x, x, x, x, x, x, x]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
    const { file, code, stdout, stderr } = await validate('bomb.yaml', `${HEADER}${bomb}${CHECKS}`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:10:10: YAML aliases expand to more than 100 nodes`);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain('internal error');
  });

  it('refuses an alias to an undefined anchor: exit 2, no stack trace', async () => {
    const { file, code, stderr } = await validate(
      'anchor.yaml',
      `${HEADER.replace('name: T', 'name: *t')}${CHECKS}`,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:2:7: YAML alias *t refers to no anchor defined before it`);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses a checklist cut inside a value, and says it may be cut short', async () => {
    const { code, stderr } = await validate(
      'cut.yaml',
      `${HEADER}${CHECKS}  - id: price\n    type: oracle.chainl`,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('the file ends inside a value — was it cut short?');
  });

  it('keeps printing the number of checks of a valid checklist', async () => {
    const { code, stdout } = await validate('ok.yaml', `${HEADER}${CHECKS}`);
    expect(code).toBe(0);
    expect(stdout).toContain('valid — 1 checks');
  });
});

describe('run refuses a duration flag that would overflow its timer or switch itself off', () => {
  it.each([
    ['--watch', '25d', '--watch: a duration of 25d is too long: at most 24d'],
    ['--deadline', '25d', '--deadline: a duration of 25d is too long: at most 24d'],
    // 0 read as "no deadline"
    ['--deadline', '0s', '--deadline: expected a duration greater than zero'],
  ])('%s %s exits 2 before anything runs', async (flag, value, message) => {
    const file = join(dir, 'flags.yaml');
    await writeFile(file, `${HEADER}${CHECKS}`);
    const { code, stdout, stderr } = await cli(['run', file, flag, value]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});
