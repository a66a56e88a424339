/** One check under its limits, without a run around it: the clock's verdict and what a throw becomes. */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/checks/define.js';
import { DeadlineError, InterruptedError } from '../../src/core/errors.js';
import { runCheck } from '../../src/engine/runCheck.js';
import { fakeCheck, instance } from './stubSession.js';

const never = new AbortController().signal;
const noContext = () => ({}) as CheckContext;
const limits = { timeoutMs: 10_000, runSignal: never, now: () => 0 };
const ages = fakeCheck(async () => 'fresh');

describe('runCheck', () => {
  it('refuses to judge ages when this machine’s clock is behind the chain past the tolerance', async () => {
    const reading = { reference: { chain: 'l1' as const, block: 7, timestamp: 1_000 }, aheadMs: 60_000 };
    const { result, cutByDeadline } = await runCheck(
      instance('age', { ...ages, readsClock: true }),
      noContext,
      { ...limits, clock: { reading: Promise.resolve(reading), toleranceMs: 30_000 } },
    );
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^could not measure: this machine's clock is 1m behind the L1 head/);
    expect(result).toMatchObject({ evidence: { clock: { ...reading, toleranceMs: 30_000 } } });
    expect(cutByDeadline).toBe(false);
  });

  it('judges a check that does not read the clock whatever the clock says', async () => {
    const reading = { reference: { chain: 'l1' as const, block: 7, timestamp: 1_000 }, aheadMs: 60_000 };
    const { result } = await runCheck(instance('plain', ages), noContext, {
      ...limits,
      clock: { reading: Promise.resolve(reading), toleranceMs: 30_000 },
    });
    expect(result.status).toBe('pass');
  });

  it('carries the evidence a thrown error brings', async () => {
    const failing = fakeCheck(() =>
      Promise.reject(Object.assign(new Error('stale'), { evidence: { head: 12 } })),
    );
    const { result } = await runCheck(instance('stale', failing), noContext, limits);
    expect(result).toMatchObject({
      status: 'error',
      message: 'could not measure: stale',
      evidence: { head: 12 },
    });
  });

  it('marks a check cut by the deadline only when the deadline ended it', async () => {
    const ended = (reason: Error) => {
      const controller = new AbortController();
      controller.abort(reason);
      return runCheck(instance('late', ages), noContext, { ...limits, runSignal: controller.signal });
    };
    expect((await ended(new DeadlineError('run deadline of 1s reached'))).cutByDeadline).toBe(true);
    expect((await ended(new InterruptedError('the run was interrupted'))).cutByDeadline).toBe(false);
  });
});
