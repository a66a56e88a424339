/**
 * The cache of the checklist's YAML parse (src/checklist/yamlParseCache.ts) may only make a load
 * faster: a load from it gives what a load without it gives, a bad or foreign file is a miss, and the
 * file holds no checklist text.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Document, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { parseChecklist } from '../../src/checklist/load.js';
import {
  dropPendingYamlCaches,
  keepYamlParse,
  parseYamlDocument,
  writePendingYamlCaches,
  yamlParseCacheCounts,
} from '../../src/checklist/yamlParseCache.js';
import { ChecklistError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';

/** Every .yaml below `dir`, relative to the repository. */
function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

/** A 200-check checklist as the benchmark writes one: many price feeds and insurance funds. */
function manyChecks(total = 200): string {
  const checks = [
    '  - id: head-fresh\n    type: sequencer.head-age\n    max: 30s',
    '  - id: sequencer-up\n    type: sequencer.uptime-feed\n    feed: $sequencerUptimeFeed\n    gracePeriod: 1h',
  ];
  for (let i = 0; checks.length < total; i++) {
    checks.push(
      `  - id: price-${i}\n    type: oracle.chainlink\n    feed: "${address(0x1000 + i)}"\n    maxAge: 65m`,
    );
    checks.push(
      `  - id: fund-${i}\n    type: insurance.fund\n    holder: "${address(0x2000 + i)}"\n    assets:\n      - token: $usdc\n        price: 1 USD\n      - native: true\n        price: "${address(0x1000 + i)}"\n    min: 1_000 USD`,
    );
  }
  return `version: 1
name: generated
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["http://127.0.0.1:8545"]
  contracts:
    usdc: "${address(0xaaaa)}"
    sequencerUptimeFeed: "${address(0xbbbb)}"
defaults:
  timeout: 20s
checks:
${checks.slice(0, total).join('\n')}
`;
}

/** Every checklist and fixture of the repository, and a generated 200-check one. */
const TEXTS: [string, string][] = [
  ...[...yamlFiles('checks'), ...yamlFiles('test')].map((file): [string, string] => [
    file,
    readFileSync(join(ROOT, file), 'utf8'),
  ]),
  ['generated 200-check checklist', manyChecks()],
  ...blockScalarsAndLineEnds(),
];

/**
 * Texts whose tokens do not all start their `source` at their offset (a block scalar's offset is its
 * `|`/`>` header; its source starts on the next line), with CRLF line ends and a byte order mark.
 */
function blockScalarsAndLineEnds(): [string, string][] {
  const devnet = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8');
  const literal = devnet.replace(
    /^name: .*$/m,
    'name: |\n  Devnet, literal\n\n  over three lines # not a comment\nx-keep: |+2 # kept\n    a\n\n',
  );
  const folded = devnet.replace(/^name: .*$/m, 'name: >-\n  Devnet,\n   folded\n  here\n');
  const crlf = (text: string) => text.replaceAll('\n', '\r\n');
  return [
    ['devnet with a | block scalar', literal],
    ['devnet with a >- block scalar', folded],
    ['devnet with CRLF line ends', crlf(devnet)],
    [
      'devnet with CRLF and block scalars',
      crlf(folded.replace('x-keep', 'y')).replace('name: >-', 'name: |'),
    ],
    ['devnet with a byte order mark', `\uFEFF${devnet}`],
    ['devnet with a byte order mark, CRLF and a > block scalar', `\uFEFF${crlf(folded)}`],
    ['block scalars only', 'a: |\n  one\n  two\nb: >\n  three\n\n  four\nc: |-\n\n  five\nd: >+\n\n'],
    ['a block scalar at the end without a newline', 'a: 1\nb: |\n  last'],
  ];
}

const OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

/**
 * What a Document holds from its text (its options differ between two parses: each names its own
 * LineCounter), with every node's range, source and comments.
 */
function parsed(doc: Document.Parsed): unknown {
  const { contents, range, directives, comment, commentBefore, errors, warnings } = doc;
  return { contents, range, directives, comment, commentBefore, errors, warnings };
}

function uncachedParse(text: string): { doc: Document.Parsed; lineStarts: number[] } {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { ...OPTIONS, lineCounter }), lineStarts: lineCounter.lineStarts };
}

function cachedParse(text: string): { doc: Document.Parsed; lineStarts: number[] } {
  const lineCounter = new LineCounter();
  return { doc: parseYamlDocument(text, { ...OPTIONS, lineCounter }), lineStarts: lineCounter.lineStarts };
}

