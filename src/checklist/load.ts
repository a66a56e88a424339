/**
 * Loads a checklist: YAML with source positions → `${VAR}` interpolation → `$name` contract
 * references → the v1 schema → each check's own parameter schema. Every problem carries
 * file:line:col; all problems are collected and thrown together as one ChecklistError.
 */
import { readFile } from 'node:fs/promises';
import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  type Scalar,
  type SchemaOptions,
} from 'yaml';
import * as z from 'zod';
import { checkRegistry } from '../checks/index.js';
import { capabilitiesOf, unmetRequirements, type VenueCapabilities } from '../checks/requires.js';
import type { Severity } from '../core/vocabulary.js';
import { ChecklistError, type ChecklistProblem, type SourcePosition } from '../errors.js';
import { Redactor } from '../rpc/redact.js';
import { PRESETS, type VenuePreset } from '../venues/presets.js';
import { excerptAt } from './excerpt.js';
import { interpolate, MissingVariableError } from './interpolate.js';
import type { CheckInstance, Checklist, EscalationPath } from './model.js';
import { checklistSchema, commonCheckShape, drillSchema, type venueSchema } from './schema.js';
import { hideValueOf, shownText, withoutSecrets } from './secrets.js';
import { suggest } from './suggest.js';
import {
  cutShortProblem,
  endsWithoutValue,
  missingNewlineWarning,
  unterminatedLastLine,
} from './truncation.js';
import { keepYamlParse, parseYamlDocument } from './yamlParseCache.js';
import {
  firstAlias,
  MAX_ALIAS_COUNT,
  numberProblems,
  structureProblems,
  syntaxProblems,
  versionProblem,
} from './yamlSource.js';
import { walk } from './yamlWalk.js';
import { type Path, problemsFromZod } from './zodProblems.js';

const CONTRACT_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_-]*)$/;

/** Addresses are hex; YAML's hex and octal integers would silently turn them into numbers. */
const yamlOptions: SchemaOptions = {
  customTags: (tags) =>
    tags.filter(
      (t) =>
        typeof t === 'string' ||
        !(t.tag === 'tag:yaml.org,2002:int' && (t.format === 'HEX' || t.format === 'OCT')),
    ),
};

class Locator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    private readonly secrets: Redactor,
  ) {}

  shown(text: string): string {
    return shownText(text, this.secrets);
  }

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  ofNode(node: Node | null | undefined): SourcePosition {
    return this.at(node?.range?.[0] ?? 0);
  }

  /** The deepest existing node along the path (a missing key points at its parent map). */
  ofPath(path: Path): SourcePosition {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = this.doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node) return this.ofNode(node);
    }
    return this.at(0);
  }

  /** The key node of `key` in the map at `path`, for unknown-key errors. */
  ofKey(path: Path, key: string): SourcePosition {
    const map = this.doc.getIn(path, true);
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isScalar(pair.key) && pair.key.value === key) return this.ofNode(pair.key);
      }
    }
    return this.ofPath(path);
  }
}

function interpolateEnvironment(
  locator: Locator,
  env: Record<string, string | undefined>,
  secrets: Redactor,
): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  walk(locator.doc, {
    Scalar(key, node: Scalar) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      try {
        node.value = interpolate(node.value, env, (name, value) => hideValueOf(secrets, name, value));
      } catch (error) {
        if (!(error instanceof MissingVariableError)) throw error;
        problems.push({
          position: locator.ofNode(node),
          message: error.message,
          expected: `export ${error.variable}=… or write \${${error.variable}:-default}`,
        });
      }
    },
  });
  return problems;
}

