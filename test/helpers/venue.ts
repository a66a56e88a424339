/**
 * Test support: a devnet venue of a test file's own on free ports (sharedVenue.ts has the worker's shared
 * one), and helpers to run checks against either.
 */
import { toFunctionSelector } from 'viem';
import { parseChecklist } from '../../src/checklist/load.js';
import type { CheckResult, Stack } from '../../src/core/result.js';
import { freePort } from '../../src/devnet/anvil.js';
import {
  batcher,
  DEVNET_ADDRESSES,
  DEVNET_BRIDGE,
  DEVNET_GOVERNANCE,
  DEVNET_L1_ADDRESSES,
  type DevnetPorts,
} from '../../src/devnet/constants.js';
import { SCENARIOS } from '../../src/devnet/scenarios.js';
import { bootVenue, type RunningVenue } from '../../src/devnet/venue.js';
import { runChecklist } from '../../src/engine/run.js';
import { startFaultProxy } from './faultProxy.js';
import type { TestVenue } from './sharedVenue.js';

export async function testPorts(): Promise<DevnetPorts> {
  return { l2: await freePort(), l1: await freePort(), l2Replica: await freePort() };
}

/** The `devnet up|demo` flags for these ports. */
export function portFlags(ports: DevnetPorts): string[] {
  return [
    '--l2-port',
    String(ports.l2),
    '--l1-port',
    String(ports.l1),
    '--l2-replica-port',
    String(ports.l2Replica),
  ];
}

/**
 * Boots a venue on free loopback ports. freePort() checks a port before the venue binds it, and a test
 * file in another worker can take it in between (EADDRINUSE, seen once in a CI run): then the venue,
 * which stops what it started, is booted again on other ports. A user's own ports (devnet up) are
 * never retried: this is the tests' choice of ports, not theirs.
 */
export async function bootOnFreePorts(options: Parameters<typeof bootVenue>[1] = {}): Promise<RunningVenue> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await bootVenue(await testPorts(), options);
    } catch (error) {
      const taken = /EADDRINUSE|already in use/.test(String((error as Error)?.message));
      if (!taken || attempt === 3) throw error;
    }
  }
}

export async function startTestVenue(options: { batchIntervalMs?: number } = {}): Promise<RunningVenue> {
  return bootOnFreePorts(options);
}

/** A checklist around the given checks (YAML list items), pointing at the given RPC URL(s). */
export function checklistYaml(
  rpc: string | string[],
  checks: string,
  chainId = 901,
  l1Rpc?: string,
  stack: Stack = 'evm',
): string {
  const urls = (Array.isArray(rpc) ? rpc : [rpc]).map((u) => JSON.stringify(u)).join(', ');
  const contracts = Object.entries({
    ...DEVNET_ADDRESSES,
    ...DEVNET_L1_ADDRESSES,
    ...DEVNET_GOVERNANCE,
    batcher: batcher.address,
    portal: DEVNET_BRIDGE.portal,
    disputeGameFactory: DEVNET_BRIDGE.disputeGameFactory,
    anchorStateRegistry: DEVNET_BRIDGE.anchorStateRegistry,
  })
    .map(([name, address]) => `    ${name}: "${address}"`)
    .join('\n');
  const l1 = l1Rpc ? `  l1:\n    chainId: 900\n    rpc: [${JSON.stringify(l1Rpc)}]\n` : '';
  return `version: 1
name: test venue
venue:
  stack: ${stack}
  l2:
    chainId: ${chainId}
    rpc: [${urls}]
${l1}  contracts:
${contracts}
defaults:
  timeout: 10s
checks:
${checks}`;
}

/** Runs one check (a YAML list item without id) against the venue and returns its result. */
export async function runOne(
  rpc: string | string[],
  check: string,
  l1Rpc?: string,
  options: {
    stateDir?: string;
    stack?: Stack;
    now?: () => number;
    maxBlockAgeMs?: number;
    chainId?: number;
  } = {},
): Promise<CheckResult> {
  const checklist = parseChecklist(
    checklistYaml(
      rpc,
      `  - id: under-test\n${check.replace(/^/gm, '    ')}\n`,
      options.chainId ?? 901,
      l1Rpc,
      options.stack,
    ),
    'test.yaml',
    {
      env: {},
    },
  );
  const { run } = await runChecklist(checklist, options);
  const [result] = run.results;
  if (!result) throw new Error('no result');
  return result;
}

/** Applies a scenario to a venue of the test's own (startTestVenue) or to its worker's shared one. */
export async function applyScenario(venue: TestVenue, name: string, depth?: number): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario.apply(
    { l2: venue.clients, l1: venue.l1.clients, replicaUrl: venue.replica.url },
    { depth },
  );
}

/**
 * Runs one check with its L1 behind a proxy that fails exactly one read, by function signature, with a
 * rate-limit error (without Multicall3, so the reads beside it still answer); throws when no such read
 * was made, so a test cannot pass without the failure it is about.
 */
export async function runOneWithL1CallFailing(
  venue: { node: { url: string }; l1: { node: { url: string } } },
  signature: string,
  check: string,
): Promise<CheckResult> {
  const proxy = await startFaultProxy(venue.l1.node.url, {
    kind: 'fail-calls',
    matching: toFunctionSelector(signature).slice(2),
    hideMulticall: true,
  });
  try {
    const result = await runOne(venue.node.url, check, proxy.url);
    if (proxy.stats().failedCalls === 0) throw new Error(`no call of ${signature} was made`);
    return result;
  } finally {
    await proxy.close();
  }
}
