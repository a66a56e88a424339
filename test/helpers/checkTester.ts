/**
 * A table-driven tester for a check's pure `evaluate`, in the manner of eslint's RuleTester: `valid`
 * cases must pass, `invalid` cases must fail or warn with a given message, `refused` parameters must be
 * refused by the loader. No node is started: the observation is what `read` would have returned.
 *
 * Parameters are written as a checklist writes them (`max: '10m'`, `feed: '$ethUsdFeed'`) and go
 * through the real loader (parseChecklist) inside a minimal checklist of the case's stack: units,
 * defaults, per-stack defaults, `validate` and `requires` all apply, so a case cannot hand `evaluate`
 * parameters that no checklist could produce. Each case is evaluated twice on the same input and must
 * judge the same both times and leave its observation untouched: `evaluate` is pure.
 */
import { type Address, getAddress, keccak256, stringToHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { parseChecklist } from '../../src/checklist/load.js';
import type { Checklist } from '../../src/checklist/model.js';
import type { CheckDefinition, Judgement, Limit } from '../../src/checks/define.js';
import type { Severity, Stack, Status } from '../../src/core/result.js';
import { statusOf } from '../../src/engine/status.js';
import { ChecklistError } from '../../src/errors.js';

/** A fixed clock for cases that do not give one: 2026-01-01T00:00:00Z. */
export const DEFAULT_NOW = Date.UTC(2026, 0, 1);

/** The address a `$name` reference resolves to in the tester's checklists: fixed, distinct per name. */
export function contractAddress(name: string): Address {
  return getAddress(`0x${keccak256(stringToHex(name)).slice(-40)}`);
}

/** Every `$name` anywhere in the value, so the checklist can declare it under venue.contracts. */
function contractNames(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const match = /^\$([A-Za-z_][A-Za-z0-9_-]*)$/.exec(value);
    if (match?.[1]) found.add(match[1]);
  } else if (Array.isArray(value)) {
    for (const item of value) contractNames(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) contractNames(item, found);
  }
  return found;
}

/**
 * The stack a check is tested on when a case does not say: the first it is restricted to, else `evm`
 * (EVM state and an L1 are always declared, so any other requirement is met).
 */
export function defaultStack(definition: { requires: { stacks?: readonly Stack[] } }): Stack {
  return definition.requires.stacks?.[0] ?? 'evm';
}

/** The venue block of a minimal checklist on `stack` whose contracts name every `$name` used. */
function venueFor(stack: Stack, names: Iterable<string>): Record<string, unknown> {
  const contracts = Object.fromEntries([...names].map((name) => [name, contractAddress(name)]));
  if (stack === 'dydx-v4') {
    return {
      stack,
      dydx: { indexer: 'http://127.0.0.1:1', rpc: ['http://127.0.0.1:1'], rest: 'http://127.0.0.1:1' },
      contracts,
    };
  }
  return {
    stack,
    l2: { chainId: 10, rpc: ['http://127.0.0.1:1'] },
    l1: { chainId: 1, rpc: ['http://127.0.0.1:1'] },
    contracts,
  };
}

/** A checklist of one check (`id: under-test`) with these parameters, as YAML text. */
export function checklistOf(type: string, entry: Record<string, unknown>, stack: Stack): string {
  return stringify({
    version: 1,
    name: `${type} under test`,
    venue: venueFor(stack, contractNames(entry)),
    checks: [{ id: 'under-test', type, ...entry }],
  });
}

/**
 * Parses one check entry through the loader, with no network. `env` feeds `${VAR}` interpolation
 * (an example may write `${ETH_RPC_URL}`). Throws the loader's ChecklistError when it is refused.
 */
export function loadEntry(
  type: string,
  entry: Record<string, unknown>,
  stack: Stack,
  env: Record<string, string> = {},
): Checklist {
  return parseChecklist(checklistOf(type, entry, stack), `${type}.yaml`, { env });
}