function resolveContractReferences(
  locator: Locator,
  node: unknown,
  contracts: Record<string, string>,
): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  if (!node) return problems;
  walk(node as Node, {
    Scalar(key, scalar: Scalar) {
      if (key === 'key' || typeof scalar.value !== 'string') return;
      const match = CONTRACT_REFERENCE.exec(scalar.value);
      if (!match?.[1]) return;
      const address = contracts[match[1]];
      if (address) {
        scalar.value = address;
        return;
      }
      const names = Object.keys(contracts);
      problems.push({
        position: locator.ofNode(scalar),
        message: `unknown contract "$${match[1]}"`,
        expected: names.length
          ? `one of venue.contracts: ${names.map((n) => `$${n}`).join(', ')}`
          : 'a name declared under venue.contracts',
        suggestion: ((s) => (s ? `$${s}` : undefined))(suggest(match[1], names)),
      });
    },
  });
  return problems;
}

/**
 * Replaces, in place, every string in `value` that names a contract (`$name`, never a map key) by its
 * address, as resolveContractReferences did in the document. Unknown names were refused there.
 */
function withContracts(value: unknown, contracts: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const name = CONTRACT_REFERENCE.exec(value)?.[1];
    return (name && contracts[name]) || value;
  }
  if (value && typeof value === 'object') {
    const container = value as Record<string, unknown>;
    for (const key of Object.keys(container)) container[key] = withContracts(container[key], contracts);
  }
  return value;
}

const checkSchemas = new Map<string, z.ZodObject>();

function checkSchemaFor(type: string, params: z.ZodObject): z.ZodObject {
  let schema = checkSchemas.get(type);
  if (!schema) {
    schema = z.strictObject({ ...commonCheckShape, ...params.shape });
    checkSchemas.set(type, schema);
  }
  return schema;
}

function loadChecks(
  raw: Record<string, unknown>[],
  locator: Locator,
  defaults: { severity: Severity } & EscalationPath,
  venue: VenueCapabilities,
): { checks: CheckInstance[]; problems: ChecklistProblem[]; warnings: ChecklistProblem[] } {
  const problems: ChecklistProblem[] = [];
  const warnings: ChecklistProblem[] = [];
  const checks: CheckInstance[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item, index) => {
    const base: Path = ['checks', index];
    const type = item.type;
    if (typeof type !== 'string') {
      problems.push({
        position: locator.ofPath([...base, 'type']),
        message: 'missing "type"',
        expected: 'a check type, e.g. sequencer.head-age (see `l2preflight list`)',
      });
      return;
    }
    const definition = checkRegistry.get(type);
    if (!definition) {
      problems.push({
        position: locator.ofPath([...base, 'type']),
        message: `unknown check type "${type}"`,
        expected: 'a type listed by `l2preflight list`',
        suggestion: suggest(type, checkRegistry.keys()),
      });
      return;
    }
    const schema = checkSchemaFor(type, definition.params);
    // A stack's own default goes in as if written, so it is parsed (units) like the checklist's values.
    const parsed = schema.safeParse({ ...definition.stackDefaults?.[venue.stack], ...item });
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, schema, locator, base));
      return;
    }
    const {
      id,
      severity,
      tags,
      description,
      remediation,
      owner,
      runbook,
      escalation,
      timeout,
      skip,
      type: _type,
      ...params
    } = parsed.data;
    const crossFieldProblem = definition.validate?.(params);
    if (crossFieldProblem) {
      problems.push({
        position: locator.ofPath([...base, 'type']),
        message: `check ${id}: ${crossFieldProblem}`,
      });
      return;
    }
    // A check that cannot run on this venue could only skip, and a skipped check measures nothing.
    const unmet = unmetRequirements(definition.requires, params, venue);
    if (unmet.length > 0) {
      problems.push(
        ...unmet.map((u) => ({
          position: locator.ofPath(u.param ? [...base, u.param] : [...base, 'type']),
          message: `${type} cannot run on this venue: ${u.missing}`,
          expected: u.expected,
        })),
      );
      return;
    }
    const firstIndex = seen.get(id as string);
    if (firstIndex !== undefined) {
      problems.push({
        position: locator.ofPath([...base, 'id']),
        message: `duplicate check id "${id}" (first used by check #${firstIndex + 1})`,
        expected: 'a unique id per check',
      });
      return;
    }
    seen.set(id as string, index);
    for (const advice of definition.advise?.(params, { stack: venue.stack }) ?? []) {
      warnings.push({ position: locator.ofPath([...base, 'type']), message: `${type}: ${advice}` });
    }
    checks.push({
      id: id as string,
      type,
      definition,
      params,
      severity: (severity as CheckInstance['severity'] | undefined) ?? defaults.severity,
      tags: tags as string[],
      description: description as string | undefined,
      remediation: remediation as string | undefined,
      ...escalationPath({ owner, runbook, escalation } as EscalationPath, defaults),
      timeoutMs: timeout as number | undefined,
      skip: skip as string | undefined,
    });
  });
  return { checks, problems, warnings };
}

