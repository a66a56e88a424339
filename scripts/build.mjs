/**
 * `npm run build` (and `prepare`): the CLI as an esbuild bundle in dist/. A cold start then reads a
 * few files instead of resolving and loading several hundred ES modules one by one (that was most of
 * `validate`'s second). Every `import()` in src/cli.ts becomes its own file, so `--help` loads the
 * commander program only and each command loads only its own code. Type-checking stays with `tsc --noEmit`.
 */
import { rmSync } from 'node:fs';
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
