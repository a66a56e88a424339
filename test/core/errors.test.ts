import { BaseError, ContractFunctionZeroDataError } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ChainMismatchError,
  CheckTimeoutError,
  classifyError,
  DeadlineError,
  InterruptedError,
  MalformedResponseError,
  MeasurementError,
  NotApplicable,
  RpcEndpointError,
  StaleReadError,
  walkCauses,
} from '../../src/core/errors.js';
import { ERROR_KINDS } from '../../src/core/vocabulary.js';

const stale = () =>
  new StaleReadError('l2', { endpoint: '#1 http://127.0.0.1:9545', block: 1234n }, 420_000, 60_000, [
    { endpoint: '#1 http://127.0.0.1:9545', block: 1234, ageMs: 420_000 },
  ]);
const dead = () => new RpcEndpointError('l2', '#1 http://127.0.0.1:1', 'refused', 'l2 RPC #1 refused');
const mismatch = () =>
  new ChainMismatchError('l2', '#1 http://127.0.0.1:9545', 'wrong-chain', 'l2 RPC #1 serves chain id 901');

/** Every error class we throw, with the name and kind a report and a script rely on. */
const OURS: [Error, string, string][] = [
  [new MeasurementError('no round'), 'MeasurementError', 'measurement'],
  [new NotApplicable('one endpoint'), 'NotApplicable', 'not-applicable'],
  [new CheckTimeoutError('timed out after 3s'), 'CheckTimeoutError', 'timeout'],
  [new DeadlineError('run deadline of 5s reached'), 'DeadlineError', 'deadline'],
  [new InterruptedError('the run was interrupted'), 'InterruptedError', 'interrupted'],
  [stale(), 'StaleReadError', 'stale-read'],
  [new MalformedResponseError('a block without a hash'), 'MalformedResponseError', 'malformed-response'],
  [dead(), 'RpcEndpointError', 'rpc'],
  [mismatch(), 'ChainMismatchError', 'chain-mismatch'],
];

describe('the error classes', () => {
  it.each(OURS)('%s has a stable name and its kind', (error, name, kind) => {
    expect(error.name).toBe(name);
    expect(classifyError(error).kind).toBe(kind);
    expect(ERROR_KINDS).toContain(kind);
  });

  it('give each kind to one class only, so a kind names one cause', () => {
    const kinds = OURS.map(([error]) => classifyError(error).kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('keep the one-line message of an RPC error (no viem docs or version lines)', () => {
    expect(dead().message).toBe('l2 RPC #1 refused');
    expect(mismatch().message).toBe('l2 RPC #1 serves chain id 901');
  });
});

describe('classifyError', () => {
  it('finds our error inside a viem error that wraps it (a contract read over a dead endpoint)', () => {
    const wrapped = new BaseError('The contract function "latestRoundData" could not be read.', {
      cause: dead(),
    });
    expect(classifyError(wrapped)).toEqual({
      kind: 'rpc',
      message: 'The contract function "latestRoundData" could not be read.',
    });
    expect(classifyError(new BaseError('outer', { cause: mismatch() })).kind).toBe('chain-mismatch');
  });

  it('takes the evidence of a wrapped error when the outer one has none', () => {
    const wrapped = new BaseError('read failed', { cause: stale() });
    expect(classifyError(wrapped)).toMatchObject({
      kind: 'stale-read',
      evidence: { staleness: { chain: 'l2', block: 1234, ageMs: 420_000, boundMs: 60_000 } },
    });
    expect(classifyError(new MeasurementError('no round', { round: 7 })).evidence).toEqual({ round: 7 });
    expect(classifyError(new MeasurementError('no round'))).not.toHaveProperty('evidence');
  });

  it("calls any other viem error a measurement: it is about the chain's answer", () => {
    const zero = new ContractFunctionZeroDataError({ functionName: 'latestRoundData' });
    expect(classifyError(zero)).toEqual({
      kind: 'measurement',
      message: 'The contract function "latestRoundData" returned no data ("0x").',
    });
  });

  it('calls anything else internal (a bug), whatever was thrown', () => {
    for (const thrown of [
      new TypeError("Cannot read properties of undefined (reading 'number')"),
      new RangeError('percentile of an empty sample'),
      new Error('no l2 RPC endpoint reported its head'),
      'a string',
      undefined,
      null,
      42,
    ]) {
      expect(classifyError(thrown).kind, String(thrown)).toBe('internal');
    }
    expect(classifyError('a string').message).toBe('a string');
  });

  it("says a viem error's short message and details on one line, details once", () => {
    const error = Object.assign(new Error('long\n\nDetails: x\nVersion: viem'), {
      shortMessage: 'HTTP request failed.',
      details: 'fetch failed',
    });
    expect(classifyError(error).message).toBe('HTTP request failed. (fetch failed)');
    const repeated = Object.assign(new Error('x'), { shortMessage: 'failed: boom', details: 'boom' });
    expect(classifyError(repeated).message).toBe('failed: boom');
  });
});

describe('walkCauses', () => {
  it('stops on a cycle of causes instead of hanging', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(walkCauses(a, () => false)).toBeUndefined();
    expect(classifyError(a).kind).toBe('internal');
  });

  it('walks past a cause that is not an error (RpcEndpointError keeps its cause class there)', () => {
    const error = dead();
    expect(error.cause).toBe('refused');
    expect(walkCauses(new Error('outer', { cause: error }), (e) => e === error)).toBe(error);
  });
});