/** The check's own owner, runbook and escalation, each falling back to the defaults'; unset ones left out. */
function escalationPath(own: EscalationPath, defaults: EscalationPath): EscalationPath {
  const path: EscalationPath = {};
  for (const key of ['owner', 'runbook', 'escalation'] as const) {
    const value = own[key] ?? defaults[key];
    if (value !== undefined) path[key] = value;
  }
  return path;
}

export interface LoadOptions {
  env?: Record<string, string | undefined>;
}

/**
 * The venue with its preset applied: the preset's stack, chains (RPC from its environment variable,
 * else the public endpoint) and contracts, under whatever the checklist says itself. A checklist that
 * contradicts its preset (another chain id or stack) is a mistake, not an override.
 */
function resolveVenue(
  declared: z.output<typeof venueSchema>,
  checklistName: string,
  locator: Locator,
  env: Record<string, string | undefined>,
): { venue?: Checklist['venue']; problems: ChecklistProblem[] } {
  const problems: ChecklistProblem[] = [];
  let preset: VenuePreset | undefined;
  if (declared.preset !== undefined) {
    preset = PRESETS.get(declared.preset);
    if (!preset) {
      const names = [...PRESETS.keys()];
      const guess = suggest(declared.preset, names);
      problems.push({
        position: locator.ofPath(['venue', 'preset']),
        message: `unknown venue preset "${declared.preset}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
        expected: `one of ${names.join(', ')} (see l2preflight list)`,
      });
      return { problems };
    }
  }
  const stack = declared.stack ?? preset?.stack ?? 'evm';
  if (preset && declared.stack && declared.stack !== preset.stack) {
    problems.push({
      position: locator.ofPath(['venue', 'stack']),
      message: `venue.stack ${declared.stack} contradicts preset ${preset.name} (${preset.stack})`,
      expected: `stack: ${preset.stack}, or no stack (the preset sets it)`,
    });
  }
  const chain = (which: 'l1' | 'l2') => {
    const own = declared[which];
    const fromPreset = preset?.[which];
    if (own && fromPreset && own.chainId !== fromPreset.chainId) {
      problems.push({
        position: locator.ofPath(['venue', which, 'chainId']),
        message: `venue.${which}.chainId ${own.chainId} contradicts preset ${preset?.name} (chain ${fromPreset.chainId})`,
        expected: `chainId: ${fromPreset.chainId}, or leave venue.${which} to the preset`,
      });
    }
    if (own) return own;
    if (!fromPreset) return undefined;
    return { chainId: fromPreset.chainId, rpc: [env[fromPreset.rpcEnv] || fromPreset.publicRpc] };
  };
  const l2 = chain('l2');
  const l1 = chain('l1');
  const fromPreset = preset?.dydx;
  const dydx =
    declared.dydx ??
    (fromPreset
      ? {
          network: fromPreset.network,
          indexer: env[fromPreset.indexer.env] || fromPreset.indexer.url,
          rpc: [env[fromPreset.rpc.env] || fromPreset.rpc.url],
          rest: env[fromPreset.rest.env] || fromPreset.rest.url,
        }
      : undefined);
  if (stack === 'dydx-v4' && !dydx) {
    problems.push({
      position: locator.ofPath(['venue']),
      message: 'venue.dydx is missing',
      expected: 'venue.dydx: { indexer, rpc, rest }, or preset: dydx-v4',
    });
    return { problems };
  }
  if (stack !== 'dydx-v4' && !l2) {
    problems.push({
      position: locator.ofPath(['venue']),
      message: 'venue.l2 is missing',
      expected: 'venue.l2: { chainId, rpc }, or a venue.preset that supplies it',
    });
    return { problems };
  }
  const presetContracts = Object.fromEntries(
    Object.entries(preset?.contracts ?? {}).map(([name, contract]) => [name, contract.address]),
  );
  return {
    problems,
    venue: {
      name: declared.name ?? preset?.title ?? checklistName,
      stack,
      l2,
      l1,
      ...(dydx ? { dydx } : {}),
      contracts: { ...presetContracts, ...declared.contracts },
    },
  };
}

/**
 * The document as plain data. Aliases are bounded (an alias bomb expands past MAX_ALIAS_COUNT and is
 * refused at the first alias, never a crash); aliases to nothing were refused before.
 */
function toData(doc: Document, locator: Locator): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb; anything else is a bug and stays one.
    if (!(error instanceof ReferenceError && /alias/i.test(error.message))) throw error;
    throw new ChecklistError([
      {
        position: locator.ofNode(firstAlias(doc)),
        message: `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (${error.message})`,
        expected: 'fewer aliases: write the values out',
      },
    ]);
  }
}

/**
 * Parses checklist text; `file` is only used in messages. Throws ChecklistError. A text cut short
 * (see truncation.ts) is refused, or warned about when it only lacks its final newline.
 */
export function parseChecklist(text: string, file: string, options: LoadOptions = {}): Checklist {
  const secrets = new Redactor();
  try {
    const checklist = parseWhole(text, file, options, secrets);
    keepYamlParse(text);
    return { ...checklist, warnings: checklist.warnings?.map((w) => withoutSecrets(w, secrets)) };
  } catch (error) {
    if (!(error instanceof ChecklistError)) throw error;
    const problems = error.problems.map((problem) => withoutSecrets(problem, secrets));
    throw new ChecklistError(
      problems,
      problems.map(({ position, secretValue }) =>
        position.file === file
          ? excerptAt(text, position.line, position.column, { blankValue: secretValue })
          : undefined,
      ),
    );
  }
}

function parseWhole(text: string, file: string, options: LoadOptions, secrets: Redactor): Checklist {
  const last = unterminatedLastLine(text);
  let checklist: Checklist;
  try {
    checklist = parseText(text, file, options, secrets);
  } catch (error) {
    // A problem on an unterminated last line is most likely the cut itself: say so first.
    if (error instanceof ChecklistError && last) {
      const onLast = error.problems.some((p) => p.position.line >= last.line);
      if (onLast || endsWithoutValue(last.text))
        throw new ChecklistError([cutShortProblem(file, last), ...error.problems]);
    }
    throw error;
  }
  if (!last) return checklist;
  if (endsWithoutValue(last.text)) throw new ChecklistError([cutShortProblem(file, last)]);
  return { ...checklist, warnings: [...(checklist.warnings ?? []), missingNewlineWarning(file, last)] };
}

function parseText(text: string, file: string, options: LoadOptions, secrets: Redactor): Checklist {
  const lines = new LineCounter();
  const doc = parseYamlDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    ...yamlOptions,
  });
  const locator = new Locator(file, doc, lines, secrets);
  const at = (offset: number) => locator.at(offset);
  const syntax = syntaxProblems(doc, at, text);
  if (syntax.length > 0) throw new ChecklistError(syntax);
  const structure = [...structureProblems(doc, at), ...numberProblems(doc, text, at)];
  if (structure.length > 0) throw new ChecklistError(structure);
  if (!isMap(doc.contents)) {
    throw new ChecklistError([
      {
        position: locator.at(0),
        message: 'the checklist is not a YAML map',
        expected: 'keys version, name, venue, checks',
      },
    ]);
  }

  const problems = interpolateEnvironment(locator, options.env ?? process.env, secrets);
  const version = versionProblem(doc, text, at);
  if (version) problems.push(version);
  const data = toData(doc, locator) as { checks?: unknown; drill?: unknown };
  const top = checklistSchema.safeParse(data);
  if (!top.success) {
    problems.push(...problemsFromZod(top.error, checklistSchema, locator, []));
    throw new ChecklistError(problems);
  }
  const venueResult = resolveVenue(top.data.venue, top.data.name, locator, options.env ?? process.env);
  problems.push(...venueResult.problems);
  const venue = venueResult.venue;
  problems.push(...resolveContractReferences(locator, doc.get('checks', true), venue?.contracts ?? {}));
  problems.push(...resolveContractReferences(locator, doc.get('drill', true), venue?.contracts ?? {}));
  if (problems.length > 0 || !venue) throw new ChecklistError(problems);

  // The references were resolved in the document for their positions; the data converted from it
  // before gets the same addresses rather than a second conversion of the whole document.
  const contracts = venue.contracts ?? {};
  const resolved = {
    checks: withContracts(data.checks, contracts) as Record<string, unknown>[],
    drill: withContracts(data.drill, contracts),
  };
  const rawChecks = resolved.checks;
  const drill = resolved.drill === undefined ? undefined : drillSchema.safeParse(resolved.drill);
  if (drill && !drill.success)
    throw new ChecklistError(problemsFromZod(drill.error, drillSchema, locator, ['drill']));
  // A drill drives an OP Stack withdrawal through an OptimismPortal; on another stack it could only fail
  // half-way, after the key is loaded, so it is refused before anything runs.
  if (drill && (venue.stack === 'arbitrum' || venue.stack === 'dydx-v4')) {
    throw new ChecklistError([
      {
        position: locator.ofKey([], 'drill'),
        message: `a withdrawal drill drives an OP Stack withdrawal (OptimismPortal on L1); venue.stack ${venue.stack} has no such bridge`,
        expected: 'no drill section, or an op-stack (or evm) venue with an OptimismPortal as drill.portal',
      },
    ]);
  }
  const {
    checks,
    problems: checkProblems,
    warnings,
  } = loadChecks(rawChecks, locator, top.data.defaults, capabilitiesOf(venue));
  if (checkProblems.length > 0) throw new ChecklistError(checkProblems);

  const { defaults } = top.data;
  return {
    file,
    version: 1,
    name: top.data.name,
    venue,
    defaults: {
      timeoutMs: defaults.timeout as number,
      severity: defaults.severity,
      clockToleranceMs: defaults.clockTolerance as number,
      rpcTimeoutMs: defaults.rpcTimeout as number | undefined,
      ...(defaults.maxBlockAge !== undefined ? { maxBlockAgeMs: defaults.maxBlockAge as number } : {}),
    },
    drill: drill?.data
      ? {
          amountWei: drill.data.amount,
          maxAmountWei: drill.data.maxAmount,
          portal: drill.data.portal,
          recipient: drill.data.recipient,
          sla: { proveMs: drill.data.sla.prove, finalizeMs: drill.data.sla.finalize },
        }
      : undefined,
    checks,
    warnings,
  };
}

export async function loadChecklist(file: string, options: LoadOptions = {}): Promise<Checklist> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChecklistError([
      {
        position: { file, line: 1, column: 1 },
        message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'unknown error'})`,
        expected: 'a checklist YAML file (see `l2preflight init`)',
      },
    ]);
  }
  return parseChecklist(text, file, options);
}
