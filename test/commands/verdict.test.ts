/**
 * What the binary says when a checklist cannot measure what it promises: checks that cannot run on the
 * venue are refused before anything runs (exit 2), and a run with no measured critical check has no
 * verdict (exit 3), never ROUTE. No chain is needed: nothing here reaches one.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isVerdictChange } from '../../src/commands/notify.js';
import type { RunResult } from '../../src/core/result.js';
import { cli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-verdict-'));
});

async function checklist(name: string, stack: string, checks: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    `version: 1
name: ${name}
venue:
  stack: ${stack}
  l2:
    chainId: 10
    rpc: ["http://127.0.0.1:1"]
checks:
${checks}`,
  );
  return file;
}

describe('a check that cannot run on the declared venue', () => {
  // Two spawns each: generous timeouts, since the CLI's start-up slows with the machine's load.
  it('validate refuses critical oracle.market and insurance.venue-fund on op-stack, at file:line:col, exit 2', {
    timeout: 90_000,
  }, async () => {
    const file = await checklist(
      'op-with-dydx-checks.yaml',
      'op-stack',
      `  - id: btc
    type: oracle.market
    market: BTC-USD
  - id: fund
    type: insurance.venue-fund
    min: 1_000_000 USD
`,
    );
    for (const command of ['validate', 'run']) {
      const { code, stdout, stderr } = await cli([command, file]);
      expect(code, command).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(
        `${file}:10:11: oracle.market cannot run on this venue: it runs on dydx-v4 only, and this venue is op-stack; expected venue.stack dydx-v4`,
      );
      expect(stderr).toContain(`${file}:13:11: insurance.venue-fund cannot run on this venue`);
    }
  });
});

describe('a run in which no critical check measured anything', () => {
  const checks = `  - id: head
    type: sequencer.head-age
    skip: sequencer under maintenance
  - id: lag
    type: sequencer.safe-lag
    skip: the endpoint has no safe tag
  - id: cadence
    type: sequencer.cadence
    severity: warning
`;

  it('says NO VERDICT and exits 3 when every critical check is skipped (skip:)', {
    timeout: 90_000,
  }, async () => {
    // evm, not op-stack: on op-stack cadence skips too (grid timestamps), and this test wants one error.
    const file = await checklist('all-skipped.yaml', 'evm', checks);
    const table = await cli(['run', file, '--state', join(dir, 'state-table')]);
    expect(table.code).toBe(3);
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe(
      'VERDICT: NO VERDICT — no critical check measured anything (head: skip, lag: skip): nothing measured can back a ROUTE',
    );
    const json = await cli(['run', file, '--format', 'json', '--state', join(dir, 'state-json')]);
    expect(json.code).toBe(3);
    const report = JSON.parse(json.stdout);
    expect(report.verdict).toBe('NO VERDICT');
    // the warning-level check could not reach its (absent) endpoint: an error, and no verdict either
    expect(report.summary).toMatchObject({ skip: 2, error: 1, pass: 0 });
  });

  it('is the same when --skip leaves no critical check, and a second run reads its history back', {
    timeout: 90_000,
  }, async () => {
    const file = await checklist('skip-flag.yaml', 'op-stack', checks.replaceAll(/\n {4}skip: .*/g, ''));
    const state = join(dir, 'state-skip-flag');
    for (const run of [1, 2]) {
      const { code, stdout, stderr } = await cli(['run', file, '--skip', 'head,lag', '--state', state]);
      expect(code, `run ${run}`).toBe(3);
      expect(stdout).toContain('VERDICT: NO VERDICT');
      expect(stderr).not.toContain('history');
    }
  });
});

describe('explain', () => {
  it('shows what sequencer.safe-lag needs and its Arbitrum defaults', async () => {
    const { code, stdout } = await cli(['explain', 'sequencer.safe-lag']);
    expect(code).toBe(0);
    expect(stdout).toContain('Needs:\n  an EVM L2 (not dydx-v4)\n');
    expect(stdout).toContain('maxSafeLag (duration, default 10m; on arbitrum 75m)');
    expect(stdout).toContain('maxFinalizedLag (duration, default 45m; on arbitrum 90m)');
  });

  it('shows that oracle.market runs on dYdX v4 only', async () => {
    const { stdout } = await cli(['explain', 'oracle.market']);
    expect(stdout).toContain('Needs:\n  stack dydx-v4\n');
  });
});

describe('--notify', () => {
  it('treats a first run with no verdict as news, like a first HOLD, and a first ROUTE as none', () => {
    const first = (verdict: RunResult['verdict']) => isVerdictChange({ verdict } as RunResult, undefined);
    expect(first('NO VERDICT')).toBe(true);
    expect(first('HOLD')).toBe(true);
    expect(first('ROUTE')).toBe(false);
  });
});
