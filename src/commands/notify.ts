/** `--notify URL`: a JSON summary POSTed to a webhook when the verdict changes. Never changes the verdict. */
import type { RunResult } from '../core/result.js';
import type { RunRecord } from '../state/runs.js';

const NOTIFY_TIMEOUT_MS = 5_000;

export interface VerdictChange {
  tool: 'l2preflight';
  checklist: string;
  venue: RunResult['venue'];
  verdict: RunResult['verdict'];
  previousVerdict: RunResult['verdict'] | null;
  startedAt: string;
  summary: RunResult['summary'];
  /** Checks at fail, warn or error, with their messages. */
  problems: { id: string; status: string; message: string }[];
}

/** Whether this run is news: the verdict changed, or the first run known is already not a ROUTE. */
export function isVerdictChange(run: RunResult, previous: RunRecord | undefined): boolean {
  return previous ? previous.verdict !== run.verdict : run.verdict !== 'ROUTE';
}

/** Posts when the verdict changed; returns what went wrong, if anything (the caller only warns). */
export async function notifyVerdictChange(
  url: string,
  run: RunResult,
  previous: RunRecord | undefined,
): Promise<string | undefined> {
  if (!isVerdictChange(run, previous)) return undefined;
  const body: VerdictChange = {
    tool: 'l2preflight',
    checklist: run.checklist,
    venue: run.venue,
    verdict: run.verdict,
    previousVerdict: previous?.verdict ?? null,
    startedAt: run.startedAt,
    summary: run.summary,
    problems: run.results
      .filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error')
      .map((r) => ({ id: r.id, status: r.status, message: r.message })),
  };
  try {
    const response = await fetch(url, {
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
