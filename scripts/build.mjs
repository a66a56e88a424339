/**
 * `npm run build` (and `prepare`): the CLI as an esbuild bundle in dist/. A cold start then reads a
 * few files instead of resolving and loading several hundred ES modules one by one (that was most of
 * `validate`'s second). Every `import()` in src/cli.ts becomes its own file, so `--help` loads the
 * commander program only and each command loads only its own code. Type-checking stays with `tsc --noEmit`.
 *
 * Beside it, dist/cli.cjs: the same CLI as one CommonJS file, which bin/ runs for `run` and `validate`
 * through vm.Script with a V8 code cache (bin/codeCache.js). Node 20 has no compile cache for ES
 * modules, and compiling plus linking some thirty chunks was a fifth of a cold `run`'s CPU.
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;

// A stale file from an earlier build (or tsc's old per-module output) must not be shipped or loaded.
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir,
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // For `--debug` (bin/ turns source maps on): stack frames name src/*.ts. The sources stay out of the
  // maps, which keeps the package small; file, line and column are what a bug report needs.
  sourcemap: 'linked',
  sourcesContent: false,
  // CommonJS dependencies (cli-table3 and its helpers) call require() for Node's built-ins, which an
  // ES module has no binding for.
  banner: {
    js: "import { createRequire as __l2preflightRequire } from 'node:module'; const require = __l2preflightRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The CommonJS twin (see above). Its first line names a hash of its content: the code cache is keyed by
// it, so a rebuilt bundle never meets bytecode compiled from another one.
const cjs = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outfile: `${outdir}/cli.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // --debug runs the ES module bundle, whose maps name src/*.ts: this file needs none.
  sourcemap: false,
  // Names kept (no minifyIdentifiers): an internal error's stack still says which function. A third
  // smaller and plain ASCII, it reads and compiles faster: about 20 ms less CPU for a cached `run`.
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS has no import.meta: packageRoot() and createRequire() get this file's URL instead.
  define: { 'import.meta.url': '__l2preflightModuleUrl' },
  banner: { js: "var __l2preflightModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  write: false,
  logLevel: 'warning',
});
const text = cjs.outputFiles[0].text;
// vm.Script has no module loader: an import() left in the bundle (a Node built-in, a package esbuild
// kept external) would fail at run time with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING. Fail the build.
const dynamicImport = /\bimport\(\s*["'`]/.exec(text);
if (dynamicImport) {
  const line = text.slice(0, dynamicImport.index).split('\n').length;
  throw new Error(`dist/cli.cjs:${line} keeps an import(), which vm.Script cannot run: require it instead`);
}
const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
// esbuild puts the banner above its "use strict", which then is no directive: strict mode, as the ES
// module bundle has it, is declared first.
writeFileSync(`${outdir}/cli.cjs`, `// l2preflight bundle ${hash}\n'use strict';\n${text}`);
