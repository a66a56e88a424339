/**
 * Runs dist/cli.cjs (the CLI as one CommonJS file, built by scripts/build.mjs) through vm.Script with
 * a V8 code cache, so that a later start deserializes the bytecode it compiled before instead of
 * parsing and compiling the bundle again. Node 20 has no compile cache of its own (22.1 has
 * module.enableCompileCache) and none at all for ES modules.
 *
 * The cache is only ever a speed-up, and nothing here may fail the command: every step of finding,
 * reading, checking and compiling with it is allowed to throw, and the caller then starts uncached.
 * - Release V8 does not checksum code caches: corrupted bytes of the right size crash the process
 *   (a V8 fatal error) before any handler could replace them, on every later start. So each file starts
 *   with a sha256 of the bytes after it, checked before V8 sees them; a mismatch counts as no cache.
 * - It lives in the user's cache directory, one file per command and bundle (keyed by the bundle's
 *   content hash, Node's version, the CPU and the V8 flags), written to a temporary file of a random
 *   name (two containers sharing a mounted cache may have the same PID) and renamed into place.
 * - Bytecode from the cache runs inside `run`, which holds RPC keys: a directory another user owns or
 *   could write to (a shared $XDG_CACHE_HOME, a careless L2PREFLIGHT_CACHE_DIR) is not used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * Where caches go: $L2PREFLIGHT_CACHE_DIR, else $XDG_CACHE_HOME/l2preflight, else ~/.cache/l2preflight.
 * Shared with the checklist's YAML parse cache (src/checklist/yamlParseCache.ts), as are trusted(),
 * verified() and store(): one directory, one set of rules.
 */
export function cacheDirectory() {
  if (process.env.L2PREFLIGHT_CACHE_DIR) return process.env.L2PREFLIGHT_CACHE_DIR;
  // homedir() throws when HOME is unset and the uid has no passwd entry (docker --user, runAsUser).
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'l2preflight');
}

/**
 * Whether bytecode from `directory` may run here: it must be ours and writable by nobody else, or
 * another user could plant code that runs with this user's keys. Windows has no such mode bits.
 */
export function trusted(directory) {
  if (process.platform === 'win32') return true;
  const stats = statSync(directory);
  return stats.isDirectory() && stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

const DIGEST_BYTES = 32;

function sha256(data) {
  return createHash('sha256').update(data).digest();
}

/** The data of a cache file if its digest matches, else undefined (torn, corrupted, not ours). */
export function verified(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !sha256(data).equals(bytes.subarray(0, DIGEST_BYTES))) return undefined;
  return data;
}

/**
 * The cache directory and, if missing, its parent (~/.cache on a fresh machine); deeper is not ours to
 * create. Only we may write to either (see trusted()). Not mkdirSync's `recursive`: under /proc it
 * never returns on Node 20.
 */
export function makeDirectory(directory) {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if (error.code === 'EEXIST') return;
    if (error.code !== 'ENOENT') throw error;
    mkdirSync(dirname(directory), { mode: 0o700 });
    mkdirSync(directory, { mode: 0o700 });
  }
}

/**
 * How old another bundle's cache of the same command must be before a new cache's write removes it: an
 * upgrade's leftovers go, while two installs in use side by side (each keyed by its own bundle) do not
 * delete each other's cache on every start.
 */
const STALE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** A temporary file this old was left by a start that died mid-write: no writer still needs it. */
const ORPHANED_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Writes the cache atomically and removes this command's stale caches of other bundles or Node versions
 * (an upgrade would otherwise leave them behind) and orphaned temporary files. Errors are swallowed.
 * With `keep`, at most that many files of `prefix` stay (the new one and the most recently used others).
 */
export function store(directory, name, prefix, data, keep = Number.POSITIVE_INFINITY) {
  let temporary;
  try {
    makeDirectory(directory);
    if (!trusted(directory)) return;
    // 'wx': never truncate a file another writer has open; a random name, since PIDs repeat across
    // containers that share a cache.
    temporary = join(directory, `${name}.${randomBytes(8).toString('hex')}.tmp`);
    writeFileSync(temporary, Buffer.concat([sha256(data), data]), { flag: 'wx', mode: 0o600 });
    renameSync(temporary, join(directory, name));
    temporary = undefined;
    const now = Date.now();
    const kept = [];
    for (const other of readdirSync(directory)) {
      const orphan = other.endsWith('.tmp');
      if (!orphan && (!other.startsWith(prefix) || other === name)) continue;
      const path = join(directory, other);
      const { mtimeMs } = statSync(path);
      if (mtimeMs < now - (orphan ? ORPHANED_AFTER_MS : STALE_AFTER_MS)) rmSync(path, { force: true });
      else if (!orphan) kept.push({ path, mtimeMs });
    }
    kept.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { path } of kept.slice(Math.max(0, keep - 1))) rmSync(path, { force: true });
  } catch {
    // Read-only or full: the next start compiles again, as without a cache.
    if (temporary) rmSync(temporary, { force: true });
  }
}

/** A short hash of the V8 flags this process runs with: they decide which caches V8 accepts. */
function flagsKey() {
  const flags = JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '']);
  return sha256(flags).toString('hex').slice(0, 8);
}

/**
 * Compiles the CommonJS bundle for `command` (`run`, `validate`), with the cache when there is a good
 * one, and arranges to write the cache when the process exits if there was none: by then V8 has
 * compiled what this command needs, so the cache holds that too, not only the top level.
 * Throws on any failure (no bundle, no home directory, ...): the caller then starts uncached.
 * @param {string} bundle absolute path of dist/cli.cjs
 * @param {string} command the command being run (one cache per command)
 * @returns {() => void} runs the CLI; not to be called inside the caller's fallback, since a
 *   failure then is the CLI's own and must not start it twice
 */
export function compileCached(bundle, command) {
  const source = readFileSync(bundle, 'utf8');
  const hash = /^\/\/ l2preflight bundle ([0-9a-f]+)\n/.exec(source)?.[1] ?? 'unhashed';
  const prefix = `${command}-`;
  const name = `${prefix}${hash}-node${process.versions.node}-${process.arch}-${flagsKey()}.v8cache`;
  let directory;
  let cachedData;
  try {
    directory = cacheDirectory();
    if (trusted(directory)) cachedData = verified(join(directory, name));
  } catch {
    // No home directory, or no cache directory yet: compile, and try to write one at exit.
  }
  // The parameters a CommonJS module gets; the file is the same code either way.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  if (directory && (!cachedData || script.cachedDataRejected)) {
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
  return () => {
    const module = { exports: {} };
    script
      .runInThisContext()
      .call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  };
}
