import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
import type { Drill } from '../../../src/drill/journal.js';
import { runChecklist } from '../../../src/engine/run.js';
import { checklistYaml } from '../../helpers/venue.js';

const minute = 60_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

function drill(
  overrides: Partial<Drill> = {},
  times: { sent: number; proved?: number; done?: number } = {
    sent: 10 * minute,
    proved: 9 * minute,
    done: 8 * minute,
  },
): Drill {
  const record = (minedAgo?: number) =>
    minedAgo === undefined
      ? undefined
      : {
          txHash: `0x${'1'.repeat(64)}` as const,
          raw: '0x02' as const,
          sentAt: iso(times.sent),
          minedAt: iso(minedAgo),
        };
  return {
    id: iso(times.sent),
    checklist: 'venue.yaml',
    l1ChainId: 900,
    l2ChainId: 901,
    portal: '0x8A791620dd6260079BF849Dc5567aDC3F2FdC318',
    sender: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    recipient: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
    amountWei: '1000000000000000',
    startedAt: iso(times.sent),
    status: times.done === undefined ? 'open' : 'finalized',
    stages: {
      initiate: {
        txHash: `0x${'1'.repeat(64)}`,
        raw: '0x02',
        sentAt: iso(times.sent),
        minedAt: iso(times.sent - 1000),
      },
      ...(times.proved !== undefined ? { prove: record(times.proved) } : {}),
      ...(times.done !== undefined ? { finalize: record(times.done) } : {}),
    },
    ...overrides,
  };
}

async function check(journal: unknown, params = 'maxProveTime: 5m\n    maxTotalTime: 15m') {
  const stateDir = await mkdtemp(join(tmpdir(), 'l2p-drill-check-'));
  if (journal !== undefined) {
    await mkdir(join(stateDir, 'venue'), { recursive: true });
    await writeFile(
      join(stateDir, 'venue', 'drill.json'),
      typeof journal === 'string' ? journal : JSON.stringify(journal),
    );
  }
  // The check reads only the journal: the RPC is never contacted.
  const checklist = parseChecklist(
    checklistYaml('http://127.0.0.1:1', `  - id: drill\n    type: withdrawal.drill\n    ${params}\n`),
    'venue.yaml',
    { env: {} },
  );
  const { run } = await runChecklist(checklist, { stateDir });
  return run.results[0];
}

describe('withdrawal.drill', () => {
  it('warns with how to start one when no drill has run', async () => {
    const result = await check(undefined);
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('l2preflight drill withdraw <checklist> --execute');
  });

  it('passes when the last drill finalized within its SLA', async () => {
    const result = await check({ version: 1, past: [drill()] });
    expect(result?.status).toBe('pass');
    expect(result?.message).toMatch(/finalized in 2m \(proof after 1m\)/);
  });

  it("errors, never passes, on a finished drill of another chain found under this checklist's name", async () => {
    const result = await check({ version: 1, past: [drill({ l2ChainId: 10 })] });
    expect(result?.status).toBe('error');
    expect(result?.message).toContain("withdrew from chain 10, not this venue's chain 901");
  });

  it('times a stage another party did first from when the drill saw it done on chain', async () => {
    const base = drill();
    const { prove: _proved, ...stages } = base.stages;
    const result = await check({
      version: 1,
      past: [{ ...base, stages, doneOnChain: { prove: iso(9 * minute) } }],
    });
    expect(result?.status).toBe('pass');
    expect(result?.message).toMatch(/finalized in 2m \(proof after 1m\)/);
  });

  it('fails when the last drill missed its SLA', async () => {
    const result = await check({
      version: 1,
      past: [drill({}, { sent: 30 * minute, proved: 20 * minute, done: 10 * minute })],
    });
    expect(result?.status).toBe('fail');
    expect(result?.message).toContain(
      'missed its SLA: proving took 10m (limit 5m); finalizing took 20m (limit 15m)',
    );
  });

  it('fails when the last drill failed', async () => {
    const result = await check({
      version: 1,
      past: [drill({ status: 'failed', failure: 'the prove transaction reverted' })],
    });
    expect(result?.status).toBe('fail');
    expect(result?.message).toContain('failed: the prove transaction reverted');
  });

  it('fails when an open drill is stuck past its SLA, and passes one that is on time', async () => {
    const stuck = await check({ version: 1, current: drill({}, { sent: 20 * minute }), past: [] });
    expect(stuck?.status).toBe('fail');
    expect(stuck?.message).toContain(
      'is stuck: not proven after 20m (limit 5m); not finalized after 20m (limit 15m)',
    );
    const onTime = await check({
      version: 1,
      current: drill({}, { sent: 2 * minute, proved: minute }),
      past: [],
    });
    expect(onTime?.status).toBe('pass');
    expect(onTime?.message).toContain('in progress: finalize');
  });

  it('warns when the last drill is older than maxAge', async () => {
    const result = await check(
      { version: 1, past: [drill()] },
      'maxProveTime: 5m\n    maxTotalTime: 15m\n    maxAge: 5m',
    );
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('the last drill is 8m old');
  });

  it('errors on an unreadable journal, and leaves it where it is', async () => {
    const result = await check('{"version":1,"cur');
    expect(result?.status).toBe('error');
    expect(result?.message).toContain('the drill journal is unusable');
  });

  it('judges the open drill, not the last finished one, when both are in the journal', async () => {
    const failed = drill({ status: 'failed', failure: 'reverted' });
    const open = drill({}, { sent: 2 * minute, proved: minute });
    const result = await check({ version: 1, current: open, past: [failed] });
    expect(result?.status).toBe('pass');
    expect(result?.message).toContain(`drill ${open.id} in progress: finalize`);
  });

  it('errors, never passes, when the run has no state directory to read the journal from', async () => {
    const checklist = parseChecklist(
      checklistYaml('http://127.0.0.1:1', '  - id: drill\n    type: withdrawal.drill\n'),
      'venue.yaml',
      { env: {} },
    );
    const { run } = await runChecklist(checklist);
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.message).toContain('no state directory for this run');
  });
});
