import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../src/checks/index.js';
import { ERROR_KINDS } from '../src/core/vocabulary.js';

/** The rows of README's "What each check can and cannot see", by check type. */
async function blindSpotRows(): Promise<Map<string, string[]>> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('### What each check can and cannot see')[1]?.split('\n### ')[0] ?? '';
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z0-9.-]+)` \|/.exec(line);
    if (match?.[1]) rows.set(match[1], line.split(' | ').slice(1));
  }
  return rows;
}

describe("README's blind-spot table", () => {
  it('has a row for every check type, each naming what passes, what it is blind to and where it fails', async () => {
    const rows = await blindSpotRows();
    expect([...rows.keys()].sort()).toEqual([...checkRegistry.keys()].sort());
    for (const [type, cells] of rows) {
      expect(cells, type).toHaveLength(3);
      for (const cell of cells) expect(cell.replace(/\|$/, '').trim().length, type).toBeGreaterThan(10);
    }
  });
});

describe("README's JSON report section", () => {
  it('documents every errorKind a result can carry', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^ {2}- `([a-z-]+)`: /gm)].map((m) => m[1]);
    for (const kind of ERROR_KINDS) expect(documented, kind).toContain(kind);
  });
});
