/**
 * yaml's `parseDocument`, with its concrete syntax tree (CST) cached between processes: lexing and
 * parsing a large checklist on cold code costs a fresh process about three times what composing does,
 * and a pre-trade hook or a CI job loads the same checklist again and again.
 *
 * Checklists hold RPC URLs with API keys, so no text is stored: a token's source is kept as a length
 * and cut from the text again on a hit.
 *
 * The cache may only make a load faster, never change its result or fail it. So only a clean parse of
 * a checklist that loaded is stored, after its stored form was restored and found equal to the
 * parser's tokens; a file that does not fit its text is a miss. A file with the text's digest is
 * taken for its tree (tokens that cut the text elsewhere spell it as well): only we may write there,
 * the code cache's trust rule. The write happens at exit, after the command's work.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import {
  Composer,
  type CST,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  Parser,
  parseDocument,
  type SchemaOptions,
  YAMLParseError,
} from 'yaml';
import yamlPackage from 'yaml/package.json' with { type: 'json' };
import { cacheDirectory, makeDirectory, store, trusted, verified } from '../../bin/codeCache.js';

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** Bumped whenever the stored form changes: older files then are misses, and age out. */
const FORMAT = 1;
const PREFIX = 'yaml-';
/** Checklists a user loads often enough to keep; the least recently used beyond go. */
const KEEP = 32;
/**
 * The longest text whose tree is kept. The tree's JSON is ~15 times its text, and the exit's checks and
 * write grow with it: a 200-check checklist (36 KB) costs ~45 ms, so 256 KB would be ~300 ms at an exit.
 */
const MAX_TEXT = 256 * 1024;
/**
 * Exit codes at which nothing is written: a usage mistake (2) or a crash (70) may end mid-load, and an
 * interrupt (130 Ctrl-C, 143 SIGTERM) must end at once.
 */
const NO_WRITE_AT = new Set([2, 70, 130, 143]);
/** Parses of one process kept for writing at exit (a CLI loads one or two; a long test run, many). */
const MAX_PENDING = 4;

const counts = { hits: 0, misses: 0, storable: 0 };

/**
 * How often this process found a usable cache, parsed without one, and had a tree that passed the
 * checks for storing (written if the directory allows). For tests.
 */
export function yamlParseCacheCounts(): { hits: number; misses: number; storable: number } {
  return { ...counts };
}

/**
 * What `parseDocument(text, options)` returns, from a cached CST when there is a good one. Only with
 * `lineCounter` set and `prettyErrors: false` (how checklists are parsed); otherwise it is
 * `parseDocument` itself.
 */
export function parseYamlDocument(text: string, options: YamlOptions): Document.Parsed {
  // Only the parse just made may be kept: a hit, or a text not cached, leaves none.
  candidate = undefined;
  const { lineCounter } = options;
  if (!lineCounter || options.prettyErrors !== false || text.length > MAX_TEXT)
    return parseDocument(text, options);
  const key = createHash('sha256').update(text).digest('hex');
  const cached = fromCache(text, key, options, lineCounter);
  if (cached) {
    counts.hits += 1;
    return cached;
  }
  counts.misses += 1;
  const tokens: CST.Token[] = [];
  const parser = new Parser(lineCounter.addNewLine);
  function* collected(): Generator<CST.Token> {
    for (const token of parser.parse(text)) {
      tokens.push(token);
      yield token;
    }
  }
  const doc = composed(collected(), text, options);
  if (doc.errors.length === 0 && doc.warnings.length === 0) {
    const starts = [...lineCounter.lineStarts];
    candidate = { text, keep: () => storeAtExit(key, text, tokens, starts) };
  }
  return doc;
}

/** The last clean parse, which may be stored once its checklist has loaded (one: loads are synchronous). */
let candidate: { text: string; keep: () => void } | undefined;

/**
 * Keeps the tree of the last parse of `text` for later processes: called once the checklist it holds
 * has loaded without a problem, so a broken one (an unknown key, a text cut short) is never kept.
 */
