import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/devnet/anvil.js';
import { admin, anvilRpc, devnetEnvironment, type RunningVenue } from '../src/devnet/venue.js';
import { cli, eventually, keyedProxy, ROOT } from './helpers/cli.js';
import { applyScenario, checklistYaml, startTestVenue } from './helpers/venue.js';

const QUICK = ['--skip', 'no-reorg'];
let stateDirs = 0;
/** A fresh state directory per run, so no test sees another's (or a previous devnet's) history. */
const freshState = () => ['--state', join(dir, `state-${++stateDirs}`)];
let venue: RunningVenue;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  venue = await startTestVenue();
  env = devnetEnvironment(venue);
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-cli-'));
});
afterAll(() => venue?.stop());

async function writeChecklist(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('l2preflight run', () => {
  it('exits 0 with a ROUTE verdict and the JSON report shape on the healthy devnet', async () => {
    const { code, stdout, stderr } = await cli(
      ['run', 'checks/devnet.yaml', '--format', 'json', ...freshState()],
      env,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'tool',
      'checklist',
      'venue',
      'startedAt',
      'durationMs',
      'verdict',
      'summary',
      'results',
      'failOn',
      'endpoints',
      'verdictReason',
      'checksRun',
      'checksInChecklist',
      'cutByDeadline',
    ]);
    expect(report).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'l2preflight', version: '0.1.0' },
      checklist: 'checks/devnet.yaml',
      venue: { name: 'l2preflight devnet', stack: 'op-stack', l2ChainId: 901 },
      verdict: 'ROUTE',
      summary: { pass: 15, warn: 1, fail: 0, error: 0, skip: 0 }, // no drill has run on this devnet
    });
    for (const result of report.results) {
      expect(Object.keys(result).slice(0, 7)).toEqual([
        'id',
        'type',
        'severity',
        'status',
        'observed',
        'threshold',
        'message',
      ]);
    }
  });

  it('prints a table without colour when stdout is not a terminal', async () => {
    const { code, stdout } = await cli(['run', 'checks/devnet.yaml', ...QUICK], env);
    expect(code).toBe(0);
    expect(stdout).toContain('VERDICT: ROUTE');
    expect(stdout).toContain('head-fresh');
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours the table only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    const forced = await cli(['run', 'checks/devnet.yaml', '--only', 'head-fresh'], {
      ...env,
      FORCE_COLOR: '1',
    });
    expect(forced.stdout).toContain('\u001b[');
    const vetoed = await cli(['run', 'checks/devnet.yaml', '--only', 'head-fresh'], {
      ...env,
      FORCE_COLOR: '1',
      NO_COLOR: '1',
    });
    expect(vetoed.stdout).not.toContain('\u001b[');
  });

  it('exits 1 with HOLD and the remediation when a critical check fails', async () => {
    await applyScenario(venue, 'drained-fund');
    try {
      const { code, stdout } = await cli(['run', 'checks/devnet.yaml', ...QUICK], env);
      expect(code).toBe(1);
      expect(stdout).toContain('VERDICT: HOLD');
      expect(stdout).toContain('remediation: Reduce size on this venue');
    } finally {
      await admin.fillFund(venue.clients);
    }
  });

  it('treats a failing warning-level check as blocking only with --fail-on warn', async () => {
    const file = await writeChecklist(
      'warn.yaml',
      checklistYaml(
        venue.node.url,
        // the critical head check is what a ROUTE stands on: without a measured critical check, no verdict
        '  - id: head\n    type: sequencer.head-age\n  - id: price\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 65m\n    max: 1\n    severity: warning\n',
      ),
    );
    const lenient = await cli(['run', file, '--format', 'json']);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).summary.warn).toBe(1);
    const strict = await cli(['run', file, '--format', 'json', '--fail-on', 'warn']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).verdict).toBe('HOLD');
  });

  it('writes well-formed JUnit XML to --output while the table still prints', async () => {
    const output = join(dir, 'report.xml');
    await applyScenario(venue, 'stale-oracle');
    try {
      const { code, stdout } = await cli(
        ['run', 'checks/devnet.yaml', ...QUICK, '--format', 'junit', '--output', output],
        env,
      );
      expect(code).toBe(1);
      expect(stdout).toContain('<testsuites');
      const xml = await readFile(output, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
      const suite = parsed.testsuites.testsuite;
      expect(suite['@_tests']).toBe('16');
      expect(suite['@_failures']).toBe('1'); // eth-usd; the fund accepts a 3 h old price (maxPriceAge 25h)
      expect(suite['@_skipped']).toBe('1');
      const cases = suite.testcase as { '@_name': string; failure?: unknown }[];
      expect(cases.find((c) => c['@_name'] === 'eth-usd')?.failure).toBeDefined();
    } finally {
      await admin.freshPrice(venue.clients);
    }
  });

  it('fails the second run when the chain reorged between two runs, naming the depth', async () => {
    const state = join(dir, 'state');
    const args = ['run', 'checks/devnet.yaml', '--only', 'no-reorg', '--state', state, '--format', 'json'];
    await anvilRpc(venue.clients, 'evm_setIntervalMining', [0]);
    try {
      expect((await cli(args, env)).code).toBe(0);
      await admin.reorg(venue.clients, 3);
      const second = await cli(args, env);
      expect(second.code).toBe(1);
      expect(JSON.parse(second.stdout).results[0].message).toContain('changed since (depth 3)');
    } finally {
      await anvilRpc(venue.clients, 'evm_setIntervalMining', [1]);
    }
  });

  it('exits 3 with NO VERDICT and every check in error when the only RPC is unreachable', async () => {
    const deadPort = await freePort();
    const file = await writeChecklist(
      'dead.yaml',
      checklistYaml(
        `http://127.0.0.1:${deadPort}`,
        '  - id: head\n    type: sequencer.head-age\n  - id: price\n    type: oracle.chainlink\n    feed: $ethUsdFeed\n    maxAge: 1h\n',
      ),
    );
    const { code, stdout } = await cli(['run', file, '--format', 'json']);
    expect(code).toBe(3);
    const report = JSON.parse(stdout);
    expect(report.verdict).toBe('NO VERDICT'); // nothing was measured
    expect(report.summary).toMatchObject({ pass: 0, error: 2 });
  });

  it('falls back to the second RPC when the first is dead, and reports which answered', async () => {
    const deadPort = await freePort();
    const file = await writeChecklist(
      'fallback.yaml',
      checklistYaml(
        [`http://127.0.0.1:${deadPort}`, venue.node.url],
        '  - id: head\n    type: sequencer.head-age\n',
      ),
    );
    const { code, stdout } = await cli(['run', file, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.results[0].status).toBe('pass');
    const [dead, live] = report.endpoints;
    expect(dead.failures).toBeGreaterThan(0);
    expect(live.requests).toBeGreaterThan(0);
    expect(live.failures).toBe(0);
  });

  it('keeps answering from a healthy endpoint when the first one dies mid-run, and says so', async () => {
    const proxy = await keyedProxy(venue.node.url);
    const file = await writeChecklist(
      'dies.yaml',
      checklistYaml(
        [proxy.url('/'), venue.node.url],
        '  - id: probe\n    type: reorg.probe\n    wait: 1500ms\n',
      ),
    );
    const pending = cli(['run', file, '--format', 'json', ...freshState()]);
    expect(await eventually(() => proxy.served() > 0, 20_000)).toBe(true); // the run has started on it
    await proxy.close();
    const { code, stdout } = await pending;
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.results[0].status).toBe('pass');
    const [dying, healthy] = report.endpoints;
    expect(dying.requests).toBeGreaterThan(0);
    expect(dying.failures).toBeGreaterThan(0);
    expect(healthy.requests).toBeGreaterThan(0);
  });

  it('never shows an API key embedded in an RPC URL, in any format or error', async () => {
    const proxy = await keyedProxy(venue.node.url);
    const deadPort = await freePort();
    try {
      const secret = 'SUPERSECRETKEY123';
      const file = await writeChecklist(
        'keyed.yaml',
        checklistYaml(
          ['${DEAD_RPC}', '${LIVE_RPC}'],
          '  - id: head\n    type: sequencer.head-age\n  - id: bad-feed\n    type: oracle.chainlink\n    feed: "0x000000000000000000000000000000000000dEaD"\n    maxAge: 1h\n',
        ),
      );
      const keyed = {
        DEAD_RPC: `http://user:${secret}@127.0.0.1:${deadPort}/v2/${secret}`,
        LIVE_RPC: proxy.url(`/v2/${secret}?apikey=${secret}`),
      };
      for (const format of ['table', 'json', 'junit', 'html']) {
        const { stdout, stderr } = await cli(['run', file, '--format', format, '--debug'], keyed);
        expect(stdout + stderr).not.toContain(secret);
        expect(stdout).toContain(format === 'junit' ? 'testsuites' : 'head');
        // the HTML lists the endpoints: the keyed one is there, by its host only
        if (format === 'html') expect(stdout).toMatch(/<code>http:\/\/127\.0\.0\.1:\d+\/…<\/code>/);
      }
      const dead = await cli(['run', file, '--format', 'json'], { ...keyed, LIVE_RPC: keyed.DEAD_RPC });
      expect(dead.code).toBe(3);
      expect(dead.stdout + dead.stderr).not.toContain(secret);
    } finally {
      await proxy.close();
    }
  });
});

