/**
 * `--notify URL`: tells a receiver about the run — a generic JSON webhook, an Alertmanager or a Slack
 * incoming webhook (notifyPayloads.ts) — when `--notify-on` says the run is news. Never changes the
 * verdict.
 */
import type { RunResult } from '../core/result.js';
import type { RunRecord } from '../state/runs.js';
import {
  alertmanagerPayload,
  jsonPayload,
  type NotifyFormat,
  slackPayload,
  type VerdictChange,
} from './notifyPayloads.js';

export type { VerdictChange };

const NOTIFY_TIMEOUT_MS = 5_000;

export const NOTIFY_ON = ['change', 'hold', 'always'] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

export interface NotifyTarget {
  url: string;
  format: NotifyFormat;
  on: NotifyOn;
}

/** Whether this run is news: the verdict changed, or the first run known is already not a ROUTE. */
export function isVerdictChange(run: RunResult, previous: RunRecord | undefined): boolean {
  return previous ? previous.verdict !== run.verdict : run.verdict !== 'ROUTE';
}

/**
 * `change`: the verdict changed (or the first run is not a ROUTE). `hold`: that, and every run while
 * the verdict is not ROUTE — a HOLD that persists is said again (Alertmanager needs it re-sent to keep
 * the alert firing). `always`: every run.
 */
export function shouldNotify(on: NotifyOn, run: RunResult, previous: RunRecord | undefined): boolean {
  if (on === 'always') return true;
  if (on === 'hold' && run.verdict !== 'ROUTE') return true;
  return isVerdictChange(run, previous);
}

function payload(format: NotifyFormat, run: RunResult, previous: RunRecord | undefined): unknown {
  if (format === 'alertmanager') return alertmanagerPayload(run, previous);
  if (format === 'slack') return slackPayload(run, previous);
  return jsonPayload(run, previous);
}

/** Posts when `target.on` says so; returns what went wrong, if anything (the caller only warns). */
export async function notifyRun(
  target: NotifyTarget,
  run: RunResult,
  previous: RunRecord | undefined,
): Promise<string | undefined> {
  if (!shouldNotify(target.on, run, previous)) return undefined;
  const body = payload(target.format, run, previous);
  // Alertmanager: a ROUTE after a ROUTE has nothing firing and nothing to resolve.
  if (Array.isArray(body) && body.length === 0) return undefined;
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
    });
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return (error as Error).name === 'TimeoutError'
      ? `no answer within ${NOTIFY_TIMEOUT_MS / 1000}s`
      : (error as Error).message;
  }
}

/** Today's call: the generic JSON on a verdict change. */
export function notifyVerdictChange(
  url: string,
  run: RunResult,
  previous: RunRecord | undefined,
): Promise<string | undefined> {
  return notifyRun({ url, format: 'json', on: 'change' }, run, previous);
}
