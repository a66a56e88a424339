/** Test support: a devnet venue per test file on a free port, and helpers to run checks against it. */
import { parseChecklist } from '../../src/checklist/load.js';
import { freePort } from '../../src/devnet/anvil.js';
import { DEVNET_ADDRESSES } from '../../src/devnet/constants.js';
import { bootVenue, type RunningVenue } from '../../src/devnet/venue.js';
import type { CheckResult } from '../../src/engine/result.js';
import { runChecklist } from '../../src/engine/run.js';

export async function startTestVenue(): Promise<RunningVenue> {
  return bootVenue({ port: await freePort() });
}

/** A checklist around the given checks (YAML list items), pointing at the given RPC URL(s). */
export function checklistYaml(rpc: string | string[], checks: string, chainId = 901): string {
  const urls = (Array.isArray(rpc) ? rpc : [rpc]).map((u) => JSON.stringify(u)).join(', ');
  const contracts = Object.entries(DEVNET_ADDRESSES)
    .map(([name, address]) => `    ${name}: "${address}"`)
    .join('\n');
  return `version: 1
name: test venue
venue:
  stack: evm
  l2:
    chainId: ${chainId}
    rpc: [${urls}]
  contracts:
${contracts}
defaults:
  timeout: 10s
checks:
${checks}`;
}

/** Runs one check (a YAML list item without id) against the venue and returns its result. */
export async function runOne(rpc: string | string[], check: string): Promise<CheckResult> {
  const checklist = parseChecklist(
    checklistYaml(rpc, `  - id: under-test\n${check.replace(/^/gm, '    ')}\n`),
    'test.yaml',
    {
      env: {},
    },
  );
  const { run } = await runChecklist(checklist);
  const [result] = run.results;
  if (!result) throw new Error('no result');
  return result;
}
