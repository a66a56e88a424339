/**
 * A seeded generator of mutated checklists, from the shipped ones: truncations, YAML aliases and
 * anchors (past the alias limit, undefined), unknown tags, numbers and units at and past their limits,
 * odd `skip`/`version` values. The same seed gives the same inputs, so a crash found once can be found
 * again, and the crashers become the regression corpus (test/faults/corpus/).
 */
import type { L2PreflightError } from '../../src/errors.js';

/** mulberry32: small, fast, good enough to pick mutations; deterministic per seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, below: number) => Math.floor(random() * below);

/** Values a user (or a bad template) could type where a number, duration, amount or string goes. */
export const WEIRD_VALUES = [
  '1.000,000 USD',
  '1,000,000 USD',
  '12e-400',
  '1e400',
  '-1e308',
  '1e308',
  '25d',
  '24.9d',
  '9999999999999999999999d',
  '-5m',
  '0s',
  '0',
  '-1',
  '-0',
  '0.0000000000000000000001',
  '115792089237316195423570985008687907853269984665640564039457584007913129639936',
  '1_000_000_000_000_000_000_000_000 USD',
  '100000%',
  '101%',
  '-1%',
  '1e-30%',
  'NaN',
  '.nan',
  '.inf',
  '-.inf',
  '0x10',
  '0o17',
  '1 ETH',
  '1 wei',
  '-1 ether',
  '1e30 ether',
  '0.0000000000000000001 ether',
  '1 parsec',
  '1h 1h',
  '1h-1m',
  '10 s',
  '""',
  "''",
  'null',
  '~',
  'true',
  '[]',
  '{}',
  '[1, 2]',
  '{a: 1}',
  '$',
  '$$usdc',
  '$nope',
  '${UNSET_VARIABLE}',
  '"${"',
  '"${X:-${Y}}"',
  '"\\u0000"',
  '"\u202e"',
  'x'.repeat(5000),
  '!!binary aGVsbG8=',
  '!!timestamp 2001-12-14t21:59:43.10-05:00',
  '!!float 1',
  '!!int "12"',
  '!!str 30s',
  '!foo 30s',
  '!<tag:example.com,2000:x> 1',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '*undefined_anchor',
];

const SPECIAL_LINES = [
  'skip: ""',
  'skip: true',
  'skip: 0',
  'skip: null',
  'skip: []',
  'version: 01',
  'version: 1.0',
  'version: "1"',
  'version: 2',
  'version: 0x1',
  'severity: CRITICAL',
  'timeout: 25d',
  'timeout: 0s',
  'wait: 25d',
  'maxAmount: 0.000001 ether',
  'amount: 1 ether',
  '<<: *nope',
];

