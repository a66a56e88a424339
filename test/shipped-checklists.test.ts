import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../src/checklist/load.js';
import { PRESETS } from '../src/venues/presets.js';
import { ROOT } from './helpers/cli.js';

const dir = join(ROOT, 'checks');
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
      expect(checklist.checks.length).toBeGreaterThan(5);
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