/** The checklist problems in one string, for readable assertion failures. */
export function problemsOf(error: unknown): string {
  if (!(error instanceof ChecklistError)) throw error;
  return error.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}`).join('\n');
}

type Text = string | RegExp;

interface BaseCase<Input, Observation> {
  /** What the case shows, as the test's name. */
  name: string;
  /** Parameters as a checklist writes them (units as strings, `$name` contracts). */
  params: Input;
  observation: Observation;
  /** The clock `evaluate` judges ages against, in ms; DEFAULT_NOW when not given. */
  now?: number;
  /** The venue's stack; by default the check's first required stack, else evm. */
  stack?: Stack;
  /** A substring of (or pattern for) the message as the user sees it (concern appended). */
  message?: Text;
  observed?: Text;
  threshold?: Text;
  /** Partial match on the judgement's evidence. */
  evidence?: Record<string, unknown>;
  /** The headline value's limit, exactly (in the value's unit); `'none'` when the case must have none. */
  limit?: Limit | 'none';
}

export type ValidCase<Input, Observation> = BaseCase<Input, Observation>;

export interface InvalidCase<Input, Observation> extends BaseCase<Input, Observation> {
  /** `fail` (a critical check that does not hold) or `warn` (it holds with a concern, or is a warning-level check). */
  status: Exclude<Status, 'pass' | 'skip' | 'error'>;
  message: Text;
  /** The check's severity: `warning` turns a failure into warn. Default critical. */
  severity?: Severity;
}

export interface RefusedCase<Input> {
  name: string;
  /** Parameters the loader must refuse (as a checklist writes them). */
  params: Partial<Input> & Record<string, unknown>;
  stack?: Stack;
  /** A substring of (or pattern for) the loader's problem. */
  error: Text;
}

export interface CheckCases<Input, Observation> {
  valid?: ValidCase<Input, Observation>[];
  invalid?: InvalidCase<Input, Observation>[];
  refused?: RefusedCase<Input>[];
}

/** What a user would read: the engine's status and message for this judgement. */
export interface Outcome {
  status: Status;
  message: string;
  judgement: Judgement;
}

function matches(actual: string, expected: Text, what: string): void {
  if (typeof expected === 'string') expect(actual, what).toContain(expected);
  else expect(actual, what).toMatch(expected);
}

/**
 * How a check's headline value relates to its verdict, asserted on every case that measured a value:
 * - `decides`: the limit is the check's only criterion: value beyond the limit ⇔ the check does not hold;
 * - `headline`: the check judges other things too: value beyond the limit ⇒ it does not hold (a fail
 *   may lie within the limit, never a pass beyond it).
 * Either way a judgement with a value must carry its limit.
 */
export type LimitRule = 'decides' | 'headline';

/** The value lies beyond its limit: the side on which the check does not hold. */
export const beyondLimit = (value: number, limit: Limit) =>
  limit.kind === 'max' ? value > limit.value : value < limit.value;

/** Asserts the judgement's value and limit agree with its verdict, by `rule`. */
export function expectLimitAgrees(judgement: Judgement, rule: LimitRule): void {
  const measured = judgement.value;
  if (!measured) return;
  const { limit } = measured;
  expect(limit, 'a judgement with a value carries its limit').toBeDefined();
  if (!limit) return;
  const beyond = beyondLimit(measured.value, limit);
  const seen = `value ${measured.value} against ${limit.kind} ${limit.value}`;
  if (beyond) expect(judgement.holds, `${seen}: beyond the limit yet the check holds`).toBe(false);
  if (rule === 'decides')
    expect(beyond, `${seen}: the check ${judgement.holds ? 'holds' : 'does not hold'}`).toBe(
      !judgement.holds,
    );
}

export class CheckTester<Params extends z.ZodObject, Observation> {
  /** `limit`: assert every measured case's value and limit against its verdict (see LimitRule). */
  constructor(
    readonly check: CheckDefinition<Params, Observation>,
    readonly options: { limit?: LimitRule } = {},
  ) {}

  /** The parameters the loader produces from these, on this stack (defaults applied, units parsed). */
  params(input: Record<string, unknown>, stack: Stack = defaultStack(this.check)): z.output<Params> {
    let checklist: Checklist;
    try {
      checklist = loadEntry(this.check.type, input, stack);
    } catch (error) {
      throw new Error(`the loader refuses these parameters:\n${problemsOf(error)}`);
    }
    const [instance] = checklist.checks;
    if (!instance) throw new Error('the loader produced no check');
    return instance.params as z.output<Params>;
  }

  /**
   * Evaluates a case twice on the same input: both judgements must be equal and the observation
   * unchanged, or `evaluate` is not the pure function the engine and these tests rely on.
   */
  evaluate(c: BaseCase<unknown, Observation> & { severity?: Severity }): Outcome {
    const params = this.params(c.params as Record<string, unknown>, c.stack);
    const now = c.now ?? DEFAULT_NOW;
    const before = structuredClone(c.observation);
    const judgement = this.check.evaluate(params, c.observation, now);
    const again = this.check.evaluate(params, c.observation, now);
    expect(again, 'evaluate judged the same input differently the second time').toEqual(judgement);
    expect(c.observation, 'evaluate changed its observation').toEqual(before);
    if (this.options.limit) expectLimitAgrees(judgement, this.options.limit);
    if (c.limit === 'none') expect(judgement.value?.limit, 'limit').toBeUndefined();
    else if (c.limit !== undefined) expect(judgement.value?.limit, 'limit').toEqual(c.limit);
    // As the engine reports it (engine/run.ts): a concern warns and is appended to the message.
    const message = judgement.concern ? `${judgement.message}; ${judgement.concern}` : judgement.message;
    return {
      status: statusOf(judgement.holds, c.severity ?? 'critical', judgement.concern),
      message,
      judgement,
    };
  }

  private expectDetails(outcome: Outcome, c: BaseCase<unknown, Observation>): void {
    const { judgement } = outcome;
    if (c.message !== undefined) matches(outcome.message, c.message, 'message');
    if (c.observed !== undefined) matches(judgement.observed, c.observed, 'observed');
    if (c.threshold !== undefined) matches(judgement.threshold, c.threshold, 'threshold');
    if (c.evidence !== undefined) expect(judgement.evidence).toMatchObject(c.evidence);
    // kube-bench/goss: every result says what was seen against what was expected, and why.
    expect(judgement.observed, 'observed').not.toBe('');
    expect(judgement.threshold, 'threshold').not.toBe('');
    expect(judgement.message, 'message').not.toBe('');
  }

  /**
   * The check's `example`, parsed by the loader on its default stack with no warnings. A `${VAR}` it
   * writes (an RPC URL from the environment) is set to a URL, as the user's environment would.
   */
  expectExampleValidates(): Checklist {
    const stack = defaultStack(this.check);
    const variables = JSON.stringify(this.check.example).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g);
    const env = Object.fromEntries([...variables].map(([, name]) => [name, `https://rpc.example/${name}`]));
    let checklist: Checklist;
    try {
      checklist = loadEntry(this.check.type, this.check.example, stack, env);
    } catch (error) {
      throw new Error(`${this.check.type}'s example does not validate on ${stack}:\n${problemsOf(error)}`);
    }
    expect(checklist.warnings ?? [], `${this.check.type}'s example warns on ${stack}`).toEqual([]);
    expect(checklist.checks).toHaveLength(1);
    return checklist;
  }

  private exampleRegistered = false;

  /**
   * Registers a vitest block per case under `<type> evaluate` (`: title` when a file groups its cases
   * in several tables), and, once per tester, one for the check's example.
   */
  run(cases: CheckCases<z.input<Params>, Observation>, options: { title?: string } = {}): void {
    describe(`${this.check.type} evaluate${options.title ? `: ${options.title}` : ''}`, () => {
      if (!this.exampleRegistered) {
        this.exampleRegistered = true;
        it('its example validates through the loader', () => {
          this.expectExampleValidates();
        });
      }
      for (const c of cases.valid ?? []) {
        it(`passes: ${c.name}`, () => {
          const outcome = this.evaluate(c);
          expect(outcome.status, outcome.message).toBe('pass');
          this.expectDetails(outcome, c);
        });
      }
      for (const c of cases.invalid ?? []) {
        it(`${c.status}s: ${c.name}`, () => {
          const outcome = this.evaluate(c);
          expect(outcome.status, outcome.message).toBe(c.status);
          this.expectDetails(outcome, c);
        });
      }
      for (const c of cases.refused ?? []) {
        it(`refuses: ${c.name}`, () => {
          let problems: string | undefined;
          try {
            loadEntry(this.check.type, c.params, c.stack ?? defaultStack(this.check));
          } catch (error) {
            problems = problemsOf(error);
          }
          expect(problems, 'the loader accepted these parameters').toBeDefined();
          matches(problems ?? '', c.error, 'loader problem');
        });
      }
    });
  }
}