/** What a load gives: the checklist, or the error's message and problems (positions included). */
function loaded(text: string, file: string): unknown {
  try {
    return { checklist: parseChecklist(text, file, { env: {} }) };
  } catch (error) {
    if (!(error instanceof ChecklistError)) throw error;
    return { message: error.message, problems: error.problems };
  }
}

/** The difference in the cache's counts made by `action`. */
function counted(action: () => void): { hits: number; misses: number; storable: number } {
  const before = yamlParseCacheCounts();
  action();
  const after = yamlParseCacheCounts();
  return {
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    storable: after.storable - before.storable,
  };
}

/** The trees in a cache directory (none when it was never made). */
function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.cst'));
  } catch {
    return [];
  }
}

/** The markers of texts parsed once (`yaml-seen-<key>`) in a cache directory. */
function markers(dir: string): string[] {
  try {
    return readdirSync(dir).filter((file) => file.startsWith('yaml-seen-'));
  } catch {
    return [];
  }
}

/** What `make` returns, or the error it throws (a Document with an alias to nowhere, or errors). */
function outcome(make: () => unknown): unknown {
  try {
    return { value: make() };
  } catch (error) {
    return { error: String(error) };
  }
}

const previous = process.env.L2PREFLIGHT_CACHE_DIR;
let dir: string;
/** A directory the cache may not use: writable by others. */
let untrusted: string;

beforeEach(() => {
  // Another test file in this worker (isolate: false) may have loaded checklists: their writes are not ours.
  dropPendingYamlCaches();
  dir = mkdtempSync(join(tmpdir(), 'l2preflight-yaml-cache-'));
  untrusted = join(dir, 'shared');
  mkdirSync(untrusted);
  chmodSync(untrusted, 0o777);
  process.env.L2PREFLIGHT_CACHE_DIR = join(dir, 'cache');
});
afterEach(() => {
  writePendingYamlCaches();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  if (previous === undefined) delete process.env.L2PREFLIGHT_CACHE_DIR;
  else process.env.L2PREFLIGHT_CACHE_DIR = previous;
});

/** Loads `text` twice (the first leaves a marker, the second its tree) and returns the tree's file. */
function primed(text: string, file = 'checklist.yaml'): string {
  for (let i = 0; i < 2; i++) {
    loaded(text, file);
    writePendingYamlCaches();
  }
  const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
  const files = cacheFiles(cache);
  expect(files).toHaveLength(1);
  return join(cache, files[0] as string);
}

describe('a parse from the cache is the parse of the text', () => {
  it.each(TEXTS)('%s: the same Document, line starts, errors and warnings, cold and warm', (_name, text) => {
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    const uncached = uncachedParse(text);
    const clean = uncached.doc.errors.length === 0 && uncached.doc.warnings.length === 0;
    // The first parse leaves a marker only (a fresh CI container pays nothing); the second, the tree.
    let first: ReturnType<typeof cachedParse> | undefined;
    expect(counted(() => (first = cachedParse(text)))).toMatchObject({ hits: 0, misses: 1 });
    expect(counted(() => keepYamlParse(text))).toEqual({ hits: 0, misses: 0, storable: 0 });
    expect(counted(() => writePendingYamlCaches()).storable).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
    expect(markers(cache)).toHaveLength(clean ? 1 : 0);
    let cold: ReturnType<typeof cachedParse> | undefined;
    expect(counted(() => (cold = cachedParse(text)))).toMatchObject({ hits: 0, misses: 1 });
    keepYamlParse(text);
    writePendingYamlCaches();
    expect(cacheFiles(cache)).toHaveLength(clean ? 1 : 0);
    expect(markers(cache)).toEqual([]);
    let warm: ReturnType<typeof cachedParse> | undefined;
    expect(counted(() => (warm = cachedParse(text)))).toMatchObject(
      clean ? { hits: 1, misses: 0 } : { hits: 0, misses: 1 },
    );
    for (const result of [first, cold, warm]) {
      if (!result) throw new Error('not parsed');
      expect(parsed(result.doc)).toStrictEqual(parsed(uncached.doc));
      expect(outcome(() => result.doc.toJS())).toStrictEqual(outcome(() => uncached.doc.toJS()));
      expect(result.doc.errors).toStrictEqual(uncached.doc.errors);
      expect(result.doc.warnings).toStrictEqual(uncached.doc.warnings);
      expect(outcome(() => result.doc.toString())).toStrictEqual(outcome(() => uncached.doc.toString()));
      expect(result.lineStarts).toStrictEqual(uncached.lineStarts);
    }
  });

  it.each(TEXTS)('%s: parseChecklist gives the same checklist or error, cold and warm', (name, text) => {
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    process.env.L2PREFLIGHT_CACHE_DIR = untrusted;
    const uncached = loaded(text, name);
    process.env.L2PREFLIGHT_CACHE_DIR = cache;
    const first = loaded(text, name);
    writePendingYamlCaches();
    expect(cacheFiles(cache)).toEqual([]);
    const cold = loaded(text, name);
    writePendingYamlCaches();
    const written = cacheFiles(cache).length > 0;
    // Only a checklist that loads is kept: a broken one (a YAML error, an unknown key) is not.
    expect(written).toBe('checklist' in (uncached as object));
    let warm: unknown;
    expect(counted(() => (warm = loaded(text, name))).hits).toBe(written ? 1 : 0);
    expect(first).toStrictEqual(uncached);
    expect(cold).toStrictEqual(uncached);
    expect(warm).toStrictEqual(uncached);
  });

  it('covers the shipped checklists and the broken fixtures, which differ in what they test', () => {
    const names = TEXTS.map(([name]) => name);
    expect(names).toContain('checks/devnet.yaml');
    expect(names.filter((name) => name.startsWith('test/checklist/broken/')).length).toBeGreaterThan(5);
  });
});

