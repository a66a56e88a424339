/**
 * zod's issues as checklist problems a person reads: at the YAML node's file:line:col, naming a check
 * by its id (`check head-fresh: max: …`, not `checks.0.max`), saying what was given (`got 30`), and
 * suggesting the spelling that works (`30 sec` → `30s`) where the parameter's kind says what it is.
 */
import type { Document, Node } from 'yaml';
import { isCollection, isMap, isScalar } from 'yaml';
import * as z from 'zod';
import { paramMeta } from '../checks/params.js';
import { durationReadings, suggestUsd } from '../core/spelling.js';
import type { ChecklistProblem, SourcePosition } from '../errors.js';
import { suggest } from './suggest.js';

export type Path = (string | number)[];

/** What the loader's locator offers: positions, the parsed document, and how a value may be shown. */
export interface NodeLocator {
  readonly doc: Document;
  ofPath(path: Path): SourcePosition;
  ofKey(path: Path, key: string): SourcePosition;
  /** `text` with the run's secrets (values from the environment) and secret shapes hidden. */
  shown(text: string): string;
}

/** Keys whose value is an endpoint URL (venue.l2.rpc, venue.dydx.indexer, a reference feed's rpc). */
const ENDPOINT_KEYS = new Set(['rpc', 'indexer', 'rest']);

/** Whether the value at `path` is an RPC URL or a list of them: a key may be in it in any shape. */
function isEndpoint(path: Path): boolean {
  return path.some((segment) => typeof segment === 'string' && ENDPOINT_KEYS.has(segment));
}

type Wrapper = { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } };

/** The schema inside an optional, a default, a pipe or a transform (one layer), if any. */
function inner(schema: z.ZodType): z.ZodType | undefined {
  const def = (schema as unknown as Wrapper)._zod.def;
  return def.innerType ?? def.in;
}

/** Every layer of `schema`, outermost first (a `.meta()` may sit on any of them). */
function layers(schema: z.ZodType | undefined): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (let current = schema; current && out.length < 16; current = inner(current)) out.push(current);
  return out;
}

/** The schema at `path` inside `schema` (its outermost layer), or undefined. */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    let core = layers(current).at(-1);
    // An asset is one of several shapes: the one that has this key.
    if (core instanceof z.ZodUnion)
      core = (core.options as z.ZodType[])
        .map((option) => layers(option).at(-1))
        .find((option) => option instanceof z.ZodObject && segment in option.shape);
    if (core instanceof z.ZodObject) current = core.shape[segment as string] as z.ZodType | undefined;
    else if (core instanceof z.ZodArray) current = core.element as z.ZodType;
    else if (core instanceof z.ZodRecord) current = core.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** Keys a schema's object at `path` accepts, to suggest a correction for an unknown key. */
function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  const core = layers(schemaAt(schema, path)).at(-1);
  return core instanceof z.ZodObject ? Object.keys(core.shape) : [];
}

/** The parameter kind `explain` shows (`duration`, `USD amount`, `long | short`), if declared. */
function kindAt(schema: z.ZodType, path: Path): string | undefined {
  for (const layer of layers(schemaAt(schema, path))) {
    const kind = paramMeta(layer)?.kind;
    if (kind) return kind;
  }
  return undefined;
}

/** The spelling that works for `value` as a `kind`, when there is one. */
function suggestionFor(kind: string | undefined, value: unknown): string | string[] | undefined {
  if (!kind) return undefined;
  if (kind.startsWith('duration')) {
    const readings = durationReadings(value);
    return readings.length > 1 ? readings : readings[0];
  }
  if (kind.startsWith('USD amount') || kind === 'price') return suggestUsd(value);
  if (kind.includes(' | ') && typeof value === 'string') return suggest(value, kind.split(' | '));
  return undefined;
}

/** `checks.3.assets.0.price` → `check fund: assets[0].price` (the id as written, else its number). */
export function describePath(doc: Document, path: Path): string {
  const keys = (rest: Path) =>
    rest.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i > 0 ? '.' : ''}${s}`)).join('');
  if (path[0] === 'checks' && typeof path[1] === 'number') {
    const id = doc.getIn(['checks', path[1], 'id']);
    const check = typeof id === 'string' && id !== '' ? `check ${id}` : `check #${path[1] + 1}`;
    return path.length > 2 ? `${check}: ${keys(path.slice(2))}` : check;
  }
  return keys(path);
}

