import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

/**
 * Lines with an `as never` cast (it switches type-checking off for the whole expression) whose line, or
 * the line above, has no comment saying why: allowed only where viem has no typed form. Prose such as
 * "has never" is not a cast: a cast is followed by a closing bracket or the end of the statement.
 */
function unexplainedCasts(file: string, text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (!/\bas never\s*[),;\]}]/.test(code)) return [];
    const said = /\/\/.*\S/.test(line) || /^\s*\/\/.*\S/.test(lines[i - 1] ?? '');
    return said ? [] : [`${file}:${i + 1}: ${line.trim()}`];
  });
}

describe('casts in src', () => {
  it('finds an unexplained `as never` and accepts one with its reason', () => {
    expect(unexplainedCasts('a.ts', 'f({ a } as never);')).toEqual(['a.ts:1: f({ a } as never);']);
    expect(unexplainedCasts('a.ts', '// viem lists no such method\nf({ a } as never);')).toEqual([]);
    expect(unexplainedCasts('a.ts', "fail('has never been published');")).toEqual([]);
  });

  it('has no `as never` without a comment saying why no typed form exists', async () => {
    const found: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      found.push(...unexplainedCasts(file.slice(SRC.length), await readFile(file, 'utf8')));
    }
    expect(found).toEqual([]);
  });
});