describe('a cache file that is not a good one is a miss, and the load is the load of the text', () => {
  const text = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8');
  const withDigest = (payload: Buffer) =>
    Buffer.concat([createHash('sha256').update(payload).digest(), payload]);
  const payloadOf = (file: string) => JSON.parse(readFileSync(file).subarray(32).toString('utf8'));

  // Of the same length: its tree's slices of this text would read chainId "01" (one space longer). Its
  // file under this text's name is refused for the key stored in it (another text's sha256), not by
  // any check of its tokens: they cut this text into consecutive pieces as well.
  const otherText = text.replace('chainId: 901', 'chainId:  01');
  expect(otherText.length).toBe(text.length);
  /** The tree of a text that parses cleanly (whether or not it is a checklist that loads). */
  const treeOf = (other: string) => {
    for (let i = 0; i < 2; i++) {
      cachedParse(other);
      keepYamlParse(other);
      writePendingYamlCaches();
    }
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    return join(cache, cacheFiles(cache)[0] as string);
  };

  const damages: [string, (file: string) => void][] = [
    [
      'a flipped byte',
      (file) => {
        const bytes = readFileSync(file);
        const middle = Math.floor(bytes.length / 2);
        bytes[middle] = (bytes[middle] as number) ^ 0x01;
        writeFileSync(file, bytes);
      },
    ],
    ['cut short', (file) => writeFileSync(file, readFileSync(file).subarray(0, 1000))],
    ['empty', (file) => writeFileSync(file, '')],
    ['a digest and nothing else', (file) => writeFileSync(file, readFileSync(file).subarray(0, 32))],
    ['not JSON (right digest)', (file) => writeFileSync(file, withDigest(Buffer.from('{"format":1,')))],
    ['JSON null (right digest)', (file) => writeFileSync(file, withDigest(Buffer.from('null')))],
    [
      'another format (right digest)',
      (file) =>
        writeFileSync(file, withDigest(Buffer.from(JSON.stringify({ ...payloadOf(file), format: 2 })))),
    ],
    [
      'another yaml version (right digest)',
      (file) =>
        writeFileSync(file, withDigest(Buffer.from(JSON.stringify({ ...payloadOf(file), yaml: '0.0.0' })))),
    ],
    [
      'a source length past the end (right digest)',
      (file) => {
        const payload = payloadOf(file);
        payload.tokens.at(-1).source = text.length + 1;
        writeFileSync(file, withDigest(Buffer.from(JSON.stringify(payload))));
      },
    ],
    [
      'a source as text (right digest)',
      (file) => {
        const payload = payloadOf(file);
        payload.tokens[0].source = 'version: 2\n';
        writeFileSync(file, withDigest(Buffer.from(JSON.stringify(payload))));
      },
    ],
    [
      'tokens that do not spell the text (right digest)',
      (file) => {
        const payload = payloadOf(file);
        payload.tokens.pop();
        writeFileSync(file, withDigest(Buffer.from(JSON.stringify(payload))));
      },
    ],
    [
      "another text's tree under this text's name (its stored key is the other text's)",
      (file) => {
        const other = join(dir, 'other');
        mkdirSync(other, { mode: 0o700 });
        process.env.L2PREFLIGHT_CACHE_DIR = other;
        const otherFile = treeOf(otherText);
        process.env.L2PREFLIGHT_CACHE_DIR = join(dir, 'cache');
        writeFileSync(file, readFileSync(otherFile));
      },
    ],
  ];

  it.each(damages)('%s', (_name, damage) => {
    const uncached = loaded(text, 'checks/devnet.yaml');
    const file = primed(text);
    damage(file);
    let result: unknown;
    expect(counted(() => (result = loaded(text, 'checks/devnet.yaml')))).toMatchObject({
      hits: 0,
      misses: 1,
    });
    expect(result).toStrictEqual(uncached);
    const again = cachedParse(text);
    expect(parsed(again.doc)).toStrictEqual(parsed(uncachedParse(text).doc));
    expect(again.lineStarts).toStrictEqual(uncachedParse(text).lineStarts);
    // The next write replaces it with a good one (its file is there: no marker needed).
    keepYamlParse(text);
    writePendingYamlCaches();
    expect(counted(() => loaded(text, 'checks/devnet.yaml')).hits).toBe(1);
  });
});