export function keepYamlParse(text: string): void {
  if (candidate?.text === text) candidate.keep();
  candidate = undefined;
}

/** yaml's own parseDocument from here on (public-api.js), with `prettyErrors: false`. */
function composed(tokens: Iterable<CST.Token>, text: string, options: YamlOptions): Document.Parsed {
  const composer = new Composer(options);
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc = true) yields a document even for an empty text, as parseDocument relies on.
  if (!doc) throw new Error('yaml composed no document');
  return doc;
}

function fileName(key: string): string {
  return `${PREFIX}${yamlPackage.version}-f${FORMAT}-${key}.cst`;
}

/**
 * The mark of a text parsed once without a hit. Its tree is stored only on the next miss: a CI job in a
 * fresh container, which can never hit, then pays for a tiny write instead of the tree's checks and
 * serialization (~45 ms for 200 checks). Under PREFIX, so markers count toward KEEP and age out too.
 */
function markerName(key: string): string {
  return `${PREFIX}seen-${key}`;
}

interface Stored {
  format: number;
  yaml: string;
  key: string;
  tokens: unknown[];
}

function fromCache(
  text: string,
  key: string,
  options: YamlOptions,
  lineCounter: LineCounter,
): Document.Parsed | undefined {
  try {
    const directory = cacheDirectory();
    if (!trusted(directory)) return undefined;
    const file = join(directory, fileName(key));
    const data = verified(file);
    if (!data) return undefined;
    const stored = JSON.parse(data.toString('utf8')) as Partial<Stored> | null;
    if (stored?.format !== FORMAT || stored.yaml !== yamlPackage.version || stored.key !== key)
      return undefined;
    if (!Array.isArray(stored.tokens)) return undefined;
    const tokens = restored(stored.tokens, text);
    if (!tokens) return undefined;
    const doc = composed(tokens, text, options);
    // Never stored with any: a file that yields some is not what this code wrote.
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    for (const start of lineStarts(text)) lineCounter.addNewLine(start);
    touch(file);
    return doc;
  } catch {
    return undefined;
  }
}

/** Marks a tree recently used, the last to go when the cache is trimmed (store()'s `keep`). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A read-only cache is still a good one to read.
  }
}

/**
 * Where the parser reports each line to start: offset 0, then after every "\n" (a CRLF's included).
 * Checked against what the parser reported before a tree is stored.
 */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * The tokens with each `source` length replaced by the text's slice, or undefined unless those slices,
 * in the order the tree holds them, cut the whole text into consecutive pieces (as the parser's do:
 * a file missing a token, or with one shifted, is not this text's tree). A plain for-in walk: on code
 * V8 has not optimized yet, Object.entries made it four times slower, and CST.stringify as slow again.
 */
function restored(tokens: unknown[], text: string): CST.Token[] | undefined {
  let next = 0;
  const restore = (value: unknown): boolean => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!restore(value[i])) return false;
      return true;
    }
    if (value === null || typeof value !== 'object') return true;
    const token = value as Record<string, unknown>;
    for (const name in token) {
      const field = token[name];
      if (name === 'source') {
        // A block scalar's offset is its header's (`|`, `>`, in its props, cut before); its source
        // starts on the line after. Every other token's source starts at its offset.
        if (token.type !== 'block-scalar' && token.offset !== next) return false;
        if (!Number.isInteger(field)) return false;
        const end = next + (field as number);
        if (end < next || end > text.length) return false;
        token.source = text.slice(next, end);
        next = end;
      } else if (typeof field === 'object' && !restore(field)) return false;
    }
    return true;
  };
  return restore(tokens) && next === text.length ? (tokens as CST.Token[]) : undefined;
}

/**
 * The tokens with each `source` replaced by its length, or undefined when anything else in them is a
 * string but a token's type (an error's message): the stored form then could hold checklist text.
 */
