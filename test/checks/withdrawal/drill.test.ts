import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../src/checklist/load.js';
import { DEVNET_BRIDGE, DEVNET_LEGACY_BRIDGE } from '../../../src/devnet/constants.js';
import type { Drill } from '../../../src/drill/journal.js';
import { runChecklist } from '../../../src/engine/run.js';
import { cli } from '../../helpers/cli.js';
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
    // The venue's portal in checklistYaml: the drill went through this checklist's bridge.
    portal: DEVNET_BRIDGE.portal,
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

/** A drill section through `portal`, placed before the checks of a checklistYaml document. */
const withDrill = (yaml: string, portal: string) =>
  yaml.replace(
    '\nchecks:\n',
    `\ndrill:\n  amount: 0.001 ether\n  maxAmount: 0.01 ether\n  portal: "${portal}"\nchecks:\n`,
  );

async function check(
  journal: unknown,
  params = 'maxProveTime: 5m\n    maxTotalTime: 15m',
  drillPortal?: string,
) {
  const stateDir = await mkdtemp(join(tmpdir(), 'l2p-drill-check-'));
  if (journal !== undefined) {
    await mkdir(join(stateDir, 'venue'), { recursive: true });
    await writeFile(
      join(stateDir, 'venue', 'drill.json'),
      typeof journal === 'string' ? journal : JSON.stringify(journal),
    );
  }
  // The check reads only the journal: the RPC is never contacted.
  const yaml = checklistYaml(
    'http://127.0.0.1:1',
    `  - id: drill\n    type: withdrawal.drill\n    ${params}\n`,
  );
  const checklist = parseChecklist(drillPortal ? withDrill(yaml, drillPortal) : yaml, 'venue.yaml', {
    env: {},
  });
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

  it("errors, never passes, on a drill through another portal of this chain (the venue's portal)", async () => {
    const result = await check({ version: 1, past: [drill({ portal: DEVNET_LEGACY_BRIDGE.portal })] });
    expect(result?.status).toBe('error');
    expect(result?.message).toContain(
      `withdrew through portal ${DEVNET_LEGACY_BRIDGE.portal}, not this checklist's ${DEVNET_BRIDGE.portal}`,
    );
  });

  it("compares with the checklist's drill.portal before the venue's portal", async () => {
    const params = 'maxProveTime: 5m\n    maxTotalTime: 15m';
    const other = await check({ version: 1, past: [drill()] }, params, DEVNET_LEGACY_BRIDGE.portal);
    expect(other?.status).toBe('error');
    expect(other?.message).toContain(
      `withdrew through portal ${DEVNET_BRIDGE.portal}, not this checklist's ${DEVNET_LEGACY_BRIDGE.portal}`,
    );
    const own = await check(
      { version: 1, past: [drill({ portal: DEVNET_LEGACY_BRIDGE.portal })] },
      params,
      DEVNET_LEGACY_BRIDGE.portal,
    );
    expect(own?.status, own?.message).toBe('pass');
  });

  it('takes a journaled drill without a portal as before (nothing to compare)', async () => {
    const { portal: _portal, ...old } = drill();
    const result = await check({ version: 1, past: [old] });
    expect(result?.status, result?.message).toBe('pass');
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

describe('withdrawal.drill through the CLI: prod and staging checklists of one chain sharing --state', () => {
  it("errors on staging's run when the journal under their shared name holds prod's drill, and passes prod's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-drill-portal-'));
    const state = join(dir, 'state');
    const checks = '  - id: drill\n    type: withdrawal.drill\n    maxProveTime: 5m\n    maxTotalTime: 15m\n';
    const yaml = checklistYaml('http://127.0.0.1:1', checks);
    await mkdir(join(dir, 'prod'));
    await mkdir(join(dir, 'staging'));
    await writeFile(join(dir, 'prod', 'base.yaml'), withDrill(yaml, DEVNET_BRIDGE.portal));
    await writeFile(join(dir, 'staging', 'base.yaml'), withDrill(yaml, DEVNET_LEGACY_BRIDGE.portal));
    // Both checklists key their journal by the file name: <state>/base/drill.json. Prod's drill wrote it.
    await mkdir(join(state, 'base'), { recursive: true });
    await writeFile(
      join(state, 'base', 'drill.json'),
      JSON.stringify({ version: 1, past: [drill({ checklist: 'prod/base.yaml' })] }),
    );
    const resultOf = async (file: string) => {
      const { stdout, stderr } = await cli(['run', file, '--format', 'json', '--state', state], {}, dir);
      const report = JSON.parse(stdout) as { results: { status: string; message: string }[] };
      expect(report.results, stderr).toHaveLength(1);
      return report.results[0];
    };
    const staging = await resultOf(join('staging', 'base.yaml'));
    expect(staging?.status).toBe('error');
    expect(staging?.message).toContain(`withdrew through portal ${DEVNET_BRIDGE.portal}`);
    expect((await resultOf(join('prod', 'base.yaml')))?.status).toBe('pass');
  });
});
