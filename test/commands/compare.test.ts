/**
 * `run A.yaml B.yaml`: two checklists against two differently-broken devnet venues (the worker's shared
 * one with its insurance fund drained, one of this file's own with a stale oracle), run side by side.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningVenue } from '../../src/devnet/venue.js';
import { cli } from '../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario, checklistYaml, startTestVenue } from '../helpers/venue.js';

const CHECKS = `  - id: head
    type: sequencer.head-age
    max: 1h
  - id: eth-usd
    type: oracle.chainlink
    feed: $ethUsdFeed
    maxAge: 65m
    remediation: Wait for a fresh round.
  - id: fund
    type: insurance.fund
    holder: $insuranceFund
    assets:
      - token: $usdc
        price: 1 USD
    min: 1_000_000 USD
    remediation: Reduce size until the fund is refilled.
`;

const named = (name: string, yaml: string) => yaml.replace('\nvenue:\n', `\nvenue:\n  name: ${name}\n`);

/** The matrix line of a concern, its cells split on the two-space gaps. */
function row(stdout: string, concern: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${concern} `));
  return (line ?? '').split(/ {2,}/).slice(1);
}

describe('run with several checklists: venues side by side', () => {
  let shared: TestVenue;
  let own: RunningVenue;
  let dir: string;
  let alpha: string;
  let beta: string;
  let dead: string;

  beforeAll(async () => {
    [shared, own] = await Promise.all([sharedTestVenue(), startTestVenue()]);
    dir = await mkdtemp(join(tmpdir(), 'l2preflight-compare-'));
    alpha = join(dir, 'alpha.yaml');
    beta = join(dir, 'beta.yaml');
    dead = join(dir, 'dead.yaml');
    await writeFile(alpha, named('Alpha', checklistYaml(shared.node.url, CHECKS)));
    await writeFile(beta, named('Beta', checklistYaml(own.node.url, CHECKS)));
    // Nothing listens on port 1: every check is an error, the venue NO VERDICT.
    await writeFile(dead, named('Dead', checklistYaml('http://127.0.0.1:1', CHECKS)));
  }, 120_000);
  afterAll(async () => {
    await own?.stop();
  });

  it('healthy venues: every checked cell passes, ROUTE, exit 0; a dead venue makes it NO VERDICT, exit 3', {
    timeout: 120_000,
  }, async () => {
    const { code, stdout, stderr } = await cli(['run', alpha, beta, '--state', join(dir, 'state')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('2 venues compared — ROUTE');
    expect(row(stdout, 'CONCERN')).toEqual(['Alpha', 'Beta']);
    expect(row(stdout, 'oracles')).toEqual([
      expect.stringMatching(/^✓ PASS /),
      expect.stringMatching(/^✓ PASS /),
    ]);
    expect(row(stdout, 'insurance')).toEqual([
      expect.stringMatching(/^✓ PASS /),
      expect.stringMatching(/^✓ PASS /),
    ]);
    expect(row(stdout, 'withdrawals')).toEqual(['· not checked', '· not checked']);
    expect(row(stdout, 'VERDICT')).toEqual(['✓ ROUTE', '✓ ROUTE']);

    const withDead = await cli(['run', alpha, dead, '--state', join(dir, 'state')]);
    expect(withDead.code).toBe(3);
    expect(row(withDead.stdout, 'sequencer')).toEqual([expect.stringMatching(/^✓ PASS /), '? ERROR rpc']);
    expect(row(withDead.stdout, 'VERDICT')).toEqual(['✓ ROUTE', '? NO VERDICT']);
  });

  describe('with the fund drained on one venue and the oracle stale on the other', () => {
    beforeAll(async () => {
      await applyScenario(shared, 'drained-fund');
      await applyScenario(
        { ...shared, node: own.node, clients: own.clients, l1: own.l1, replica: own.replica },
        'stale-oracle',
      );
    }, 60_000);

    it('prints each venue’s broken concern as FAIL with its figure, the problems below, exit 1', {
      timeout: 120_000,
    }, async () => {
      const { code, stdout } = await cli(['run', alpha, beta, '--state', join(dir, 'state')]);
      expect(code).toBe(1);
      expect(stdout.split('\n')[0]).toBe('2 venues compared — HOLD');
      expect(row(stdout, 'sequencer')).toEqual([
        expect.stringMatching(/^✓ PASS /),
        expect.stringMatching(/^✓ PASS /),
      ]);
      expect(row(stdout, 'insurance')).toEqual([
        expect.stringMatching(/^✗ FAIL 0(\.00)? USD$/),
        expect.stringMatching(/^✓ PASS /),
      ]);
      expect(row(stdout, 'oracles')).toEqual([
        expect.stringMatching(/^✓ PASS /),
        expect.stringMatching(/^✗ FAIL /),
      ]);
      expect(row(stdout, 'VERDICT')).toEqual(['✗ HOLD', '✗ HOLD']);
      expect(stdout).toMatch(
        /Alpha — HOLD: .*fund[\s\S]*✗ FAIL fund: [\s\S]*remediation: Reduce size until the fund is refilled\./,
      );
      expect(stdout).toMatch(
        /Beta — HOLD: .*eth-usd[\s\S]*✗ FAIL eth-usd: [\s\S]*remediation: Wait for a fresh round\./,
      );

      // A failure outranks a venue that could not be measured: 1 over 3.
      const withDead = await cli(['run', alpha, dead, '--state', join(dir, 'state')]);
      expect(withDead.code).toBe(1);
    });

    it('--format json: the comparison verdict and each venue’s full single-run report', {
      timeout: 120_000,
    }, async () => {
      const { code, stdout } = await cli([
        'run',
        alpha,
        beta,
        '--format',
        'json',
        '--state',
        join(dir, 'json'),
      ]);
      expect(code).toBe(1);
      const report = JSON.parse(stdout);
      expect(Object.keys(report)).toEqual(['schemaVersion', 'kind', 'verdict', 'venues']);
      expect(report).toMatchObject({ schemaVersion: 1, kind: 'comparison', verdict: 'HOLD' });
      expect(report.venues.map((v: { venue: { name: string } }) => v.venue.name)).toEqual(['Alpha', 'Beta']);
      const status = (venue: number, id: string) =>
        report.venues[venue].results.find((r: { id: string }) => r.id === id)?.status;
      expect([status(0, 'fund'), status(0, 'eth-usd'), status(1, 'fund'), status(1, 'eth-usd')]).toEqual([
        'fail',
        'pass',
        'pass',
        'fail',
      ]);
      // The same shape a single run prints: its keys, in its order.
      const single = JSON.parse(
        (await cli(['run', beta, '--format', 'json', '--state', join(dir, 'json')])).stdout,
      );
      expect(Object.keys(report.venues[1])).toEqual(Object.keys(single));
      // Each venue keeps its own history, as a single run does.
      expect((await readdir(join(dir, 'json'))).length).toBeGreaterThan(0);
    });

    it('--output, --report and the step summary carry the comparison', { timeout: 120_000 }, async () => {
      const out = (name: string) => join(dir, name);
      const { code } = await cli(
        [
          'run',
          alpha,
          beta,
          '--format',
          'markdown',
          '--output',
          out('matrix.md'),
          '--report',
          `junit=${out('matrix.xml')}`,
          '--report',
          `json=${out('matrix.json')}`,
          '--state',
          join(dir, 'state'),
        ],
        { GITHUB_STEP_SUMMARY: out('summary.md') },
      );
      expect(code).toBe(1);
      const markdown = await readFile(out('matrix.md'), 'utf8');
      expect(markdown).toContain('| Concern | Alpha | Beta |');
      expect(markdown).toMatch(/\| insurance \| ❌ fail 0(\.00)? USD \| ✅ pass /);
      expect(await readFile(out('summary.md'), 'utf8')).toBe(markdown);
      const xml = await readFile(out('matrix.xml'), 'utf8');
      expect(xml.match(/<testsuite name="(Alpha|Beta)"/g)).toEqual([
        '<testsuite name="Alpha"',
        '<testsuite name="Beta"',
      ]);
      expect(JSON.parse(await readFile(out('matrix.json'), 'utf8'))).toMatchObject({
        kind: 'comparison',
        verdict: 'HOLD',
      });
    });

    it('an invalid checklist among them: exit 2, one message, nothing runs', {
      timeout: 60_000,
    }, async () => {
      const broken = join(dir, 'broken.yaml');
      await writeFile(
        broken,
        (await readFile(beta, 'utf8')).replace('type: oracle.chainlink', 'type: oracle.chainlnk'),
      );
      const state = join(dir, 'state-invalid');
      const { code, stdout, stderr } = await cli(['run', alpha, broken, '--state', state]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^error: ${broken}:\\d+:\\d+: .*oracle\\.chainlnk`));
      expect(stderr).not.toContain('    at ');
      await expect(readdir(state)).rejects.toThrow(/ENOENT/);
    });
  });

  it('refuses what needs a single checklist, exit 2', { timeout: 60_000 }, async () => {
    for (const flags of [
      ['--watch', '10s'],
      ['--format', 'prometheus'],
      ['--report', 'prometheus=x.prom'],
      ['--notify', 'http://127.0.0.1:9/hook'],
    ]) {
      const { code, stdout, stderr } = await cli(['run', alpha, beta, ...flags]);
      expect(code, flags.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^error: .*(single checklist|run each checklist alone)/);
    }
    const twice = await cli(['run', alpha, `${dir}/./alpha.yaml`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/is given twice/);
    // Same file name under one --state: one history and drill journal for two venues. Refused, and
    // nothing ran (no state written).
    await mkdir(join(dir, 'staging'), { recursive: true });
    const staging = join(dir, 'staging', 'alpha.yaml');
    await copyFile(alpha, staging);
    const state = join(dir, 'shared-state');
    const shared = await cli(['run', alpha, staging, '--state', state]);
    expect(shared.code).toBe(2);
    expect(shared.stderr).toMatch(/would share one run history and drill journal/);
    await expect(readdir(state)).rejects.toThrow();
    // Each in its own state directory (the default, beside each file), they are told apart.
    expect((await cli(['run', alpha, staging, '--format', 'json'])).code).not.toBe(2);
  });
});