describe('usage and checklist errors', () => {
  it('validate reports file:line:col and exits 2 without a stack trace', async () => {
    const yaml = checklistYaml(
      'http://127.0.0.1:1',
      '  - id: head\n    type: sequencer.head-agee\n    max: 30s\n',
    );
    const file = await writeChecklist('bad.yaml', yaml);
    // The line of the typo, counted from the text (the helper's contract list grows with the devnet).
    const line = yaml.split('\n').findIndex((text) => text.includes('sequencer.head-agee')) + 1;
    const { code, stdout, stderr } = await cli(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:${line}:11: unknown check type "sequencer.head-agee"`);
    expect(stderr).toContain('did you mean "sequencer.head-age"?');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('run refuses a broken checklist with exit 2 before touching the network', async () => {
    const file = await writeChecklist(
      'unset.yaml',
      checklistYaml('${NOT_SET_ANYWHERE}', '  - id: head\n    type: sequencer.head-age\n'),
    );
    const { code, stderr } = await cli(['run', file], { NOT_SET_ANYWHERE: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('NOT_SET_ANYWHERE is not set');
  });

  it('a missing checklist file, an unknown option and a bad flag value exit 2', async () => {
    expect((await cli(['run', join(dir, 'nope.yaml')])).code).toBe(2);
    expect((await cli(['run', '--no-such-flag'])).code).toBe(2);
    const badTimeout = await cli(['run', 'checks/devnet.yaml', '--timeout', 'soon'], env);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout: expected a duration');
  });

  it('refuses an --only or --skip that names no check or tag (it would ROUTE on nothing)', async () => {
    const typo = await cli(['run', 'checks/devnet.yaml', '--only', 'head-frsh'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--only: "head-frsh" is neither a check id nor a tag');
    expect(typo.stderr).toContain('did you mean "head-fresh"?');
    expect((await cli(['run', 'checks/devnet.yaml', '--skip', 'nothing-like-it'], env)).code).toBe(2);
  });

  it('validate, list and explain work without any network', async () => {
    expect((await cli(['validate', 'checks/devnet.yaml'])).stdout).toContain('valid — 16 checks');
    const list = await cli(['list']);
    expect(list.stdout).toContain('sequencer.head-age');
    const explain = await cli(['explain', 'sequencer.head-age']);
    expect(explain.stdout).toContain('max (duration, default 30s)');
    const unknown = await cli(['explain', 'sequencer.head']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "sequencer.head-age"?');
  });
});

describe("the checklist's YAML parse cache (src/checklist/yamlParseCache.ts)", () => {
  const trees = (cache: string) => readdirSync(cache).filter((file) => file.endsWith('.cst'));
  const markers = (cache: string) => readdirSync(cache).filter((file) => file.startsWith('yaml-seen-'));
  /** What two runs must share: the report without its clock and its observed values. */
  const verdictOf = ({ code, stdout, stderr }: { code: number | null; stdout: string; stderr: string }) => {
    const report = JSON.parse(stdout);
    return {
      code,
      stderr,
      verdict: report.verdict,
      summary: report.summary,
      checksRun: report.checksRun,
      results: report.results.map((r: Record<string, unknown>) => [
        r.id,
        r.type,
        r.severity,
        r.status,
        r.threshold,
      ]),
    };
  };

  it('validate and run say the same with a cold cache, a warm one and a damaged one', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'l2preflight-yaml-cache-'));
    const cached = { ...env, L2PREFLIGHT_CACHE_DIR: cache };
    const validate = ['validate', 'checks/devnet.yaml'];
    const run = ['run', 'checks/devnet.yaml', ...QUICK, '--format', 'json'];

    const coldValidate = await cli(validate, cached);
    expect(coldValidate.code, coldValidate.stderr).toBe(0);
    // The first run leaves a marker only; the second, the tree; the third uses it.
    expect(trees(cache)).toEqual([]);
    expect(markers(cache)).toHaveLength(1);
    expect(await cli(validate, cached)).toEqual(coldValidate);
    expect(trees(cache)).toHaveLength(1);
    expect(markers(cache)).toEqual([]);
    const tree = join(cache, trees(cache)[0] as string);
    const written = statSync(tree).ino;
    expect(await cli(validate, cached)).toEqual(coldValidate);
    // Read, not written again (a write renames a new file into place): the warm start used it.
    expect(statSync(tree).ino).toBe(written);
    expect(trees(cache)).toHaveLength(1);

    const warmRun = verdictOf(await cli([...run, ...freshState()], cached));
    expect(warmRun.code).toBe(0);
    await rm(tree);
    expect(verdictOf(await cli([...run, ...freshState()], cached))).toEqual(warmRun);
    expect(trees(cache)).toEqual([]);
    expect(verdictOf(await cli([...run, ...freshState()], cached))).toEqual(warmRun);
    expect(trees(cache)).toHaveLength(1);

    // A flipped byte: a miss, the same output, no stack trace, and a good tree written again.
    const bytes = await readFile(tree);
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    await writeFile(tree, bytes);
    expect(await cli(validate, cached)).toEqual(coldValidate);
    expect(verdictOf(await cli([...run, ...freshState()], cached))).toEqual(warmRun);
    expect((await readFile(tree)).equals(bytes)).toBe(false);
    await writeFile(tree, '');
    expect(await cli(validate, cached)).toEqual(coldValidate);
  });

  it('writes no tree when Ctrl-C stops a watch between runs: the exit is not delayed by it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'l2preflight-yaml-cache-'));
    const cached = { ...env, L2PREFLIGHT_CACHE_DIR: cache, CI: 'true' };
    // The first load leaves the marker, so the watch's load is the one that would write the tree.
    expect((await cli(['validate', 'checks/devnet.yaml'], cached)).code).toBe(0);
    expect(markers(cache)).toHaveLength(1);
    const child = spawn(
      process.execPath,
      ['bin/l2preflight.js', 'run', 'checks/devnet.yaml', ...QUICK, ...freshState(), '--watch', '1h'],
      { cwd: ROOT, env: { ...process.env, ...cached }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Waiting an hour for its next run: stopped between runs, it exits with the run's code.
    expect(await eventually(() => /verdict ROUTE\n/.test(stdout), 20_000)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(trees(cache)).toEqual([]);
  }, 60_000);

  it('keeps no broken checklist, whose message stays the same, cold or warm', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'l2preflight-yaml-cache-'));
    const yaml = checklistYaml(
      'http://127.0.0.1:1',
      '  - id: head\n    type: sequencer.head-age\n    max: 30s\n    maxx: 1\n',
    );
    const file = await writeChecklist('broken-for-cache.yaml', yaml);
    const first = await cli(['validate', file], { L2PREFLIGHT_CACHE_DIR: cache });
    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(new RegExp(`${file}:\\d+:5: `));
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(await cli(['validate', file], { L2PREFLIGHT_CACHE_DIR: cache })).toEqual(first);
    expect(trees(cache)).toEqual([]);
  });

  it('holds no text of a checklist whose RPC URL carries an API key, after a run that used it', async () => {
    const proxy = await keyedProxy(venue.node.url);
    const cache = await mkdtemp(join(tmpdir(), 'l2preflight-yaml-cache-'));
    try {
      const secret = 'Zq7InlineApiKey0123456789';
      const url = proxy.url(`/v2/${secret}`);
      const file = await writeChecklist(
        'inline-key.yaml',
        checklistYaml(url, '  - id: head\n    type: sequencer.head-age\n    max: 1h\n'),
      );
      expect(await readFile(file, 'utf8')).toContain(secret);
      // Twice: the first run leaves a marker, the second the tree.
      for (let i = 0; i < 2; i++) {
        const ran = await cli(['run', file, '--format', 'json', ...freshState()], {
          L2PREFLIGHT_CACHE_DIR: cache,
        });
        expect(ran.code, ran.stderr).toBe(0);
      }
      expect(proxy.served()).toBeGreaterThan(0);
      expect(trees(cache)).toHaveLength(1);
      // Every file: the V8 code cache of the run too.
      for (const name of readdirSync(cache)) {
        const bytes = (await readFile(join(cache, name))).toString('latin1');
        expect(bytes, name).not.toContain(secret);
        expect(bytes, name).not.toContain(url);
      }
    } finally {
      await proxy.close();
    }
  });
});
