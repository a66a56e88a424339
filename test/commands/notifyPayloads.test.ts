/** When --notify speaks, and to which receiver a URL is taken to belong: pure, table-driven. */
import { describe, expect, it } from 'vitest';
import { type NotifyOn, shouldNotify } from '../../src/commands/notify.js';
import { inferNotifyFormat } from '../../src/commands/notifyPayloads.js';
import type { RunResult } from '../../src/core/result.js';
import type { RunRecord } from '../../src/state/runs.js';

// Only the verdicts matter to shouldNotify: the rest of a run is not read.
const run = (verdict: RunResult['verdict']) => ({ verdict }) as RunResult;
const record = (verdict: RunResult['verdict']) => ({ verdict }) as RunRecord;

describe('shouldNotify', () => {
  const cases: [NotifyOn, RunResult['verdict'], RunResult['verdict'] | undefined, boolean][] = [
    ['change', 'HOLD', undefined, true],
    ['change', 'ROUTE', undefined, false],
    ['change', 'HOLD', 'ROUTE', true],
    ['change', 'HOLD', 'HOLD', false],
    ['change', 'ROUTE', 'HOLD', true],
    ['hold', 'HOLD', 'HOLD', true],
    ['hold', 'NO VERDICT', 'NO VERDICT', true],
    ['hold', 'ROUTE', 'HOLD', true],
    ['hold', 'ROUTE', 'ROUTE', false],
    ['always', 'ROUTE', 'ROUTE', true],
  ];
  it.each(cases)('--notify-on %s: %s after %s → %s', (on, verdict, previous, expected) => {
    expect(shouldNotify(on, run(verdict), previous ? record(previous) : undefined)).toBe(expected);
  });
});

describe('inferNotifyFormat', () => {
  it.each([
    ['http://alertmanager:9093/api/v2/alerts', 'alertmanager'],
    ['http://127.0.0.1:9093/api/v2/alerts/', 'alertmanager'],
    ['https://hooks.slack.com/services/T0/B0/XYZ', 'slack'],
    ['https://example.com/hooks/slack', 'json'],
    ['https://example.com/api/v2/alerts/x', 'json'],
  ])('%s → %s', (url, format) => {
    expect(inferNotifyFormat(url)).toBe(format);
  });
});
