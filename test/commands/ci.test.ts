import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { lexer, type Tokens } from 'marked';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, devnetEnvironment, type RunningVenue } from '../../src/devnet/venue.js';
import { cli, eventually, ROOT } from '../helpers/cli.js';
import { applyScenario, startTestVenue } from '../helpers/venue.js';

let venue: RunningVenue;
let env: Record<string, string>;
let dir: string;
let states = 0;
const QUICK = ['--only', 'head-fresh,eth-usd,insurance-fund'];
const fresh = () => join(dir, `state-${++states}`);

beforeAll(async () => {
  venue = await startTestVenue();
  env = devnetEnvironment(venue);
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-ci-'));
});
afterAll(() => venue?.stop());

async function webhook(
  status = 200,
): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    bodies.push(JSON.parse(text));
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/SECRETTOKEN42`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('reports for CI', () => {
  it('writes several formats in one run, and appends a Markdown summary to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const [junit, json, prom] = ['r.xml', 'r.json', 'r.prom'].map((f) => join(dir, f)) as [
      string,
      string,
      string,
    ];
    const { code, stdout } = await cli(
      [
        'run',
        'checks/devnet.yaml',
        ...QUICK,
        '--state',
        fresh(),
        '--report',
        `junit=${junit}`,
        '--report',
        `json=${json}`,
        '--report',
        `prometheus=${prom}`,
      ],
      { ...env, GITHUB_STEP_SUMMARY: summary },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('VERDICT: ROUTE');
    expect(XMLValidator.validate(await readFile(junit, 'utf8'))).toBe(true);
    expect(JSON.parse(await readFile(json, 'utf8')).verdict).toBe('ROUTE');
    const families = parsePrometheusTextFormat(await readFile(prom, 'utf8'));
    const value = families.find((f) => f.name === 'l2preflight_check_value')?.metrics;
    expect(value?.find((m) => m.labels?.id === 'insurance-fund')?.labels?.unit).toBe('usd');
    const markdown = await readFile(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n')).toBe(true);
    const table = lexer(markdown).find((t) => t.type === 'table') as Tokens.Table;
    expect(table.rows.map((r) => r[0]?.text)).toEqual(['head-fresh', 'eth-usd', 'insurance-fund']);
  });

  it('prints markdown and prometheus on stdout when asked', async () => {
    const md = await cli(
      ['run', 'checks/devnet.yaml', ...QUICK, '--state', fresh(), '--format', 'markdown'],
      env,
    );
    expect(lexer(md.stdout).some((t) => t.type === 'table')).toBe(true);
    const prom = await cli(
      ['run', 'checks/devnet.yaml', ...QUICK, '--state', fresh(), '--format', 'prometheus'],
      env,
    );
    // run: verdict_route, verdict, verdict_cause, checks_run, checks_in_checklist, checks_cut_by_deadline,
    // timestamp, duration; check: status, value, duration
    expect(parsePrometheusTextFormat(prom.stdout).length).toBe(11);
  });

  it('rejects a malformed --report', async () => {
    const { code, stderr } = await cli(['run', 'checks/devnet.yaml', '--report', 'yaml=out.yaml'], env);
    expect(code).toBe(2);
    expect(stderr).toContain(
      '--report: expected one of table, json, junit, markdown, prometheus, html, got "yaml"',
    );
  });
});

describe('history and notifications', () => {
  it('remembers runs, marks a newly failing check, and notifies on verdict changes only', async () => {
    const state = fresh();
    const hook = await webhook();
    const args = ['run', 'checks/devnet.yaml', ...QUICK, '--state', state, '--notify', hook.url];
    try {
      expect((await cli(args, env)).code).toBe(0);
      expect(hook.bodies).toHaveLength(0); // a first ROUTE is not news
      await applyScenario(venue, 'drained-fund');
      const hold = await cli(args, env);
      expect(hold.code).toBe(1);
      expect(hold.stdout).toContain('[newly failing: was pass]');
      expect(hook.bodies).toHaveLength(1);
      expect(hook.bodies[0]).toMatchObject({
        verdict: 'HOLD',
        previousVerdict: 'ROUTE',
        problems: [{ id: 'insurance-fund', status: 'fail' }],
      });
      expect((await cli(args, env)).code).toBe(1);
      expect(hook.bodies).toHaveLength(1); // still HOLD: no news
      await admin.fillFund(venue.clients);
      const back = await cli(args, env);
      expect(back.stdout).toContain('[recovered: was fail]');
      expect(hook.bodies).toHaveLength(2);

      const history = await cli(['history', 'checks/devnet.yaml', '--state', state]);
      expect(history.code).toBe(0);
      expect(history.stdout).toContain('last 4 of 4 runs, newest first');
      expect(history.stdout).toMatch(/HOLD[\s\S]*insurance-fund \(fail\)/);
    } finally {
      await hook.close();
      await admin.fillFund(venue.clients);
    }
  });

  it('a failing webhook never changes the verdict or the exit code, and its URL stays secret', async () => {
    const hook = await webhook(500);
    try {
      await applyScenario(venue, 'drained-fund');
      const { code, stdout, stderr } = await cli(
        ['run', 'checks/devnet.yaml', ...QUICK, '--state', fresh(), '--notify', hook.url],
        env,
      );
      expect(code).toBe(1);
      expect(stdout).toContain('VERDICT: HOLD');
      expect(stderr).toContain('failed: HTTP 500 (the verdict stands)');
      expect(stdout + stderr).not.toContain('SECRETTOKEN42');
    } finally {
      await hook.close();
      await admin.fillFund(venue.clients);
    }
  });
});

describe('run --watch', () => {
  it('re-runs, prints one line per change in a log, and stops on SIGINT keeping the history written', async () => {
    const state = fresh();
    const child = spawn(
      process.execPath,
      ['bin/l2preflight.js', 'run', 'checks/devnet.yaml', ...QUICK, '--state', state, '--watch', '1s'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Wait on what the watch prints, not on the clock: on a loaded machine a run takes longer than 1 s.
    expect(await eventually(() => /verdict ROUTE\n/.test(stdout), 20_000)).toBe(true);
    await applyScenario(venue, 'drained-fund');
    expect(await eventually(() => /verdict ROUTE → HOLD/.test(stdout), 20_000)).toBe(true);
    const runs = join(state, 'devnet', 'runs.json');
    const recorded = async () => JSON.parse(await readFile(runs, 'utf8')).runs.length as number;
    expect(await eventually(async () => (await recorded()) >= 3, 20_000)).toBe(true);
    child.kill('SIGINT');
    const code = await exited;
    await admin.fillFund(venue.clients);
    expect(stdout).toMatch(/verdict ROUTE\n/);
    expect(stdout).toMatch(/head-fresh pass: latest L2 block/);
    expect(stdout).toMatch(/verdict ROUTE → HOLD/);
    expect(stdout).toMatch(/insurance-fund pass → fail/);
    expect(stdout.match(/head-fresh/g)).toHaveLength(1); // unchanged checks are not repeated
    // Between runs the watch exits with the last run's code (a HOLD); a signal that lands during a run
    // stops it at once with 130 (lifetime.test.ts pins both cases apart).
    expect([1, 130]).toContain(code);
    expect(await recorded()).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
