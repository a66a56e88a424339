/**
 * Seeded mutations of the shipped checklists: whatever the text, the loader returns a checklist or
 * throws ChecklistError — never anything else (an exit 70 with a stack trace for the user). The
 * mutations include the YAML that used to crash it: aliases to nothing, alias bombs, tags, cut files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';

const SEEDS = ['devnet.yaml', 'base.yaml', 'arbitrum-one.yaml', 'starter.yaml'].map((name) =>
  readFileSync(`${ROOT}/checks/${name}`, 'utf8'),
);

const TOKENS = [
  '*zz',
  '&q 5',
  '*q',
  '[*q, *q, *q]',
  '!foo',
  '!!binary aGk=',
  '!!float 1',
  '!!set {a}',
  '<<: {a: 1}',
  '? [a, b]',
  '[',
  '{',
  '"',
  "'",
  '|',
  '-',
  '\t',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '~',
  '1e999',
  '-1e308',
  '12e-400',
  '99999999999999999999',
  '.nan',
  '.inf',
  '${X}',
  '${',
  '$nope',
  '\u0000',
  '\ufeff',
  '1.2.3 USD',
  '1.000,000 USD',
  '1,00 USD',
  '0 USD',
  '25d',
  '4w',
  '100%',
  '1000%',
  '""',
  '{}',
  '[]',
];

/** A small LCG: the same mutations on every run, so a failure reproduces. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return (state >>> 8) % n;
  };
}

function mutate(text: string, rnd: (n: number) => number): string {
  let out = text;
  for (let k = 1 + rnd(4); k > 0; k -= 1) {
    const pos = rnd(out.length + 1);
    const lines = out.split('\n');
    const line = rnd(lines.length);
    switch (rnd(7)) {
      case 0: // cut short
        out = out.slice(0, pos);
        break;
      case 1:
        out = out.slice(0, pos) + TOKENS[rnd(TOKENS.length)] + out.slice(pos);
        break;
      case 2:
        out = out.slice(0, pos) + out.slice(pos + 1 + rnd(20));
        break;
      case 3:
        out = out.slice(0, pos) + String.fromCharCode(rnd(256)) + out.slice(pos + 1);
        break;
      case 4:
        lines.splice(rnd(lines.length), 0, lines[line] ?? '');
        out = lines.join('\n');
        break;
      default: {
        // a value replaced (or prefixed) by a token: where tags, aliases and odd numbers bite
        const text = lines[line] ?? '';
        const at = text.indexOf(': ');
        if (at > 0)
          lines[line] =
            text.slice(0, at + 2) + TOKENS[rnd(TOKENS.length)] + (rnd(2) ? '' : text.slice(at + 2));
        out = lines.join('\n');
      }
    }
  }
  return out;
}

describe('the loader on mutated checklists', () => {
  it('returns a checklist or a ChecklistError for 300 seeded mutations, never another error', () => {
    const rnd = random(4242);
    const escaped: { text: string; error: string }[] = [];
    for (let i = 0; i < 300; i += 1) {
      const text = mutate(SEEDS[rnd(SEEDS.length)] ?? '', rnd);
      try {
        parseChecklist(text, 'fuzz.yaml', { env: {} });
      } catch (error) {
        if (!(error instanceof ChecklistError)) escaped.push({ text, error: String(error) });
      }
    }
    expect(escaped.slice(0, 3)).toEqual([]);
  }, 120_000);
});