/**
 * What the file gives at `path`, for "got …": a short literal, "a list", "a map", or nothing. Text at
 * an endpoint is never echoed; other text has its secrets hidden before it is cut to length (a key cut
 * in half no longer has a key's shape, nor a variable's value its whole text).
 */
function given(locator: NodeLocator, path: Path): { shown: string; value?: unknown; secret?: true } {
  const node = locator.doc.getIn(path, true) as Node | undefined;
  if (node === undefined) return { shown: 'nothing (the key is missing)' };
  if (isMap(node)) return { shown: 'a map' };
  if (isCollection(node)) return { shown: 'a list' };
  if (!isScalar(node)) return { shown: 'an alias' };
  const value = node.value;
  if (typeof value === 'string' && isEndpoint(path))
    return { shown: 'text (not shown: an RPC URL may carry a key)', value, secret: true };
  const text = locator.shown(typeof value === 'string' ? JSON.stringify(value) : String(value));
  return { shown: text.length > 60 ? `${text.slice(0, 57)}…` : text, value };
}

/** Issue codes whose message says what was expected but not what was found. */
const SAYS_NOT_WHAT_WAS_GIVEN = new Set([
  'invalid_type',
  'invalid_value',
  'invalid_format',
  'invalid_union',
  'too_small',
  'too_big',
  'not_multiple_of',
]);

function problemOf(
  issue: z.core.$ZodIssue,
  path: Path,
  schemaPath: Path,
  schema: z.ZodType,
  locator: NodeLocator,
): ChecklistProblem {
  const found = given(locator, path);
  const saysGot = SAYS_NOT_WHAT_WAS_GIVEN.has(issue.code) && !/\bgot\b/.test(issue.message);
  const message = `${issue.message}${saysGot ? `, got ${found.shown}` : ''}`;
  const where = path.length ? `${describePath(locator.doc, path)}: ` : '';
  const suggestion =
    found.value === undefined ? undefined : suggestionFor(kindAt(schema, schemaPath), found.value);
  return {
    position: locator.ofPath(path),
    message: `${where}${message}`,
    ...(suggestion ? { suggestion } : {}),
    ...(found.secret ? { secretValue: true } : {}),
  };
}

export function problemsFromZod(
  error: z.ZodError,
  schema: z.ZodType,
  locator: NodeLocator,
  base: Path,
  rename: (key: string) => string = (k) => k,
): ChecklistProblem[] {
  return error.issues.flatMap((issue): ChecklistProblem[] => {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path as Path).map(rename);
      return issue.keys.map((key) => ({
        position: locator.ofKey(path, key),
        // Named by where it sits ("check head-fresh: unknown key …"), as every other parameter problem is.
        message: `${path.length ? `${describePath(locator.doc, path)}: ` : ''}unknown key "${key}"`,
        expected: known.length ? `one of ${known.join(', ')}` : undefined,
        suggestion: suggest(key, known),
      }));
    }
    const branch = issue.code === 'invalid_union' ? shapeMatchingBranch(issue.errors) : undefined;
    if (branch) {
      // One alternative has the right keys and only a wrong value: its own message says more
      // ("expected a USD amount … got 1.2.3") than the union's "expected an asset: …".
      return branch.map((innerIssue) => {
        const innerPath = [...(issue.path as Path), ...(innerIssue.path as Path)];
        return problemOf(innerIssue, [...base, ...innerPath], innerPath, schema, locator);
      });
    }
    return [problemOf(issue, path, issue.path as Path, schema, locator)];
  });
}

/** The one union alternative whose issues are all about values inside it (none about its shape). */
function shapeMatchingBranch(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const matching = branches.filter(
    (issues) =>
      issues.length > 0 &&
      issues.every(
        (issue) =>
          issue.path.length > 0 && issue.code !== 'unrecognized_keys' && issue.code !== 'invalid_union',
      ),
  );
  return matching.length === 1 ? matching[0] : undefined;
}