describe('the cache directory', () => {
  const text = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8');

  it('is neither read nor written when another user could write to it: a planted tree could change a checklist', () => {
    const good = primed(text);
    process.env.L2PREFLIGHT_CACHE_DIR = untrusted;
    // A marker as a second miss leaves, planted: it must not set the exit's work going either.
    const key = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(untrusted, `yaml-seen-${key}`), '');
    expect(counted(() => loaded(text, 'x.yaml'))).toMatchObject({ hits: 0, misses: 1 });
    // Nor is the tree checked for storing at exit: a directory we may not use costs no work per run.
    expect(counted(() => writePendingYamlCaches()).storable).toBe(0);
    expect(readdirSync(untrusted)).toEqual([`yaml-seen-${key}`]);
    // A good file planted there is not used.
    cpSync(good, join(untrusted, basename(good)));
    expect(counted(() => loaded(text, 'x.yaml'))).toMatchObject({ hits: 0, misses: 1 });
    const groupWritable = join(dir, 'group');
    mkdirSync(groupWritable);
    chmodSync(groupWritable, 0o770);
    cpSync(good, join(groupWritable, basename(good)));
    process.env.L2PREFLIGHT_CACHE_DIR = groupWritable;
    expect(counted(() => loaded(text, 'x.yaml'))).toMatchObject({ hits: 0, misses: 1 });
  });

  it.skipIf(process.getuid?.() !== 0)('is not used when another user owns it (run as root)', () => {
    const good = primed(text);
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    cpSync(good, join(theirs, basename(good)));
    chownSync(theirs, 54321, 54321);
    process.env.L2PREFLIGHT_CACHE_DIR = theirs;
    expect(counted(() => loaded(text, 'x.yaml'))).toMatchObject({ hits: 0, misses: 1 });
    writePendingYamlCaches();
    expect(readdirSync(theirs)).toEqual([basename(good)]);
  });

  it('that cannot be made leaves the load as it is', () => {
    writeFileSync(join(dir, 'a-file'), '');
    process.env.L2PREFLIGHT_CACHE_DIR = join(dir, 'a-file', 'cache');
    const result = loaded(text, 'x.yaml');
    writePendingYamlCaches();
    expect(result).toHaveProperty('checklist');
  });

  it('keeps the 32 most recently written trees and markers', () => {
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    for (let i = 0; i < 36; i++) {
      loaded(text.replace('name: ', `name: m${i} `), 'x.yaml');
      writePendingYamlCaches();
    }
    expect(markers(cache)).toHaveLength(32);
    for (let i = 0; i < 36; i++) {
      for (let twice = 0; twice < 2; twice++) {
        loaded(text.replace('name: ', `name: n${i} `), 'x.yaml');
        writePendingYamlCaches();
      }
    }
    expect(cacheFiles(cache)).toHaveLength(32);
    expect(markers(cache)).toEqual([]);
    expect(counted(() => loaded(text.replace('name: ', 'name: n35 '), 'x.yaml')).hits).toBe(1);
  });
});

