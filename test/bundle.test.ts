/**
 * The CLI ships as an esbuild bundle (scripts/build.mjs → dist/). What a user sees must not change:
 * the other CLI tests run against the bundle; these prove what the bundle itself promises.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './helpers/cli.js';

/** The relative files a bundle file imports, statically or with import(). */
function relativeImports(text: string): string[] {
  const found = [...text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)];
  return found.map((match) => match[1] as string);
}

/** Every file of dist/ that `bin/l2preflight.js` can end up loading: the entry and what it imports, transitively. */
function reachableFromEntry(): string[] {
  const seen = new Set<string>();
  const pending = ['dist/cli.js'];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const dir = file.slice(0, file.lastIndexOf('/'));
    for (const target of relativeImports(readFileSync(join(ROOT, file), 'utf8')))
      pending.push(join(dir, target));
  }
  return [...seen];
}

describe('the bundled CLI', () => {
  it('names the TypeScript sources in --debug stack traces, and prints none without --debug', async () => {
    const debug = await cli(['validate', 'no-such-checklist.yaml', '--debug']);
    expect(debug.code).toBe(2);
    // The frames come from dist/ through its source maps: file and line of src/*.ts, not of the bundle.
    expect(debug.stderr).toMatch(/at loadChecklist \(.*src\/checklist\/load\.ts:\d+:\d+\)/);
    expect(debug.stderr).toMatch(/src\/cli\.ts:\d+:\d+/);
    expect(debug.stderr).not.toMatch(/dist\/(cli|chunks\/)[^:]*\.js:\d+/);

    const plain = await cli(['validate', 'no-such-checklist.yaml']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('file not found');
    expect(plain.stderr).not.toContain('    at ');
  });

  it('is what `npm pack` ships: every file the entry can load, the map beside each, and what it reads at run time', async () => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the other tests' feet.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
    });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const shipped = new Set(pack.files.map((f) => f.path));

    expect(shipped).toContain('bin/l2preflight.js');
    const reachable = reachableFromEntry();
    // The commands are separate files: a bundle that lost its splitting would pass the rest unnoticed.
    expect(reachable.filter((f) => f.startsWith('dist/chunks/')).length).toBeGreaterThan(10);
    for (const file of reachable) {
      expect(shipped, file).toContain(file);
      expect(shipped, `${file}.map`).toContain(`${file}.map`);
    }
    // Read at run time relative to the package root (src/core/packageRoot.ts): version, init, devnet demo.
    for (const file of [
      'package.json',
      'checks/starter.yaml',
      'checks/devnet.yaml',
      'schema/checklist.schema.json',
    ])
      expect(shipped, file).toContain(file);
    // The bundle replaces the per-module output: no TypeScript sources or stray tsc files in the package.
    expect([...shipped].filter((f) => f.startsWith('src/') || f.endsWith('.ts'))).toEqual([]);
  });

  describe('code cache (Node 20: run and validate start from dist/cli.cjs through vm.Script)', () => {
    const checklist = join(ROOT, 'checks', 'devnet.yaml');
    const caches = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

    it('is written once, then used as it is; a rejected one is replaced; a usage mistake writes none', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        const env = { L2PREFLIGHT_CACHE_DIR: dir };
        const typo = await cli(['validate', 'no-such-checklist.yaml'], env);
        expect(typo.code).toBe(2);
        expect(caches(dir)).toEqual([]);

        const first = await cli(['validate', checklist], env);
        expect(first.code, first.stderr).toBe(0);
        const hash = /^\/\/ l2preflight bundle ([0-9a-f]+)\n/.exec(
          readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8'),
        )?.[1];
        const name = `validate-${hash}-node${process.versions.node}-${process.arch}.v8cache`;
        expect(caches(dir)).toEqual([name]);
        const written = statSync(join(dir, name));

        // V8 accepted it: a start that had to compile would have written it again.
        const second = await cli(['validate', checklist], env);
        expect(second).toEqual(first);
        expect(statSync(join(dir, name)).mtimeMs).toBe(written.mtimeMs);

        // Bytes V8 rejects (another V8, a torn file): same output, and replaced by a good cache. When it is
        // written, another bundle's cache of the same command goes if it is stale (an upgrade's leftover),
        // stays if recent (another install in use), and other commands' caches stay.
        writeFileSync(join(dir, name), 'not a code cache');
        const old = 'validate-0000000000000000-node20.0.0-x64.v8cache';
        const recent = 'validate-1111111111111111-node20.0.0-x64.v8cache';
        const otherCommand = 'run-0000000000000000-node20.0.0-x64.v8cache';
        for (const file of [old, recent, otherCommand]) writeFileSync(join(dir, file), 'another bundle');
        const eightDaysAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
        utimesSync(join(dir, old), eightDaysAgo, eightDaysAgo);
        utimesSync(join(dir, otherCommand), eightDaysAgo, eightDaysAgo);
        const third = await cli(['validate', checklist], env);
        expect(third).toEqual(first);
        expect(readFileSync(join(dir, name)).length).toBeGreaterThan(10_000);
        expect(caches(dir).sort()).toEqual([name, recent, otherCommand].sort());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('never fails a command: a cache directory that cannot be created leaves the start uncached', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        // Below a regular file: no directory can be made there, whoever runs the test (root included).
        const file = join(dir, 'a-file');
        writeFileSync(file, '');
        const uncached = await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: join(file, 'cache') });
        expect(uncached.code, uncached.stderr).toBe(0);
        expect(uncached.stdout).toContain('valid');
        expect(uncached.stderr).toBe('');
        expect(readdirSync(dir)).toEqual(['a-file']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
