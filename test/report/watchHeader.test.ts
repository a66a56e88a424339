import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/commands/watch.js';
import { watchHeader } from '../../src/report/watchHeader.js';
import { fixtureRun } from './fixtures.js';

describe('the --watch header', () => {
  const run = { ...fixtureRun(), startedAt: '2026-11-24T10:00:00.000Z', durationMs: 2300 };
  // The run's time on this machine's clock, as the header shows it.
  const at = new Date(run.startedAt).toTimeString().slice(0, 8);

  const cases: { next: number | 'running'; says: string }[] = [
    { next: 3_600_000, says: 'next run in 1h' },
    { next: 3_598_400, says: 'next run in 59m 59s' }, // whole seconds, rounded up
    { next: 59_001, says: 'next run in 1m' },
    { next: 400, says: 'next run in 1s' },
    { next: 0, says: 'next run in 1s' },
    { next: 'running', says: 'running now' },
  ];
  for (const { next, says } of cases) {
    it(`says "${says}" with ${next} to go`, () => {
      expect(watchHeader(run, next, { color: false, width: 80 })).toBe(
        `last run ${at} (2.3s) · HOLD · ${says} · Ctrl-C stops`,
      );
    });
  }

  it('leaves out the Ctrl-C hint rather than wrap on a narrow terminal', () => {
    expect(watchHeader(run, 60_000, { color: false, width: 50 })).toBe(
      `last run ${at} (2.3s) · HOLD · next run in 1m`,
    );
  });

  it('colours the verdict when asked', () => {
    expect(watchHeader(run, 1000, { color: true })).toContain('\u001b[31m\u001b[1mHOLD');
  });
});

describe('rows a screen takes', () => {
  it('counts wrapped lines, ignoring colour codes', () => {
    expect(rowsOf('a\nb', 80)).toBe(2);
    expect(rowsOf(`${'x'.repeat(80)}\n${'y'.repeat(81)}`, 80)).toBe(3);
    expect(rowsOf(`\u001b[31m${'x'.repeat(80)}\u001b[39m`, 80)).toBe(1);
  });
});
