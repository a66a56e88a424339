/**
 * The fuzz corpus as a regression set: checklists that once made `validate` crash (an internal error,
 * exit 70, with a stack trace). Each must now validate or be a checklist error (exit 2) — never a crash.
 * New crashers come from `FUZZ_CORPUS=1 npm run faults` (see fuzz.faults.ts); issue-*.yaml are #13's own.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/commands/validate.js';
import { L2PreflightError } from '../../src/errors.js';
import { cli, ROOT } from '../helpers/cli.js';
import { FUZZ_ENV } from './corpusEnv.js';
import { hasStackTrace } from './harness.js';

const dir = join(ROOT, 'test/faults/corpus');
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

const saved = Object.fromEntries(Object.keys(FUZZ_ENV).map((name) => [name, process.env[name]]));
beforeAll(() => {
  Object.assign(process.env, FUZZ_ENV);
});
// Test files of a worker share one process (isolate: false): the next file must not inherit these.
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('fuzz corpus: validate', () => {
  it('has inputs', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const name of files) {
    it(`${name}: valid or a checklist error, never a crash`, async () => {
      const outcome = await validateCommand(join(dir, name)).then(
        () => 'valid',
        (error: unknown) =>
          error instanceof L2PreflightError
            ? `exit ${error.exitCode}`
            : `internal error: ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
      expect(['valid', 'exit 2']).toContain(outcome);
    });
  }

  // The CLI's own path: what a user sees, no stack trace, exit 2 (or 0).
  for (const name of [
    'issue-alias-101.yaml',
    'issue-undefined-anchor.yaml',
    files.find((f) => f.startsWith('fuzz-')),
  ]) {
    if (!name) continue;
    it(`l2preflight validate ${name}: exit 0 or 2, no stack trace`, async () => {
      const { code, stderr } = await cli(['validate', join(dir, name)], FUZZ_ENV);
      expect(stderr).not.toMatch(/internal error/);
      expect(hasStackTrace(stderr)).toBe(false);
      expect([0, 2]).toContain(code);
    });
  }
});
