/**
 * What `drill withdraw --wait` prints while polls fail: the failure once, then only when it changes or
 * every few minutes — on the test's clock, so nothing waits minutes.
 */
import { describe, expect, it } from 'vitest';
import { FailureLine, STILL_FAILING_EVERY_MS } from '../../src/drill/failureLine.js';

const DOWN = 'l1 RPC #1 http://127.0.0.1:8545 answered HTTP 503 (server error)';
const GONE = 'l1 RPC #1 http://127.0.0.1:8545 refused the connection';

describe('FailureLine', () => {
  it('says a failure once however many polls it lasts, then every few minutes', () => {
    const clock = { ms: 0 };
    const line = new FailureLine(() => clock.ms);
    const said: (string | undefined)[] = [];
    for (let poll = 0; poll < 12; poll++) {
      said.push(line.next(DOWN, 30_000));
      clock.ms += 30_000;
    }
    expect(said[0]).toBe(`poll failed: ${DOWN}; retrying in 30s`);
    expect(said.slice(1).filter(Boolean)).toEqual([`still failing (11 polls, 5m): ${DOWN}; retrying in 30s`]);
    expect(said.indexOf(said.slice(1).find(Boolean))).toBe(STILL_FAILING_EVERY_MS / 30_000);
  });

  it('says it again when the failure changes, and afresh after a good poll', () => {
    const clock = { ms: 0 };
    const line = new FailureLine(() => clock.ms);
    expect(line.next(DOWN, 1_000)).toBe(`poll failed: ${DOWN}; retrying in 1s`);
    clock.ms += 1_000;
    expect(line.next(DOWN, 2_000)).toBeUndefined();
    clock.ms += 2_000;
    expect(line.next(GONE, 4_000)).toBe(`still failing (3 polls, 3s): ${GONE}; retrying in 4s`);
    clock.ms += 4_000;
    expect(line.next(GONE, 8_000)).toBeUndefined();
    line.clear();
    expect(line.next(GONE, 1_000)).toBe(`poll failed: ${GONE}; retrying in 1s`);
  });
});

describe('FailureLine: which failures are the same', () => {
  it('another block number or port is the same failure; another HTTP status is not', () => {
    const line = new FailureLine(() => 0);
    expect(line.next('a read reverted at block 12345 via 127.0.0.1:8545', 1_000)).toMatch(/^poll failed/);
    expect(line.next('a read reverted at block 12346 via 127.0.0.1:9545', 1_000)).toBeUndefined();
    expect(line.next('RPC answered HTTP 503', 1_000)).toMatch(/^still failing/);
    expect(line.next('RPC answered HTTP 502', 1_000)).toMatch(/^still failing/);
  });
});
