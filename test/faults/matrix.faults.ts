/**
 * The long fault matrix (`npm run faults`, not part of `npm test`): runs every case of cases.ts against
 * one devnet, one after another so wall times are not skewed by each other, prints the fault table and
 * writes it with the raw results to $FAULTS_OUT (default faults-out/): faults.md and faults.json.
 * `FAULTS_ONLY=substring` runs only the matching cases.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { MATRIX } from './cases.js';
import { type CaseResult, FaultBench, markdownTable } from './harness.js';

const bench = new FaultBench();
const results: CaseResult[] = [];
const out = resolve(ROOT, process.env.FAULTS_OUT ?? 'faults-out');
const selected = MATRIX.filter((c) => !process.env.FAULTS_ONLY || c.name.includes(process.env.FAULTS_ONLY));

beforeAll(async () => {
  await bench.start();
}, 120_000);

afterAll(async () => {
  await bench.stop();
  const table = markdownTable(results);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'faults.md'), `${table}\n`);
  await writeFile(join(out, 'faults.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\nwritten to ${out}/faults.{md,json}\n`);
}, 120_000);

describe('fault matrix', () => {
  for (const c of selected) {
    // Each case records first, then asserts: a failing case still lands in the table.
    it(c.name, { timeout: (c.hardCapMs ?? c.deadlineMs + 60_000) * 2 + 120_000 }, async () => {
      const result = await bench.run(c);
      results.push(result);
      expect.soft(result.falsePasses, 'checks that pass only under the fault').toEqual([]);
      expect.soft(result.stackTrace, 'stack trace in the output').toBe(false);
      expect.soft(result.leaked, 'response bytes or URL keys in the output').toEqual([]);
      expect.soft(result.documentedExit, `exit ${result.exitCode} is a documented code`).toBe(true);
      expect.soft(result.withinDeadline, `gone ${result.lifetimeMs} ms after start`).toBe(true);
      if (result.afterSigintMs !== null) {
        expect.soft(result.exitCode, 'exit code after Ctrl-C').toBe(130);
        expect.soft(result.saidInterrupted, 'says it was interrupted').toBe(true);
        expect.soft(result.afterSigintMs, 'ms from SIGINT until the process was gone').toBeLessThan(2_000);
      }
      if (result.history) expect.soft(result.history.kept, 'history records kept').toBe(result.history.runs);
    });
  }
});
