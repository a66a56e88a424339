/**
 * l2preflight's own package root (where package.json, checks/, schema/ and artifacts/ are), found from
 * the calling module upward: a module sits at a different depth in src/ (tests), dist/ (tsc) and a
 * bundle, so a fixed `../../` is right in one of them only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function packageRoot(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'l2preflight'
    ) {
      found = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no l2preflight package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
