/**
 * Issue #18 item 5: one YAML mistake gives one problem — the line out of step, said plainly — not the
 * cascade yaml reports from it ("Nested mappings are not allowed in compact mappings", then the same
 * for every line after). Each case is a real broken file in ./broken.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';
import { cli, ROOT } from '../helpers/cli.js';

const DIR = join(ROOT, 'test/checklist/broken');

async function problemsOf(name: string) {
  const text = await readFile(join(DIR, name), 'utf8');
  try {
    parseChecklist(text, name, { env: {} });
  } catch (error) {
    if (error instanceof ChecklistError) return { text, problems: error.problems };
    throw error;
  }
  throw new Error(`${name} loaded as a valid checklist`);
}

describe('a YAML mistake is reported once, at the line out of step', () => {
  it.each([
    // file, line, column, what the message says
    [
      'key-deeper-than-sibling.yaml',
      7,
      6,
      '"rpc:" is indented deeper than its parent mapping expects (5 spaces, where "chainId:" on the line above has 4)',
    ],
    ['venue-key-deeper.yaml', 5, 4, '"l2:" is indented deeper than its parent mapping expects'],
    [
      'param-deeper-in-check.yaml',
      14,
      7,
      '"maxAge:" is indented deeper than its parent mapping expects (6 spaces, where "type:" on the line above has 4): YAML reads it as part of type\'s value',
    ],
    [
      'param-between-levels.yaml',
      14,
      4,
      '"maxAge:" is indented 3 spaces, which lines up with nothing above it ("type:" has 4)',
    ],
    ['item-shallower.yaml', 12, 2, '"- id:" is indented 1 space, but the list\'s other items start at 2'],
    ['item-deeper.yaml', 12, 4, '"- id:" is indented 3 spaces, but the list\'s other items start at 2'],
    [
      'key-dedented-out-of-list.yaml',
      14,
      1,
      '"maxAge:" is indented less than the lines around it (0 spaces, where "type:" above has 4)',
    ],
    ['tab-indent.yaml', 10, 1, 'a tab in the indentation'],
    ['missing-colon.yaml', 2, 1, '"name Broken" is not "key: value": is a ":" missing after "name"?'],
    ['no-space-after-colon.yaml', 2, 5, '"name:" needs a space after the ":"'],
    ['two-keys-on-one-line.yaml', 3, 8, 'a second "key:" on the line of "venue:"'],
    ['unclosed-quote.yaml', 2, 7, 'a quote opened on this line is never closed'],
  ])('%s → line %i, column %i', async (name, line, column, message) => {
    const { problems } = await problemsOf(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe(
      `YAML syntax: ${message}${problems[0]?.message.slice(`YAML syntax: ${message}`.length)}`,
    );
    expect(problems[0]?.message).toContain(message);
    expect(problems[0]?.position).toEqual({ file: name, line, column });
  });

  it.each([
    'key-deeper-than-sibling.yaml',
    'param-deeper-in-check.yaml',
    'param-between-levels.yaml',
    'item-shallower.yaml',
    'key-dedented-out-of-list.yaml',
  ])('%s: yaml itself reports a cascade that the loader collapses to one', async (name) => {
    const text = await readFile(join(DIR, name), 'utf8');
    expect(parseDocument(text).errors.length).toBeGreaterThan(1);
    expect((await problemsOf(name)).problems).toHaveLength(1);
  });

  it('validate prints the one problem with its line and a caret, exit 2', async () => {
    const file = join(DIR, 'key-dedented-out-of-list.yaml');
    const { code, stdout, stderr } = await cli(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.match(/^error:/gm)).toHaveLength(1);
    expect(stderr).not.toContain('problems in the checklist');
    expect(stderr).toContain(
      `error: ${file}:14:1: YAML syntax: "maxAge:" is indented less than the lines around it`,
    );
    expect(stderr).toContain(['  14 | maxAge: 65m', '     | ^'].join('\n'));
  });
});
