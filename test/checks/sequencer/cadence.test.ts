import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
import { cadence } from '../../../src/checks/sequencer/cadence.js';
import { startSequencer } from '../../../src/devnet/sequencer.js';
import { anvilRpc } from '../../../src/devnet/venue.js';
import { cli } from '../../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, checklistYaml, runOne } from '../../helpers/venue.js';

const params = { window: 4, maxGap: 10_000, maxP99: 5_000 };
const blocks = (timestamps: number[]) => timestamps.map((timestamp, i) => ({ number: 100 + i, timestamp }));

describe('sequencer.cadence evaluate', () => {
  it('passes on regular 1 s blocks', () => {
    const j = cadence.evaluate(params, blocks([10, 11, 12, 13, 14]), 0);
    expect(j.holds).toBe(true);
    expect(j.observed).toBe('median 1s, p99 1s, largest gap 1s');
  });
  it('fails on a gap above maxGap and names the blocks around it', () => {
    const j = cadence.evaluate(params, blocks([10, 11, 31, 32, 33]), 0);
    expect(j.holds).toBe(false);
    expect(j.message).toContain('20s gap between blocks 101 and 102');
    expect(j.evidence?.largestGapMs).toBe(20_000);
  });
  it('fails on an erratic p99 even without a single huge gap', () => {
    const j = cadence.evaluate({ ...params, maxGap: 60_000 }, blocks([0, 8, 16, 24, 32]), 0);
    expect(j.holds).toBe(false);
    expect(j.message).toContain('p99 interval 8s above 5s');
  });
});

/**
 * One devnet for both groups below: the 40 s stall is written into a snapshot that is reverted (and the
 * sequencer restarted on the grid) before the next test, so the OP Stack group sees a chain without it.
 */
let venue: TestVenue;
beforeAll(async () => {
  venue = await sharedTestVenue();
});
afterAll(() => venue?.stop());

describe('sequencer.cadence on the devnet', () => {
  it("passes on the devnet's steady 1 s blocks", async () => {
    const result = await runOne(
      venue.node.url,
      'type: sequencer.cadence\nwindow: 60\nmaxGap: 10s\nmaxP99: 5s',
    );
    expect(result.status).toBe('pass');
  });

  it('fails after the sequencer stalled for 40 s', async () => {
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    const beforeStall = await anvilRpc<string>(venue.clients, 'evm_snapshot');
    try {
      const head = await venue.clients.public.getBlock({ blockTag: 'latest' });
      await anvilRpc(venue.clients, 'evm_setNextBlockTimestamp', [Number(head.timestamp) + 40]);
      await anvilRpc(venue.clients, 'evm_mine', []);
      await anvilRpc(venue.clients, 'anvil_mine', ['0x3', '0x1']);
      const result = await runOne(
        venue.node.url,
        'type: sequencer.cadence\nwindow: 60\nmaxGap: 10s\nmaxP99: 5s',
      );
      expect(result.status).toBe('fail');
      expect(result.message).toContain(
        `40s gap between blocks ${head.number} and ${(head.number ?? 0n) + 1n}`,
      );
    } finally {
      // Back to before the gap (anvil resets its clock to the snapshot's head), then mine on the grid again.
      await anvilRpc(venue.clients, 'evm_revert', [beforeStall]);
      await startSequencer(venue.clients);
    }
  });
});

describe('sequencer.cadence on an OP Stack grid', () => {
  const CHECK = 'type: sequencer.cadence\nwindow: 60\nmaxGap: 3s\nmaxP99: 2s';

  it('cannot see a 5 s stall that ended (back-filled on the grid): skip on op-stack, never pass', async () => {
    await applyScenario(venue, 'sequencer-halt');
    const halted = await venue.clients.public.getBlock({ blockTag: 'latest' });
    while (Date.now() / 1000 - Number(halted.timestamp) < 5) await new Promise((r) => setTimeout(r, 100));
    await applyScenario(venue, 'sequencer-resume');
    // The evidence cadence reads is blind: on a stack without the grid the same blocks pass.
    expect((await runOne(venue.node.url, CHECK, undefined, { stack: 'evm' })).status).toBe('pass');
    const result = await runOne(venue.node.url, CHECK, undefined, { stack: 'op-stack' });
    expect(result.status).toBe('skip');
    expect(result.message).toContain('OP Stack timestamps are a grid');
    expect(result.message).toContain('sequencer.outages');
  });

  it('validate warns about a cadence check on op-stack at its file:line:col, and not on evm', () => {
    const yaml = (stack: 'op-stack' | 'evm') =>
      checklistYaml(
        venue.node.url,
        `  - id: cadence\n    ${CHECK.replace(/\n/g, '\n    ')}\n`,
        901,
        undefined,
        stack,
      );
    const opStack = parseChecklist(yaml('op-stack'), 'grid.yaml', { env: {} });
    expect(opStack.warnings).toHaveLength(1);
    const [warning] = opStack.warnings ?? [];
    expect(warning?.message).toContain('sequencer.cadence: always skipped on op-stack');
    const line =
      yaml('op-stack')
        .split('\n')
        .findIndex((l) => l.includes('type: sequencer.cadence')) + 1;
    expect(warning?.position).toEqual({ file: 'grid.yaml', line, column: 11 });
    expect(parseChecklist(yaml('evm'), 'grid.yaml', { env: {} }).warnings).toEqual([]);
  });

  it('`l2preflight validate` prints the warning on stderr and still exits 0', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'l2p-grid-')), 'grid.yaml');
    await writeFile(
      file,
      checklistYaml(
        venue.node.url,
        `  - id: cadence\n    ${CHECK.replace(/\n/g, '\n    ')}\n`,
        901,
        undefined,
        'op-stack',
      ),
    );
    const { code, stdout, stderr } = await cli(['validate', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('valid — 1 checks');
    expect(stderr).toMatch(/^warning: .*grid\.yaml:\d+:11: sequencer\.cadence: always skipped on op-stack/);
  });
});