describe('what is never written', () => {
  const text = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8');

  it.each([2, 70, 130, 143])('nothing at an exit with code %i (a mistake, a crash, an interrupt)', (code) => {
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    for (let i = 0; i < 2; i++) {
      loaded(text, 'x.yaml');
      // The handler process.on('exit') calls, with the code the process exits with.
      writePendingYamlCaches(code);
      expect(readdirSync(dir)).not.toContain('cache');
    }
    // What was pending is dropped, not left for a later write.
    writePendingYamlCaches();
    expect(markers(cache)).toEqual([]);
    loaded(text, 'x.yaml');
    writePendingYamlCaches(0);
    expect(markers(cache)).toHaveLength(1);
  });

  it('no tree of a text above 256 KB: the tree is ~15 times the text, and the exit write grows with it', () => {
    const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
    const large = manyChecks(1500);
    expect(large.length).toBeGreaterThan(256 * 1024);
    for (let i = 0; i < 3; i++) {
      const result = cachedParse(large);
      expect(result.doc.errors).toEqual([]);
      keepYamlParse(large);
      expect(counted(() => writePendingYamlCaches()).storable).toBe(0);
      expect(readdirSync(dir)).not.toContain('cache');
    }
    expect(cacheFiles(cache)).toEqual([]);
  });
});

describe('no checklist text in the cache', () => {
  it('holds token types, offsets, indents and lengths: no key, no URL, no scalar of the checklist', () => {
    const key = 'k3yQ9xZ7wV2mT8sR4pL6nB1c';
    const url = `https://l2-mainnet.example-rpc.io/v2/${key}`;
    const text = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8').replace(
      /"\$\{L2PREFLIGHT_DEVNET_L2_RPC:-[^}]*\}"/,
      url,
    );
    expect(text).toContain(url);
    const file = primed(text);
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).not.toContain(key);
    expect(bytes).not.toContain('example-rpc');
    const scalars = new Set<string>();
    visit(parseDocument(text), {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.source === 'string') scalars.add(node.source);
      },
    });
    // The stored tree's own words (its field names, token types such as "comment") may also be a
    // checklist's scalar: every other scalar of four characters or more must be absent.
    const payload = JSON.parse(readFileSync(file).subarray(32).toString('utf8'));
    const own = new Set<string>();
    const strings = new Set<string>();
    const collect = (value: unknown, name: string) => {
      if (typeof value === 'string') {
        own.add(value);
        strings.add(`${name}=${name === 'type' || name === 'yaml' || name === 'key' ? '' : value}`);
      } else if (value && typeof value === 'object')
        for (const [field, inner] of Object.entries(value)) {
          if (!Array.isArray(value)) own.add(field);
          collect(inner, Array.isArray(value) ? name : field);
        }
    };
    collect(payload, '');
    const words = [...own];
    const long = [...scalars].filter(
      (scalar) => scalar.length >= 4 && !words.some((word) => word.includes(scalar)),
    );
    expect(long.length).toBeGreaterThan(50);
    for (const scalar of long) expect(bytes.includes(scalar), scalar).toBe(false);
    // And the only strings in it are token types and its own header.
    expect([...strings].sort()).toEqual(['key=', 'type=', 'yaml=']);
  });
});

describe('a broken checklist', () => {
  const devnet = readFileSync(join(ROOT, 'checks', 'devnet.yaml'), 'utf8');
  const broken: [string, string, RegExp][] = [
    ['a YAML syntax error', devnet.replace('chainId: 901', 'chainId: [901'), /^x\.yaml:\d+:\d+: /m],
    ['a duplicate key', devnet.replace('chainId: 901', 'chainId: 901\n    chainId: 902'), /^x\.yaml:11:5: /m],
    ['an unknown key', devnet.replace('chainId: 901', 'chainId: 901\n    chainIdd: 902'), /^x\.yaml:11:5: /m],
    [
      'a text cut short',
      devnet.slice(0, devnet.indexOf('maxGap:') + 'maxGap:'.length),
      /^x\.yaml:\d+:\d+: /m,
    ],
  ];

  it.each(broken)(
    'with %s is never kept, and its message is the one without a cache',
    (_name, text, position) => {
      const cache = process.env.L2PREFLIGHT_CACHE_DIR as string;
      process.env.L2PREFLIGHT_CACHE_DIR = untrusted;
      const uncached = loaded(text, 'x.yaml');
      process.env.L2PREFLIGHT_CACHE_DIR = cache;
      expect((uncached as { message: string }).message).toMatch(position);
      for (let i = 0; i < 2; i++) {
        expect(counted(() => expect(loaded(text, 'x.yaml')).toStrictEqual(uncached))).toMatchObject({
          hits: 0,
          misses: 1,
          storable: 0,
        });
        writePendingYamlCaches();
        expect(cacheFiles(cache)).toEqual([]);
      }
    },
  );
});
