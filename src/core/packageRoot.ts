/**
 * Where the installed package lives (its package.json, checks/, schema/). Found by walking up from
 * this module because its depth differs by how it runs: src/core/ under vitest, dist/cli.js or
 * dist/chunks/ in the bundle, wherever the bundler happened to place it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return root;
}
