/**
 * Runs dist/cli.cjs (the CLI as one CommonJS file, built by scripts/build.mjs) through vm.Script with
 * a V8 code cache, so that a later start deserializes the bytecode it compiled before instead of
 * parsing and compiling the bundle again. Node 20 has no compile cache of its own (22.1 has
 * module.enableCompileCache) and none at all for ES modules.
 *
 * The cache is only ever a speed-up: it lives in the user's cache directory, one file per command and
 * bundle (keyed by the bundle's content hash, Node's version and the CPU), written once to a temporary
 * file and renamed into place, so a concurrent start reads a whole file or none. Data V8 rejects (another
 * V8, other flags) is ignored and replaced; a cache directory that cannot be created or written (a
 * read-only home, a sandbox) leaves the start uncached. Nothing here may fail the command.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/** Where caches go: $L2PREFLIGHT_CACHE_DIR, else $XDG_CACHE_HOME/l2preflight, else ~/.cache/l2preflight. */
function cacheDirectory() {
  if (process.env.L2PREFLIGHT_CACHE_DIR) return process.env.L2PREFLIGHT_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'l2preflight');
}

/** Reads a file, or undefined when it is not there or cannot be read. */
function readOrNothing(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The cache directory and, if missing, its parent (~/.cache on a fresh machine); deeper is not ours to
 * create. Not mkdirSync's `recursive`: under /proc it never returns on Node 20.
 */
function makeDirectory(directory) {
  try {
    mkdirSync(directory);
  } catch (error) {
    if (error.code === 'EEXIST') return;
    if (error.code !== 'ENOENT') throw error;
    mkdirSync(dirname(directory));
    mkdirSync(directory);
  }
}

/**
 * How old another bundle's cache of the same command must be before a new cache's write removes it: an
 * upgrade's leftovers go, while two installs in use side by side (each keyed by its own bundle) do not
 * delete each other's cache on every start.
 */
const STALE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Writes the cache atomically and removes this command's stale caches of other bundles or Node versions
 * (an upgrade would otherwise leave them behind). Errors are swallowed: see above.
 */
function store(directory, name, prefix, data) {
  try {
    makeDirectory(directory);
    const temporary = join(directory, `${name}.${process.pid}.tmp`);
    writeFileSync(temporary, data);
    renameSync(temporary, join(directory, name));
    const stale = Date.now() - STALE_AFTER_MS;
    for (const other of readdirSync(directory)) {
      if (!other.startsWith(prefix) || other === name || other.endsWith('.tmp')) continue;
      const path = join(directory, other);
      if (statSync(path).mtimeMs < stale) rmSync(path, { force: true });
    }
  } catch {
    // Read-only or full: the next start compiles again, as without a cache.
  }
}

/**
 * Runs the CommonJS bundle for `command` (`run`, `validate`), with the cache when it has one, and
 * writes the cache when the process exits if it had none: by then V8 has compiled what this command
 * needs, so the cache holds that too, not only the top level.
 * @param {string} bundle absolute path of dist/cli.cjs
 * @param {string} command the command being run (one cache per command)
 */
export function runCached(bundle, command) {
  const source = readFileSync(bundle, 'utf8');
  const hash = /^\/\/ l2preflight bundle ([0-9a-f]+)\n/.exec(source)?.[1] ?? 'unhashed';
  const prefix = `${command}-`;
  const name = `${prefix}${hash}-node${process.versions.node}-${process.arch}.v8cache`;
  const directory = cacheDirectory();
  const cachedData = readOrNothing(join(directory, name));
  // The parameters a CommonJS module gets; the file is the same code either way.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', (code) => {
      // A usage mistake (2) or a crash (70) ends before most of the command compiled: a cache of that
      // would serve every later start less well than the next complete one.
      if (code === 2 || code === 70) return;
      try {
        store(directory, name, prefix, script.createCachedData());
      } catch {
        // As in store(): never the command's failure.
      }
    });
  }
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
