#!/usr/bin/env node
// Launches the bundle in dist/ (built by scripts/build.mjs at `prepare`).
import module from 'node:module';

// Node 22.1+ keeps the compiled bundle between runs, which cuts every later start; Node 20 has no
// compile cache, and then this is skipped.
module.enableCompileCache?.();
// Only with --debug: stack traces then name the TypeScript sources (src/*.ts:line) through the bundle's
// source maps. Turned on before the bundle loads, since Node maps only files loaded after this call;
// without --debug nobody pays for parsing the maps.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
await import('../dist/cli.js');