export interface Fuzzed {
  seed: number;
  source: string;
  mutations: string[];
  text: string;
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** Lines that hold `key: scalar` (possibly as a list item). */
function scalarLines(text: string): number[] {
  return lines(text)
    .map((line, i) => (/^\s*(- )?[\w-]+: [^&*|>[{#\s][^#]*$/.test(line) ? i : -1))
    .filter((i) => i >= 0);
}

const MUTATIONS: Record<string, (text: string, random: Random) => string> = {
  'truncate at a byte': (text, random) => text.slice(0, int(random, text.length)),
  'truncate mid-line': (text, random) => {
    const all = lines(text);
    const at = int(random, all.length);
    const line = all[at] ?? '';
    return [...all.slice(0, at), line.slice(0, Math.max(1, int(random, line.length)))].join('\n');
  },
  'weird value': (text, random) => {
    const all = lines(text);
    const at = pick(random, scalarLines(text));
    const line = all[at];
    if (line === undefined) return text;
    all[at] = line.replace(/: .*$/, `: ${pick(random, WEIRD_VALUES)}`);
    return all.join('\n');
  },
  'special line in a check': (text, random) => {
    const all = lines(text);
    const items = all.map((l, i) => (/^\s+- id: /.test(l) ? i : -1)).filter((i) => i >= 0);
    const at = pick(random, items);
    if (at === undefined) return text;
    const indent = (all[at] ?? '').indexOf('-') + 2;
    all.splice(at + 1, 0, `${' '.repeat(indent)}${pick(random, SPECIAL_LINES)}`);
    return all.join('\n');
  },
  'special top-level line': (text, random) => `${pick(random, SPECIAL_LINES)}\n${text}`,
  'alias bomb': (text, random) => {
    const count = pick(random, [99, 100, 101, 150, 1000]);
    const aliases = Array.from({ length: count }, () => '*t').join(', ');
    return text
      .replace(/tags: \[([^\]]*)\]/, `tags: &t [$1]`)
      .replace(/(tags: \[[^\]]*\]\n[\s\S]*?)tags: \[[^\]]*\]/, `$1tags: [${aliases}]`);
  },
  'nested alias bomb': (text) =>
    `a0: &a0 [x, x, x, x, x, x, x, x, x, x]\na1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\na2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n${text}`,
  'undefined alias': (text, random) => {
    const all = lines(text);
    const at = pick(random, scalarLines(text));
    const line = all[at];
    if (line === undefined) return text;
    all[at] = line.replace(/: .*$/, ': *nowhere');
    return all.join('\n');
  },
  'merge key': (text) =>
    text
      .replace(/(\n\s+)- id: ([\w-]+)\n/, '$1- &base\n$1  id: $2\n')
      .concat('\n  - <<: *base\n    id: merged\n'),
  'unknown tag': (text, random) => {
    const all = lines(text);
    const at = pick(random, scalarLines(text));
    const line = all[at];
    if (line === undefined) return text;
    all[at] = line.replace(
      /: /,
      `: ${pick(random, ['!foo ', '!!binary ', '!!timestamp ', '!<x> ', '!!map ', '!!seq '])}`,
    );
    return all.join('\n');
  },
  'duplicate key': (text, random) => {
    const all = lines(text);
    const at = pick(random, scalarLines(text));
    const line = all[at];
    if (line === undefined) return text;
    all.splice(at + 1, 0, line.replace(/- /, '  '));
    return all.join('\n');
  },
  'tab indentation': (text, random) => {
    const all = lines(text);
    const at = int(random, all.length);
    all[at] = (all[at] ?? '').replace(/^ {2}/, '\t');
    return all.join('\n');
  },
  'CRLF and BOM': (text) => `\ufeff${text.replaceAll('\n', '\r\n')}`,
  'NUL byte': (text, random) => {
    const at = int(random, text.length);
    return `${text.slice(0, at)}\u0000${text.slice(at)}`;
  },
  'deep nesting': (text, random) => {
    const depth = pick(random, [50, 500, 5000]);
    return `${text}\nextra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  },
  'second document': (text) => `${text}\n---\nversion: 1\n`,
  'checks not a list': (text) => text.replace(/\nchecks:\n/, '\nchecks: 5\nold:\n'),
  'unknown check type': (text, random) =>
    text.replace(
      /type: [\w.-]+/,
      `type: ${pick(random, ['oracle.chainlnk', 'sequencer', '', 'x'.repeat(300), 'oracle.chainlink.extra'])}`,
    ),
  'empty id': (text) => text.replace(/- id: [\w-]+/, '- id: ""'),
  'drop a line': (text, random) => {
    const all = lines(text);
    all.splice(int(random, all.length), 1);
    return all.join('\n');
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One fuzzed checklist: 1–3 mutations of one source, chosen by the seed. */
export function fuzz(seed: number, sources: readonly { name: string; text: string }[]): Fuzzed {
  const random = rng(seed);
  const source = pick(random, sources);
  let text = source.text;
  const applied: string[] = [];
  const count = 1 + int(random, 3);
  for (let i = 0; i < count; i += 1) {
    const name = pick(random, MUTATION_NAMES);
    const mutate = MUTATIONS[name];
    if (!mutate) continue;
    text = mutate(text, random);
    applied.push(name);
  }
  return { seed, source: source.name, mutations: applied, text };
}

/** What `validate` did with an input: valid, a user-facing error (with its exit code), or a crash. */
export type Verdict =
  | { kind: 'valid' }
  | { kind: 'user-error'; exitCode: number; message: string }
  | { kind: 'crash'; name: string; message: string };

export function classify(error: unknown, isUserError: (e: unknown) => e is L2PreflightError): Verdict {
  if (isUserError(error))
    return { kind: 'user-error', exitCode: error.exitCode, message: error.shortMessage };
  const e = error as Error | undefined;
  return {
    kind: 'crash',
    name: e?.name ?? typeof error,
    message: String(e?.message ?? error).split('\n')[0] ?? '',
  };
}

/** A crash's signature: the same bug once in the corpus, not once per input. */
export function signature(verdict: Extract<Verdict, { kind: 'crash' }>): string {
  // Up to the first colon: "Unresolved alias …: nowhere" and "…: nope" are one bug.
  const head = verdict.message.split(':')[0] ?? '';
  return `${verdict.name}: ${head
    .replace(/\d+/g, 'N')
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 120)}`;
}
