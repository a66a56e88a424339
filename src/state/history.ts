/**
 * What a check keeps between runs, typed by the check's own zod schema and scoped to the chain it was
 * recorded on. This is the one place where a record from earlier runs is judged: a record of another
 * chain (another chain id, or the same id with another genesis: a restarted devnet, a reset testnet, a
 * checklist pointed at another venue) or one the check's schema rejects is set aside and named in a
 * note the check puts in its result; the check only ever sees records its schema parsed.
 *
 * On disk a record is the check's fields with `chainId` and `genesis` beside them at the top level,
 * the format checks wrote by hand before this module, so existing state directories still load.
 */
import type { z } from 'zod';
import type { CheckHistory } from './checkHistory.js';

/** The chain a record belongs to. A venue without an EVM chain (dYdX v4) has none: its records are unscoped. */
export interface ChainScope {
  chainId: number;
  /** The genesis block's hash: a restarted devnet or a reset testnet keeps its chain id but not this. */
  genesis: string;
}

/** Records are JSON objects (the scope is kept beside their fields). A schema may read older versions
 * into the current one (a transform), but must accept what it outputs: that is what is written. */
export type RecordSchema = z.ZodType<Record<string, unknown>>;

export interface HistoryOptions {
  /** How the check's result names the record when it could not be used: "the run history". */
  name: string;
}

export interface HistoryRead<T> {
  /** The record of earlier runs: parsed by the check's schema and of this chain. */
  value?: T;
  /** Why a record that existed is not `value` (set aside, unreadable): for the check's result. */
  problem?: string;
}

export interface History<T> {
  read(): Promise<HistoryRead<T>>;
  /** Replaces the record: for checks that keep one value (the latest view), where the last writer wins. */
  write(record: T): Promise<void>;
  /**
   * Read-modify-write under the file's lock, for checks that keep a series: `change` gets the record as
   * it is now (another run may have added to it since) and returns the one to write, or undefined to
   * leave the file as it is.
   */
  update(change: (current: T | undefined) => T | undefined): Promise<void>;
}

const where = (path: readonly PropertyKey[]) =>
  path.length === 0
    ? 'the record'
    : path
        .map((key, i) => (typeof key === 'number' ? `[${key}]` : i ? `.${String(key)}` : String(key)))
        .join('');

const shown = (input: unknown) => (input === undefined ? 'missing' : JSON.stringify(input));

/**
 * Zod's default messages, said with the field they are about ("samples[2].totalUsd is "lots", expected
 * number"); a message the check's schema gives itself wins over these.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string {
  const field = where(issue.path ?? []);
  if (issue.code === 'invalid_type') return `${field} is ${shown(issue.input)}, expected ${issue.expected}`;
  if (issue.code === 'invalid_value')
    return `${field} is ${shown(issue.input)}, expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  if (issue.code === 'too_small') return `${field} is ${shown(issue.input)}, below ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `${field} is ${shown(issue.input)}, above ${String(issue.maximum)}`;
  return `${field} is not valid (${issue.code})`;
}

/** Why a record is not of this chain, or undefined when it is. */
function scopeProblem(data: Record<string, unknown>, scope: ChainScope): string | undefined {
  const { chainId, genesis } = data;
  if (chainId === scope.chainId && genesis === scope.genesis) return undefined;
  if (chainId === undefined && genesis === undefined) return 'recorded without a chain id and genesis';
  return `recorded on another chain (chain ${String(chainId)}, genesis ${String(genesis).slice(0, 10)}…): the chain was reset or the checklist changed venue`;
}

/** The record, or why it cannot be used: a record of another chain, or one the schema rejects. */
export function parseRecord<S extends RecordSchema>(
  schema: S,
  data: unknown,
  scope?: ChainScope,
): z.output<S> | string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a record (a JSON object)';
  let fields = data as Record<string, unknown>;
  if (scope) {
    const problem = scopeProblem(fields, scope);
    if (problem) return problem;
    const { chainId: _chainId, genesis: _genesis, ...own } = fields;
    fields = own;
  }
  const described = new Set<string>();
  const parsed = schema.safeParse(fields, {
    error: (issue) => {
      const message = describeIssue(issue);
      described.add(message);
      return message;
    },
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) return 'not a valid record';
  // The check's own message cannot know which entry of a list it is about: say it.
  const inList = issue.path.some((key) => typeof key === 'number');
  return inList && !described.has(issue.message)
    ? `${issue.message} (at ${where(issue.path)})`
    : issue.message;
}

/**
 * A typed, chain-scoped history over a check's file. `scope` is asked once per read or write, not at
 * creation: a check that never touches its history never reads the chain's genesis.
 */
export function typedHistory<S extends RecordSchema>(
  file: CheckHistory,
  schema: S,
  options: HistoryOptions,
  scope: () => Promise<ChainScope | undefined>,
): History<z.output<S>> {
  type T = z.output<S>;
  const validate = (known: ChainScope | undefined) => (data: unknown) => parseRecord(schema, data, known);
  const scoped = (record: T, known: ChainScope | undefined) =>
    known ? { ...record, chainId: known.chainId, genesis: known.genesis } : record;
  return {
    async read() {
      const stored = await file.read(validate(await scope()));
      if (stored.kind === 'ok') return { value: stored.value };
      if (stored.kind === 'set-aside')
        return {
          problem: `${options.name} was unusable (${stored.reason}) and was set aside to ${stored.setAsideTo}`,
        };
      if (stored.kind === 'unreadable')
        return { problem: `${options.name} could not be read (${stored.reason})` };
      return {};
    },
    async write(record) {
      const known = await scope();
      await file.write(scoped(record, known));
    },
    async update(change) {
      const known = await scope();
      await file.update(validate(known), (current) => {
        const next = change(current);
        return next === undefined ? undefined : scoped(next, known);
      });
    },
  };
}

/**
 * The chain scope of a run's records: the L2's chain id and genesis hash, read once for the run (when
 * the first check asks) and shared; a failed read is not kept, so the next check tries again. Without
 * an EVM L2 (dYdX v4) records have no chain scope.
 */
export function chainScope(l2?: {
  chainId: number;
  block(number: bigint): Promise<{ hash: string | null }>;
}): () => Promise<ChainScope | undefined> {
  if (!l2) return async () => undefined;
  let known: Promise<ChainScope> | undefined;
  return () => {
    if (known) return known;
    const reading = l2.block(0n).then((genesis) => ({ chainId: l2.chainId, genesis: genesis.hash ?? '' }));
    known = reading;
    reading.catch(() => {
      if (known === reading) known = undefined;
    });
    return reading;
  };
}
