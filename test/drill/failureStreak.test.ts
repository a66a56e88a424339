/**
 * When `drill withdraw --wait` stops retrying: the same lasting failure, five polls in a row and for the
 * whole give-up time; never on failures that may clear. The clock is the test's, so no test waits.
 */
import { describe, expect, it } from 'vitest';
import { FailureStreak, LASTING_FOR_MS, SAME_LASTING_POLLS } from '../../src/drill/failureStreak.js';

const lasting = (says: string) => ({ says, lasting: true });
const transient = (says: string) => ({ says, lasting: false });

function streak(lastingForMs = LASTING_FOR_MS) {
  const clock = { ms: 0 };
  return { clock, failures: new FailureStreak(() => clock.ms, lastingForMs) };
}

/** Polls `failure` as the wait loop does (waiting each retry out) until it gives up or `maxMs` passes. */
function pollUntilGivenUp(
  { clock, failures }: ReturnType<typeof streak>,
  failure: (poll: number) => { says: string; lasting: boolean },
  maxMs: number,
) {
  let polls = 0;
  for (;;) {
    const answer = failures.fail(failure(polls));
    polls += 1;
    if ('giveUp' in answer) return { polls, answer };
    clock.ms += answer.retryInMs;
    if (clock.ms > maxMs) return { polls, answer };
  }
}

describe('FailureStreak', () => {
  it('gives up on the same lasting failure once it has lasted the give-up time, naming it', () => {
    const run = streak();
    const { answer } = pollUntilGivenUp(
      run,
      (i) => lasting(`l1 RPC #1 http://127.0.0.1:${8000 + i}/… answered HTTP 401 (unauthorized)`),
      3_600_000,
    );
    expect(run.clock.ms).toBeGreaterThanOrEqual(LASTING_FOR_MS);
    expect(run.clock.ms).toBeLessThan(LASTING_FOR_MS + 30_000);
    expect('giveUp' in answer && answer.giveUp).toMatch(
      /^the same failure for 10m \d+s \(\d+ polls in a row\): l1 RPC #1 http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 401 \(unauthorized\)$/,
    );
  });

  it(`with no give-up time, still retries ${SAME_LASTING_POLLS} polls in a row (an anvil race clears at the next)`, () => {
    const run = streak(0);
    const { polls, answer } = pollUntilGivenUp(run, () => lasting('a read reverted'), 3_600_000);
    expect(polls).toBe(SAME_LASTING_POLLS);
    expect('giveUp' in answer).toBe(true);
  });

  it('starts counting again after a good poll, a different failure, or one that may clear', () => {
    const { failures } = streak(0);
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

  it('waits out failures that may clear however long they last (a provider outage during a 7-day wait)', () => {
    const run = streak();
    const twoDays = 2 * 24 * 3_600_000;
    const { answer } = pollUntilGivenUp(run, () => transient('l1 RPC answered HTTP 503'), twoDays);
    expect(answer).toEqual({ retryInMs: 30_000 });
    expect(run.clock.ms).toBeGreaterThan(twoDays);
  });
});
