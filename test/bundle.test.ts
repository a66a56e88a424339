/**
 * The CLI ships as an esbuild bundle (scripts/build.mjs → dist/). What a user sees must not change:
 * the other CLI tests run against the bundle; these prove what the bundle itself promises.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
    const bundleHash = () =>
      /^\/\/ l2preflight bundle ([0-9a-f]+)\n/.exec(readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8'))?.[1];
    /** The `validate` cache's name: bundle, Node, CPU, and a short hash of the V8 flags. */
    const cacheName = (hash = bundleHash()) =>
      new RegExp(`^validate-${hash}-node${process.versions.node}-${process.arch}-[0-9a-f]{8}\\.v8cache$`);
    const primed = async (dir: string) => {
      const first = await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: dir });
      expect(first.code, first.stderr).toBe(0);
      expect(caches(dir)).toHaveLength(1);
      return { first, file: join(dir, caches(dir)[0] as string) };
    };

    it('is written once, then used as it is; a rejected one is replaced; a usage mistake writes none', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        const env = { L2PREFLIGHT_CACHE_DIR: dir };
        const typo = await cli(['validate', 'no-such-checklist.yaml'], env);
        expect(typo.code).toBe(2);
        expect(caches(dir)).toEqual([]);

        const first = await cli(['validate', checklist], env);
        expect(first.code, first.stderr).toBe(0);
        const hash = bundleHash();
        const name = caches(dir)[0] ?? '';
        expect(name).toMatch(cacheName(hash));
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

        // Other V8 flags (NODE_OPTIONS, node's own options) decide what V8 accepts: a cache of their own.
        const flagged = await cli(['validate', checklist], {
          ...env,
          NODE_OPTIONS: '--max-old-space-size=512',
        });
        expect(flagged).toEqual(first);
        expect(caches(dir).filter((f) => cacheName(hash).test(f))).toHaveLength(2);
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

    it('checks its own checksum: corrupted bytes V8 would crash on are ignored and replaced', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        const { first, file } = await primed(dir);
        // Release V8 does not checksum code caches: these bytes (right size, 1 KB flipped mid-file) end
        // a start that hands them to V8 in a fatal error, exit 133, and every later start too.
        const bytes = readFileSync(file);
        const middle = Math.floor(bytes.length / 2);
        for (let i = middle; i < middle + 1024; i++) bytes[i] = (bytes[i] as number) ^ 0xff;
        writeFileSync(file, bytes);
        const corrupted = await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: dir });
        expect(corrupted).toEqual(first);
        const replaced = readFileSync(file);
        expect(replaced.length).toBeGreaterThan(10_000);
        expect(replaced.equals(bytes)).toBe(false);
        // The replacement is a good one: used as it is by the next start.
        const written = statSync(file).mtimeMs;
        expect(await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: dir })).toEqual(first);
        expect(statSync(file).mtimeMs).toBe(written);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('removes temporary files a dead writer left a day ago, not those a writer may still be using', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        const orphan = join(dir, 'validate-0-node20-x64-0.v8cache.0123456789abcdef.tmp');
        const fresh = join(dir, 'validate-0-node20-x64-0.v8cache.fedcba9876543210.tmp');
        for (const file of [orphan, fresh]) writeFileSync(file, 'half a cache');
        const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
        utimesSync(orphan, twoDaysAgo, twoDaysAgo);
        await primed(dir);
        expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([fresh.slice(dir.length + 1)]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('uses no cache directory another user could write to: bytecode from it would run with our keys', async () => {
      const parent = mkdtempSync(join(tmpdir(), 'l2preflight-cache-'));
      try {
        const shared = join(parent, 'shared');
        mkdirSync(shared);
        chmodSync(shared, 0o777);
        const started = await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: shared });
        expect(started.code, started.stderr).toBe(0);
        expect(started.stderr).toBe('');
        expect(readdirSync(shared)).toEqual([]);
        if (process.getuid?.() === 0) {
          // Run as root, the test can also hand a private directory to another user: not ours, not used.
          const theirs = join(parent, 'theirs');
          mkdirSync(theirs, { mode: 0o700 });
          chownSync(theirs, 54321, 54321);
          expect((await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: theirs })).code).toBe(0);
          expect(readdirSync(theirs)).toEqual([]);
        }

        // Bytes planted in a group-writable directory are not even read. These carry a correct checksum
        // over payload bytes V8 dies on (exit 133) if it is handed them: what hostile bytecode could do.
        const { first, file } = await primed(join(parent, 'ours'));
        const planted = join(parent, 'planted');
        mkdirSync(planted);
        chmodSync(planted, 0o770);
        const payload = readFileSync(file).subarray(32);
        const middle = Math.floor(payload.length / 2);
        for (let i = middle; i < middle + 1024; i++) payload[i] = (payload[i] as number) ^ 0xff;
        const digest = createHash('sha256').update(payload).digest();
        writeFileSync(join(planted, basename(file)), Buffer.concat([digest, payload]));
        expect(await cli(['validate', checklist], { L2PREFLIGHT_CACHE_DIR: planted })).toEqual(first);
        expect(readdirSync(planted)).toEqual([basename(file)]);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });

    it.skipIf(process.getuid?.() !== 0)(
      'never fails a command: a user with no home directory (docker --user, runAsUser) starts uncached',
      async () => {
        // As root, a uid with no passwd entry and no HOME: os.homedir() then throws.
        const { HOME: _home, XDG_CACHE_HOME: _xdg, L2PREFLIGHT_CACHE_DIR: _dir, ...env } = process.env;
        const args = ['--reuid', '54321', '--regid', '54321', '--clear-groups', process.execPath];
        const { stdout, stderr } = await promisify(execFile)(
          'setpriv',
          [...args, join(ROOT, 'bin', 'l2preflight.js'), 'validate', checklist],
          { cwd: ROOT, env: { ...env, NO_COLOR: '', CI: 'true' } },
        );
        expect(stdout).toContain('valid');
        expect(stderr).toBe('');
      },
    );

    it('never fails a command: without dist/cli.cjs, run and validate start from the ES module bundle', async () => {
      const copy = mkdtempSync(join(tmpdir(), 'l2preflight-nocjs-'));
      try {
        for (const part of ['bin', 'dist', 'package.json'])
          cpSync(join(ROOT, part), join(copy, part), { recursive: true });
        rmSync(join(copy, 'dist', 'cli.cjs'));
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          [join(copy, 'bin', 'l2preflight.js'), 'validate', checklist],
          {
            cwd: ROOT,
            env: { ...process.env, NO_COLOR: '', CI: 'true', L2PREFLIGHT_CACHE_DIR: join(copy, 'cache') },
          },
        );
        expect(stdout).toContain('valid');
        expect(stderr).toBe('');
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });
});
