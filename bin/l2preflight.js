#!/usr/bin/env node
// Launches the bundle in dist/ (built by scripts/build.mjs at `prepare`).
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps the compiled bundle between runs, which cuts every later start; Node 20 has no
// compile cache, and then this is skipped.
module.enableCompileCache?.();
const debug = process.argv.includes('--debug');
// The first word that is not an option: the command (a misread one only picks the slower path below).
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));

if (!debug && !module.enableCompileCache && (command === 'run' || command === 'validate')) {
  // The commands a CI job or a pre-trade hook starts again and again: on Node 20, from the CommonJS
  // bundle with a V8 code cache (bin/codeCache.js), a fifth less CPU for a cached `run`.
  // Anything wrong on the way to it (no home directory, an untrusted cache directory, no dist/cli.cjs)
  // starts the ES module bundle instead: the cache may make a start slower, never fail it.
  let start;
  try {
    const { compileCached } = await import('./codeCache.js');
    start = compileCached(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), command);
  } catch {
    start = undefined;
  }
  if (start) start();
  else await import('../dist/cli.js');
} else {
  // Only with --debug: stack traces then name the TypeScript sources (src/*.ts:line) through the bundle's
  // source maps. Turned on before the bundle loads, since Node maps only files loaded after this call;
  // without --debug nobody pays for parsing the maps.
  if (debug) process.setSourceMapsEnabled(true);
  await import('../dist/cli.js');
}
