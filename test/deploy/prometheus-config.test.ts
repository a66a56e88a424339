/**
 * The monitoring config shipped in deploy/prometheus/, checked by Prometheus's own tool: the scrape
 * config (with its rule files) loads, and the alert rules' unit tests pass.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { promTool } from '../helpers/serve.js';

const deploy = join(ROOT, 'deploy/prometheus');
const promtool = promTool('promtool');

if (!promtool) console.warn("skipped: promtool is not on PATH (install Debian's prometheus package)");

describe.skipIf(!promtool)('deploy/prometheus', () => {
  const run = (...args: string[]) =>
    execFileSync(promtool ?? 'promtool', args, { cwd: deploy, encoding: 'utf8', stdio: 'pipe' });

  it('prometheus.yml is a valid config, with its alert rules', () => {
    const output = run('check', 'config', 'prometheus.yml');
    expect(output).toContain('SUCCESS: prometheus.yml is valid');
    expect(output).toMatch(/SUCCESS: 5 rules found/);
  });

  it('the alert rules pass their unit tests (HOLD, a failing critical check, no verdict, a probe gone quiet)', () => {
    // promtool exits non-zero, and execFileSync throws, when any expected alert differs.
    expect(run('test', 'rules', 'l2preflight.rules.test.yml')).toContain('SUCCESS');
  });
});
