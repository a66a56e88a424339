/**
 * Checklist fuzzing (`npm run faults`, or `FAULTS_ONLY=none npx vitest run --config vitest.faults.config.ts
 * test/faults/fuzz.faults.ts`): FUZZ_COUNT (400) seeded inputs through `validate` in-process, each
 * classified as valid, a user-facing error, or a crash — what the CLI would print as "internal error"
 * with exit 70. Writes faults-out/fuzz.json; with FUZZ_CORPUS=1 also the smallest input per crash
 * signature into test/faults/corpus/, the regression set corpus.test.ts runs.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { validateCommand } from '../../src/commands/validate.js';
import { L2PreflightError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { FUZZ_ENV } from './corpusEnv.js';
import { classify, type Fuzzed, fuzz, signature, type Verdict } from './fuzz.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 400);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const out = resolve(ROOT, process.env.FAULTS_OUT ?? 'faults-out');
const corpusDir = join(ROOT, 'test/faults/corpus');

const isUserError = (e: unknown): e is L2PreflightError => e instanceof L2PreflightError;

interface Outcome extends Pick<Fuzzed, 'seed' | 'source' | 'mutations'> {
  verdict: Verdict;
  ms: number;
  bytes: number;
}

const outcomes: Outcome[] = [];

afterAll(async () => {
  const crashes = outcomes.filter((o) => o.verdict.kind === 'crash');
  const bySignature = new Map<string, Outcome[]>();
  for (const o of crashes) {
    const key = signature(o.verdict as Extract<Verdict, { kind: 'crash' }>);
    bySignature.set(key, [...(bySignature.get(key) ?? []), o]);
  }
  const summary = {
    inputs: outcomes.length,
    valid: outcomes.filter((o) => o.verdict.kind === 'valid').length,
    userErrors: outcomes.filter((o) => o.verdict.kind === 'user-error').length,
    crashes: crashes.length,
    slowest: Math.max(0, ...outcomes.map((o) => o.ms)),
    // #10: a checklist cut short that still validates (and could ROUTE on what remains).
    truncatedValid: outcomes.filter(
      (o) => o.verdict.kind === 'valid' && o.mutations.some((m) => m.startsWith('truncate')),
    ).length,
    signatures: [...bySignature].map(([key, list]) => ({
      signature: key,
      inputs: list.length,
      seeds: list.map((o) => o.seed).slice(0, 20),
    })),
  };
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'fuzz.json'), `${JSON.stringify({ summary, outcomes }, null, 2)}\n`);
  process.stdout.write(`\nfuzz: ${JSON.stringify(summary, null, 2)}\n`);
});

it(`validate never crashes on ${COUNT} fuzzed checklists`, { timeout: 600_000 }, async () => {
  Object.assign(process.env, FUZZ_ENV);
  const names = (await readdir(join(ROOT, 'checks'))).filter((n) => n.endsWith('.yaml')).sort();
  const sources = await Promise.all(
    names.map(async (name) => ({ name, text: await readFile(join(ROOT, 'checks', name), 'utf8') })),
  );
  const dir = await mkdtemp(join(tmpdir(), 'l2p-fuzz-'));
  // Per crash signature, the smallest input for each distinct set of mutations (at most three).
  const smallest = new Map<string, Map<string, { input: Fuzzed; verdict: Verdict }>>();
  try {
    for (let seed = FIRST_SEED; seed < FIRST_SEED + COUNT; seed += 1) {
      const input = fuzz(seed, sources);
      const file = join(dir, `fuzz-${seed}.yaml`);
      await writeFile(file, input.text);
      const started = performance.now();
      let verdict: Verdict;
      try {
        await validateCommand(file);
        verdict = { kind: 'valid' };
      } catch (error) {
        verdict = classify(error, isUserError);
      }
      const ms = Math.round(performance.now() - started);
      outcomes.push({
        seed,
        source: input.source,
        mutations: input.mutations,
        verdict,
        ms,
        bytes: input.text.length,
      });
      if (verdict.kind === 'crash') {
        const kinds = smallest.get(signature(verdict)) ?? new Map();
        smallest.set(signature(verdict), kinds);
        const how = [...new Set(input.mutations)].sort().join('+');
        const known = kinds.get(how);
        if (!known || input.text.length < known.input.text.length) kinds.set(how, { input, verdict });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (process.env.FUZZ_CORPUS === '1') {
    await mkdir(corpusDir, { recursive: true });
    const chosen = [...smallest.values()].flatMap((kinds) =>
      [...kinds.values()].sort((a, b) => a.input.text.length - b.input.text.length).slice(0, 3),
    );
    for (const { input, verdict } of chosen) {
      const slug = `fuzz-${input.seed}`;
      await writeFile(join(corpusDir, `${slug}.yaml`), input.text);
      await writeFile(
        join(corpusDir, `${slug}.json`),
        `${JSON.stringify({ seed: input.seed, source: input.source, mutations: input.mutations, before: verdict }, null, 2)}\n`,
      );
    }
  }
  expect.soft(outcomes.filter((o) => o.verdict.kind === 'crash').map((o) => o.seed)).toEqual([]);
});
