import { describe, expect, it } from 'vitest';
import { type ClockReading, clockProblem } from '../../src/engine/clock.js';

const at = (chain: 'l1' | 'l2', aheadMs: number): ClockReading => ({
  reference: { chain, block: 7, timestamp: 1_800_000_000 },
  aheadMs,
});

describe('clockProblem', () => {
  it.each([
    ['no head could be read', undefined, 30_000, undefined],
    ['the head is older than the clock (normal)', at('l1', -4_000), 30_000, undefined],
    ['the head is ahead, within the tolerance', at('l1', 29_000), 30_000, undefined],
    ['the head is ahead by exactly the tolerance', at('l1', 30_000), 30_000, undefined],
    ['a clock that looks fast (head 10 min old) proves nothing', at('l1', -600_000), 30_000, undefined],
    [
      'the clock is 60 s behind the L1 head',
      at('l1', 60_000),
      30_000,
      /^this machine's clock is 1m behind the L1 head \(block 7 at 2027-01-15T08:00:00\.000Z\), more than the 30s tolerance: every age would read 1m fresher/,
    ],
    ['the clock is behind the L2 head', at('l2', 45_000), 30_000, /45s behind the L2 head/],
    ['a larger tolerance accepts it', at('l1', 60_000), 120_000, undefined],
  ] as const)('%s', (_name, reading, tolerance, expected) => {
    const problem = clockProblem(reading, tolerance);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
