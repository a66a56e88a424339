/** The --wait line: once per state, with the time so far (issue #18 item 5). */
import { describe, expect, it } from 'vitest';
import { STILL_WAITING_EVERY_MS, WaitLine } from '../../src/drill/waitLine.js';

describe('WaitLine', () => {
  it('says a state once, with the elapsed time, and again only when the state changes', () => {
    let now = 1_000_000;
    const line = new WaitLine(1_000_000 - 5_000, () => now);
    const polls: (string | undefined)[] = [];
    for (const [reason, seconds] of [
      ['waiting for a dispute game', 0],
      ['waiting for a dispute game', 1],
      ['waiting for a dispute game', 1],
      ['proven; waiting for the game to resolve', 187],
      ['proven; waiting for the game to resolve', 1],
      ['waiting for a dispute game', 1],
    ] as const) {
      now += seconds * 1000;
      polls.push(line.next(reason));
    }
    expect(polls).toEqual([
      'waiting for a dispute game (5s so far)',
      undefined,
      undefined,
      'proven; waiting for the game to resolve (3m 14s so far)',
      undefined,
      'waiting for a dispute game (3m 16s so far)',
    ]);
  });

  it('says a state that lasts again every ten minutes, so a hung drill does not look like a quiet one', () => {
    let now = 0;
    const line = new WaitLine(0, () => now);
    expect(line.next('waiting for the proof to mature')).toBe('waiting for the proof to mature (0s so far)');
    now = STILL_WAITING_EVERY_MS - 1_000;
    expect(line.next('waiting for the proof to mature')).toBeUndefined();
    now = STILL_WAITING_EVERY_MS;
    expect(line.next('waiting for the proof to mature')).toBe(
      'still waiting for the proof to mature (10m so far)',
    );
    now += 1_000;
    expect(line.next('waiting for the proof to mature')).toBeUndefined();
  });

  it('never shows a negative time when the start is ahead of this clock', () => {
    expect(new WaitLine(2_000, () => 1_000).next('waiting')).toBe('waiting (0s so far)');
  });
});
