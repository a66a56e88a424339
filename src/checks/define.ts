/**
 * What a check is: data (type, docs, parameter schema, example) plus two functions — `read` gathers
 * observations through the shared chain reader (I/O), `evaluate` judges them (pure, unit-testable).
 */
import type { Address } from 'viem';
import type { z } from 'zod';
import type { Stack } from '../core/result.js';
import type { Concern } from '../core/vocabulary.js';
import type { LatestDrill } from '../drill/journal.js';
import type { ChainReader } from '../rpc/reader.js';
import type { History, HistoryOptions, RecordSchema } from '../state/history.js';
import type { VenueAdapter } from '../venues/adapter.js';
import type { Requirements, StackDefaults } from './requires.js';

/** What a check concluded from its observations. `holds: false` becomes fail or warn by severity. */
export interface Judgement {
  holds: boolean;
  /** Set when the check holds but sees something to act on soon: the result is `warn`. */
  concern?: string;
  observed: string;
  threshold: string;
  message: string;
  /** The headline number behind `observed`, for metrics (Prometheus) and scripts. */
  value?: Measurement;
  evidence?: Record<string, unknown>;
}

export interface Measurement {
  value: number;
  unit: 'seconds' | 'blocks' | 'usd' | 'ratio';
  /**
   * The threshold as a number in `unit`, when the check has one: the line a chart of `value` draws.
   * `max`: the check holds while value <= limit; `min`: while value >= limit.
   */
  limit?: Limit;
}

export interface Limit {
  value: number;
  kind: 'max' | 'min';
}

export type { History, HistoryRead } from '../state/history.js';

export interface CheckContext {
  /**
   * The venue's L2 reader, shared by every check of the run. On a venue without an EVM chain, reading
   * it rejects with NotApplicable: declare `requires.evm` so that the loader refuses the check instead.
   */
  l2: ChainReader;
  /**
   * The venue's L1 reader. Declare `requires.l1` (or an L1 contract) and the loader guarantees it;
   * reading it undeclared on a venue without venue.l1 is an error.
   */
  l1: ChainReader;
  stack: Stack;
  /** What the venue answers whatever its stack: heads, transaction cost, markets, fee tiers. */
  venue: VenueAdapter;
  /** Wall-clock time in milliseconds; injectable so judgement of ages is testable. */
  now(): number;
  /** Aborted when the check's timeout or the run's deadline passes. */
  signal: AbortSignal;
  /** Sleeps, but wakes early (rejecting) when the check is aborted. */
  sleep(ms: number): Promise<void>;
  /**
   * Memory between runs (in the state directory, scoped to this checklist and check id), typed by the
   * record's schema: `read` gives only a record the schema parsed and recorded on this chain (chain id
   * and genesis); anything else is set aside and said in `problem`, for the check's result.
   */
  history<S extends RecordSchema>(schema: S, options: HistoryOptions): History<z.output<S>>;
  /**
   * A reader for an EVM chain the check names itself (a reference price on another chain), one per
   * chain id and endpoints for the whole run: its URLs are redacted and its endpoints reported like the venue's.
   */
  referenceChain(chain: { chainId: number; rpc: string[] }): ChainReader;
  /** The checklist's latest withdrawal drill (the journal `drill withdraw` keeps); absent without a state directory. */
  drillJournal?(): Promise<LatestDrill>;
  /**
   * The OptimismPortal this checklist's drills withdraw through: its drill.portal, else the venue's
   * `portal` contract (declared or from its preset); absent when the checklist names neither.
   */
  drillPortal?: Address;
}

export { MeasurementError, NotApplicable } from '../core/errors.js';

export interface CheckDefinition<Params extends z.ZodObject = z.ZodObject, Observation = unknown> {
  type: string;
  /** Which of a desk's questions the check answers: its row in a comparison of venues. */
  concern: Concern;
  /** One line for `list`. */
  summary: string;
  /** What it measures and why, for `explain`. */
  description: string;
  params: Params;
  /**
   * What the check needs from the venue (stack, EVM state, L1, where its contracts live): the loader
   * refuses the check on a venue that lacks it, `explain` prints it. `{}` when it runs on every stack.
   */
  requires: Requirements<z.output<Params>>;
  /** Parameter defaults that differ by stack, applied when the checklist leaves the parameter out. */
  stackDefaults?: StackDefaults<z.input<Params>>;
  /**
   * The check judges ages against this machine's clock (now − a chain or feed timestamp). When the
   * run finds the clock behind the chain's head past its tolerance, such a check is `error`, the skew
   * named, instead of judging ages that read fresher than they are. A function when only some
   * parameters make it read the clock (a feed price rather than a fixed one).
   */
  readsClock?: boolean | ((params: z.output<Params>) => boolean);
  /** A checklist entry (without id/type) that `explain` prints and tests validate. */
  example: Record<string, unknown>;
  /** Rules across parameters that a schema of single fields cannot say; returns what is wrong. */
  validate?(params: z.output<Params>): string | undefined;
  /**
   * Warnings about using this check on this venue that do not make the checklist invalid (e.g. evidence
   * the stack cannot produce). `validate` prints them with the check's file:line:col; exit code unchanged.
   */
  advise?(params: z.output<Params>, venue: { stack: Stack }): string[];
  read(ctx: CheckContext, params: z.output<Params>): Promise<Observation>;
  evaluate(params: z.output<Params>, observation: Observation, now: number): Judgement;
}

/**
 * What a check module declares: its definition, with `params` preferably a function that builds the
 * schema. The registry imports every check, and building all their zod schemas there was a cost each
 * start paid for checks its checklist does not use; a function is called when the schema is first read.
 * A schema given as is (a test's ad-hoc check) is taken as is.
 */
export interface CheckDeclaration<Params extends z.ZodObject, Observation>
  extends Omit<CheckDefinition<Params, Observation>, 'params'> {
  params: Params | (() => Params);
}

/**
 * The definition, its `params` built on first read and kept (one schema object per check, as before).
 * Inference keeps each check's params and observation types tied together.
 */
export function defineCheck<Params extends z.ZodObject, Observation>(
  declaration: CheckDeclaration<Params, Observation>,
): CheckDefinition<Params, Observation> {
  const { params: declared, ...rest } = declaration;
  const build = typeof declared === 'function' ? declared : () => declared;
  let params: Params | undefined;
  // defineProperty is typed as returning its argument: the cast adds the property it defines.
  return Object.defineProperty(rest, 'params', {
    enumerable: true,
    get: () => {
      params ??= build();
      return params;
    },
  }) as CheckDefinition<Params, Observation>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds checks of every parameter shape.
export type AnyCheckDefinition = CheckDefinition<z.ZodObject, any>;
