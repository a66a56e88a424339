import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../src/checklist/load.js';
import { PRESETS } from '../src/venues/presets.js';
import { ROOT } from './helpers/cli.js';

const dir = join(ROOT, 'checks');
const run = promisify(execFile);
const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();

describe('shipped checklists', () => {
  it('include one per venue preset', () => {
    for (const preset of PRESETS.keys()) expect(files).toContain(`${preset}.yaml`);
  });

  it.each(files)(
    '%s is valid without any environment or network, and starts with the schema line',
    async (file) => {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/checklist.schema.json');
      const checklist = parseChecklist(text, `checks/${file}`, { env: {} });
      // The Arbitrum devnet's checklist holds only checks its devnet can answer (its L2 has no ArbOS).
      expect(checklist.checks.length).toBeGreaterThanOrEqual(file === 'devnet-arbitrum.yaml' ? 5 : 6);
      // nothing `validate` would warn about (e.g. sequencer.cadence on op-stack, which always skips)
      expect(checklist.warnings).toEqual([]);
      // every threshold is explained: each check has a description and a remediation
      for (const check of checklist.checks) {
        expect(check.description, `${file} ${check.id}`).toBeTruthy();
        expect(check.remediation, `${file} ${check.id}`).toBeTruthy();
      }
    },
  );
});

describe('the npm package', () => {
  it('ships the checklists but never the run state kept next to them', async () => {
    // A run of checks/devnet.yaml (npm start, a desk's rehearsal) keeps its history in checks/.l2preflight/.
    const probe = join(dir, '.l2preflight', 'pack-probe.json');
    await mkdir(dirname(probe), { recursive: true });
    await writeFile(probe, '{}');
    try {
      const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
      const paths: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
      expect(paths).toContain('checks/devnet.yaml');
      expect(paths.filter((p) => p.includes('.l2preflight'))).toEqual([]);
    } finally {
      await rm(probe, { force: true });
    }
  }, 60_000);
});
