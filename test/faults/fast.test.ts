/**
 * The fault suite's fast subset, in `npm test` (the whole matrix is `npm run faults`): the real CLI
 * against the devnet behind fault proxies, for the faults of #13 that broke the most. Every case holds
 * the invariants: no check passes that the fault-free run of the same command does not pass, no
 * stack trace, no response bytes or URL keys echoed, a documented exit code, the process gone by the
 * deadline.
 *
 * "Gone by the deadline": #13 asks for deadline + 1 s, measured inside the process; from outside, a
 * spawned node also spends its start-up (module loading, slower on a loaded 2-core runner) before its
 * clock starts, so these tests allow deadline + 3 s. The matrix records the strict figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultMode } from '../helpers/faultProxy.js';
import { type CaseResult, DOCUMENTED_EXIT_CODES, FaultBench, type FaultCase } from './harness.js';

const SLACK_MS = 3_000;
const pass: FaultMode = { kind: 'pass' };
const hang: FaultMode = { kind: 'hang' };

const HANG_ALL: FaultCase = {
  name: 'every L2 endpoint hangs, --deadline 5s',
  l2: [hang, hang],
  deadlineMs: 5_000,
  hardCapMs: 5_000 + SLACK_MS + 5_000,
};
const HANG_ONE: FaultCase = {
  name: 'the primary L2 endpoint hangs, the second is healthy',
  l2: [hang, pass],
  deadlineMs: 20_000,
  hardCapMs: 20_000 + SLACK_MS + 5_000,
};
const GARBAGE: FaultCase = {
  name: 'every L2 endpoint answers garbage',
  l2: [{ kind: 'garbage' }, { kind: 'garbage' }],
  deadlineMs: 20_000,
  hardCapMs: 20_000 + SLACK_MS + 5_000,
};
const STALE_PRIMARY: FaultCase = {
  name: 'stale-oracle, the primary L2 endpoint 240 blocks behind, the second healthy',
  scenario: 'stale-oracle',
  checklist: 'no-heartbeat',
  only: 'eth-usd,oracles-agree,eth-usd-pyth',
  l2: [{ kind: 'stale', blocks: 240 }, pass],
  deadlineMs: 20_000,
  hardCapMs: 20_000 + SLACK_MS + 5_000,
};

const bench = new FaultBench();
const results = new Map<FaultCase, Promise<CaseResult>>();

beforeAll(async () => {
  await bench.start();
  // The deadline case first and alone, so its timing is not its siblings' start-up; then the other
  // healthy-devnet cases at once (each has its own proxies); the scenario case last and alone, because
  // it changes the devnet the others read.
  const track = (c: FaultCase, pending: Promise<CaseResult>) => {
    results.set(c, pending);
    // Unhandled until its `it` awaits it; the `it` reports the failure.
    pending.catch(() => {});
    return pending;
  };
  const first = track(HANG_ALL, bench.run(HANG_ALL));
  const together = first
    .catch(() => undefined)
    .then(() => Promise.allSettled([HANG_ONE, GARBAGE].map((c) => bench.run(c))));
  track(
    HANG_ONE,
    together.then((all) => settledValue(all[0])),
  );
  track(
    GARBAGE,
    together.then((all) => settledValue(all[1])),
  );
  track(
    STALE_PRIMARY,
    together.then(() => bench.run(STALE_PRIMARY)),
  );
}, 120_000);

function settledValue<T>(settled: PromiseSettledResult<T> | undefined): T {
  if (!settled) throw new Error('case did not run');
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
}

afterAll(async () => {
  await Promise.allSettled(results.values());
  await bench.stop();
}, 60_000);

function holdsInvariants(r: CaseResult): void {
  expect.soft(r.falsePasses, 'checks that pass only under the fault').toEqual([]);
  expect.soft(r.internalErrors, 'checks whose error reads as a bug (errorKind internal)').toEqual([]);
  expect.soft(r.stackTrace, `stack trace in the output: ${r.stderrHead}`).toBe(false);
  expect.soft(r.leaked, 'response bytes or URL keys in the output').toEqual([]);
  expect.soft(r.killed, 'still running at the hard cap').toBe(false);
  expect.soft(DOCUMENTED_EXIT_CODES, `exit code ${r.exitCode}`).toContain(r.exitCode);
  expect
    .soft(r.lifetimeMs, 'ms from start until the process was gone')
    .toBeLessThanOrEqual(r.deadlineMs + SLACK_MS);
}

const result = (c: FaultCase) => results.get(c) as Promise<CaseResult>;

describe('fault suite (fast subset)', () => {
  it('every L2 endpoint hangs: --deadline 5s ends the process', { timeout: 90_000 }, async () => {
    const r = await result(HANG_ALL);
    holdsInvariants(r);
    expect(r.reportMs, 'a report').not.toBeNull();
    // Every endpoint silent: the checks end at the deadline or on their RPC timeouts, nothing else.
    expect(Object.keys(r.errorKinds).length).toBeGreaterThan(0);
    for (const kind of Object.values(r.errorKinds)) expect(['deadline', 'rpc']).toContain(kind);
  });

  it('one of two L2 endpoints hangs: the run falls back to the other', { timeout: 90_000 }, async () => {
    const r = await result(HANG_ONE);
    holdsInvariants(r);
    // The healthy endpoint answers everything: the verdict is the fault-free one (#13 item 4).
    expect(r.exitCode).toBe(r.baselineExitCode);
  });

  it('garbage bodies: error rows, no bytes of the garbage echoed', { timeout: 90_000 }, async () => {
    const r = await result(GARBAGE);
    holdsInvariants(r);
    expect(Object.keys(r.errorKinds).length).toBeGreaterThan(0);
    for (const kind of Object.values(r.errorKinds)) expect(['rpc', 'malformed-response']).toContain(kind);
  });

  it('a stale primary endpoint does not make a stale oracle pass', { timeout: 120_000 }, async () => {
    const r = await result(STALE_PRIMARY);
    holdsInvariants(r);
    expect(r.baselineStatuses['eth-usd']).toBe('fail');
    expect(r.statuses['eth-usd']).not.toBe('pass');
  });
});
