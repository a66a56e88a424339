/**
 * When `drill withdraw --wait` stops retrying: the same lasting failure five polls in a row, or failed
 * polls without a good one for the cap. The clock is the test's, so no test waits half an hour.
 */
import { describe, expect, it } from 'vitest';
import { FailureStreak, MAX_FAILING_MS, SAME_LASTING_POLLS } from '../../src/drill/failureStreak.js';

const lasting = (says: string) => ({ says, lasting: true });
const transient = (says: string) => ({ says, lasting: false });

function streak() {
  const clock = { ms: 0 };
  return { clock, failures: new FailureStreak(() => clock.ms) };
}

describe('FailureStreak', () => {
  it('gives up on the fifth identical lasting failure in a row, naming it', () => {
    const { failures } = streak();
    const answers = Array.from({ length: SAME_LASTING_POLLS }, (_, i) =>
      failures.fail(lasting(`l1 RPC #1 http://127.0.0.1:${8000 + i}/… answered HTTP 401 (unauthorized)`)),
    );
    expect(answers.slice(0, -1)).toEqual([1_000, 2_000, 4_000, 8_000].map((retryInMs) => ({ retryInMs })));
    expect(answers.at(-1)).toEqual({
      giveUp:
        'the same failure 5 polls in a row: l1 RPC #1 http://127.0.0.1:8004/… answered HTTP 401 (unauthorized)',
    });
  });

  it('starts counting again after a good poll, a different failure, or a transient one', () => {
    const { failures } = streak();
    const poll = (failure: { says: string; lasting: boolean }) => 'giveUp' in failures.fail(failure);
    for (let i = 0; i < 4; i++) expect(poll(lasting('a read reverted'))).toBe(false);
    failures.clear();
    for (let i = 0; i < 4; i++) expect(poll(lasting('a read reverted'))).toBe(false);
    expect(poll(lasting('l1 RPC answered HTTP 403'))).toBe(false);
    for (let i = 0; i < 3; i++) expect(poll(lasting('a read reverted'))).toBe(false);
    expect(poll(transient('l1 RPC answered HTTP 503'))).toBe(false);
    for (let i = 0; i < 4; i++) expect(poll(lasting('a read reverted'))).toBe(false);
    expect(poll(lasting('a read reverted'))).toBe(true);
  });

  it('retries transient failures until they have lasted the cap, then gives up', () => {
    const { clock, failures } = streak();
    let answer = failures.fail(transient('l1 RPC answered HTTP 503'));
    let polls = 1;
    while ('retryInMs' in answer) {
      clock.ms += answer.retryInMs;
      answer = failures.fail(transient('l1 RPC answered HTTP 503'));
      polls += 1;
    }
    expect(clock.ms).toBeGreaterThanOrEqual(MAX_FAILING_MS);
    expect(clock.ms).toBeLessThan(MAX_FAILING_MS + 30_000);
    expect(answer.giveUp).toBe(
      `every poll failed for 30m 1s (${polls} polls); the last: l1 RPC answered HTTP 503`,
    );
  });

  it('a good poll restarts the clock of the cap', () => {
    const { clock, failures } = streak();
    failures.fail(transient('timed out'));
    clock.ms += MAX_FAILING_MS - 1;
    failures.clear();
    expect(failures.fail(transient('timed out'))).toEqual({ retryInMs: 1_000 });
    clock.ms += MAX_FAILING_MS - 1;
    expect(failures.fail(transient('timed out'))).toEqual({ retryInMs: 2_000 });
  });
});
