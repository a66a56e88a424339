/**
 * The CLI ships as an esbuild bundle (scripts/build.mjs → dist/). What a user sees must not change:
 * the other CLI tests run against the bundle; these prove what the bundle itself promises.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
});
