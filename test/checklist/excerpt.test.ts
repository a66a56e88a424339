/**
 * The source line under a checklist error (issue #18 item 5): the caret under the column through
 * tabs, long lines and hidden secrets.
 */
import { describe, expect, it } from 'vitest';
import { excerptAt } from '../../src/checklist/excerpt.js';
import { renderExcerpt } from '../../src/errors.js';

/** The excerpt as printed, and the text above its caret. */
function shown(text: string, line: number, column: number) {
  const excerpt = excerptAt(text, line, column);
  if (!excerpt) throw new Error('no excerpt');
  return { printed: renderExcerpt(excerpt), under: excerpt.text.slice(excerpt.caret) };
}

describe('excerptAt', () => {
  it('prints the line and a caret under the column', () => {
    expect(shown('a: 1\n    max: 30 sec\n', 2, 10).printed).toBe(
      ['  2 |     max: 30 sec', '    |          ^'].join('\n'),
    );
  });

  it.each([
    ['a tab before the column', 'x:\n\tmax: 30 sec\n', 2, 7, '30 sec'],
    ['tabs inside a value', 'x:\n  a: "1\t2\t3"  # c\n', 2, 15, '# c'],
    ['a terminal escape in the line', 'x:\n  a: "\u001b[31m" bad\n', 2, 14, 'bad'],
    ['the column past the end (a cut line)', 'x:\n  max:', 2, 7, ''],
    ['a wide character before the column', 'x:\n  name: "😀" bad\n', 2, 15, 'bad'],
  ])('keeps the caret under its text with %s', (_name, text, line, column, under) => {
    expect(shown(text, line, column).under.trimEnd()).toBe(under);
  });

  it('never prints a control character (a terminal escape in the file stays inert)', () => {
    const { printed } = shown('a: "\u001b[2J\u0007"\n', 1, 1);
    expect(printed).not.toContain('\u001b');
    expect(printed).not.toContain('\u0007');
  });

  it('cuts a long line to a window around the caret, marking the cuts', () => {
    const line = `  description: ${'word '.repeat(60)}BAD ${'tail '.repeat(60)}`;
    const { printed, under } = shown(line, 1, line.indexOf('BAD') + 1);
    expect(under.startsWith('BAD')).toBe(true);
    const [text] = printed.split('\n');
    expect(text?.length).toBeLessThan(120);
    expect(text).toMatch(/\| …word/);
    expect(text?.endsWith('…')).toBe(true);
  });

  it('hides the path and query of a URL, and keeps the caret under what follows it', () => {
    const text = 'x:\n    rpc: ["https://user:pw@rpc.example/v2/LITERALKEY?x=SECRET", 5]\n';
    const { printed, under } = shown(text, 2, (text.split('\n')[1]?.indexOf('5]') as number) + 1);
    expect(printed).toContain('"https://rpc.example/…", 5]');
    expect(printed).not.toMatch(/LITERALKEY|SECRET|user|pw@/);
    expect(under).toBe('5]');
  });

  it('points at a hidden URL itself when the column falls inside it', () => {
    const text = 'rpc: "https://rpc.example/v2/KEY123456"\n';
    expect(shown(text, 1, 20).under).toBe('https://rpc.example/…"');
  });

  it('hides a 64-digit hex string (a private key has that shape), with or without 0x', () => {
    const key = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
    for (const written of [key, `0x${key}`]) {
      const { printed } = shown(`key: ${written}\n`, 1, 1);
      expect(printed).not.toContain(key.slice(0, 16));
      expect(printed).toContain('key: 0x…');
    }
    // an address (20 bytes) is not a secret
    expect(shown('feed: 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\n', 1, 7).printed).toContain(
      '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    );
  });

  it('hides the key of a URL written without its scheme (the mistake an RPC error reports)', () => {
    const text = 'x:\n    rpc: "base-mainnet.g.alchemy.com/v2/SECRETKEYabcdef123456"\n';
    const { printed } = shown(text, 2, 10);
    expect(printed).not.toContain('SECRETKEY');
    expect(printed).toContain('rpc: "base-mainnet.g.alchemy.com/…"');
  });

  it.each([
    ['quoted, in a flow list', '    rpc: ["alchemykey123", 5]', 11, '    rpc: ["…", 5]', '"…", 5]'],
    ['plain', '    rpc: alchemykey123  # the key', 10, '    rpc: …  # the key', '…  # the key'],
    ['plain, in a flow list', '    rpc: [alchemykey123, 5]', 11, '    rpc: […, 5]', '…, 5]'],
    ["single-quoted with a '' inside", "    rpc: 'it''s key123' # c", 10, "    rpc: '…' # c", "'…' # c"],
    [
      'written with ${VAR} around a key',
      '    rpc: "https://x.example/${KEY}/abc123"',
      10,
      '    rpc: "…${KEY}…"',
      '"…${KEY}…"',
    ],
  ])('blanks an RPC value whatever its shape: %s', (_name, line, column, text, under) => {
    const excerpt = excerptAt(`x:\n${line}\n`, 2, column, { blankValue: true });
    expect(excerpt?.text).toBe(text);
    expect(excerpt?.text.slice(excerpt.caret)).toBe(under);
  });

  it('keeps a ${VAR} the file wrote for a blanked RPC value', () => {
    expect(excerptAt('rpc: ["${MYRPC}"]\n', 1, 8, { blankValue: true })?.text).toBe('rpc: ["${MYRPC}"]');
  });

  it('shows ${VAR} as the file writes it', () => {
    expect(shown('rpc: ["${ETH_RPC_URL}"]\n', 1, 8).printed).toContain('rpc: ["${ETH_RPC_URL}"]');
  });

  it('has nothing to show for a line the file does not have', () => {
    expect(excerptAt('a: 1\n', 5, 1)).toBeUndefined();
  });
});