function stripped(tokens: CST.Token[]): unknown[] | undefined {
  const strip = (value: unknown, name: string): unknown => {
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (let i = 0; i < value.length; i++) items.push(strip(value[i], name));
      return items;
    }
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string' && name !== 'type') throw new NotStorable();
      return value;
    }
    const token = value as Record<string, unknown>;
    if (token.type === 'error') throw new NotStorable();
    const copy: Record<string, unknown> = {};
    for (const field in token) {
      const inner = token[field];
      if (field === 'source') {
        // Where it lies in the text is checked once the stored form is restored (storeNow).
        if (typeof inner !== 'string') throw new NotStorable();
        copy.source = inner.length;
      } else copy[field] = strip(inner, field);
    }
    return copy;
  };
  try {
    return strip(tokens, '') as unknown[];
  } catch (error) {
    if (error instanceof NotStorable) return undefined;
    throw error;
  }
}

/**
 * Whether two trees of plain objects, arrays and primitives are the same, key for key. Stricter than
 * isDeepStrictEqual for these (a key whose value is undefined, which JSON drops, counts; so does any
 * other prototype) and, on code V8 has not optimized yet, a sixth of its time on a 200-check tree.
 */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameTree(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(right, key) || !sameTree(left[key], right[key])) return false;
    keys += 1;
  }
  for (const _ in right) keys -= 1;
  return keys === 0;
}

class NotStorable extends Error {}

const pending = new Map<string, () => void>();
let listening = false;

function storeAtExit(key: string, text: string, tokens: CST.Token[], observedStarts: number[]): void {
  if (pending.has(key) || pending.size >= MAX_PENDING) return;
  pending.set(key, () => storeNow(key, text, tokens, observedStarts));
  if (!listening) {
    listening = true;
    process.on('exit', writePendingYamlCaches);
  }
}

/**
 * Forgets what this process would write at exit and the last parse. A process stopped by SIGINT or
 * SIGTERM calls it (Ctrl-C must end a command at once, and `run --watch` stopped between runs exits
 * with its last run's code, which the exit handler cannot tell from a normal end); so do tests, whose
 * files share a process (vitest's isolate: false) and must not write an earlier file's parses.
 */
export function dropPendingYamlCaches(): void {
  pending.clear();
  candidate = undefined;
}

/**
 * Writes what this process parsed and has not written yet: the handler of process.on('exit'), given
 * the exit code, or called by a test that wants it now. At an exit code of NO_WRITE_AT, drops it.
 */
export function writePendingYamlCaches(code?: number): void {
  if (code === undefined || !NO_WRITE_AT.has(code)) for (const write of pending.values()) write();
  pending.clear();
}

/** Whether trees may be written here: ours alone, made if missing. Checked before any work for one. */
function usableDirectory(): string | undefined {
  const directory = cacheDirectory();
  makeDirectory(directory);
  return trusted(directory) ? directory : undefined;
}

function storeNow(key: string, text: string, tokens: CST.Token[], observedStarts: number[]): void {
  try {
    const directory = usableDirectory();
    if (!directory) return;
    const marker = join(directory, markerName(key));
    // A tree file there already (damaged, or the text's tree that a miss could not use) counts as seen.
    if (!existsSync(marker) && !existsSync(join(directory, fileName(key)))) {
      store(directory, markerName(key), PREFIX, Buffer.alloc(0), KEEP);
      return;
    }
    if (!sameTree(observedStarts, lineStarts(text))) return;
    const form = stripped(tokens);
    if (!form) return;
    const json = JSON.stringify({
      format: FORMAT,
      yaml: yamlPackage.version,
      key,
      tokens: form,
    } satisfies Stored);
    const back = restored((JSON.parse(json) as Stored).tokens, text);
    if (!back || !sameTree(back, tokens)) return;
    counts.storable += 1;
    // First, so that the marker does not take a place among the KEEP that store() leaves.
    rmSync(marker, { force: true });
    store(directory, fileName(key), PREFIX, Buffer.from(json), KEEP);
  } catch {
    // No home directory, an unwritable cache: the next load parses, as without a cache.
  }
}
