/**
 * Two real runs of checks/devnet.yaml (16 checks), saved with `run --format json` from a devnet on
 * 2026-11-28: `route` healthy (15 pass, 1 warn), `hold` after the stale-oracle and drained-fund
 * scenarios (2 fail, 1 warn). The table layouts are measured on what a real run says, not on short
 * hand-written messages.
 */
import { readFileSync } from 'node:fs';
import type { RunResult } from '../../src/core/result.js';

export function devnetRun(name: 'route' | 'hold'): RunResult {
  const file = new URL(`./runs/devnet-${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
}
