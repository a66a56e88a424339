/** The fault matrix: every mode of the issue (#13), each a real CLI run against the devnet. */
import type { FaultCase } from './harness.js';

const pass = { kind: 'pass' } as const;
const hang = { kind: 'hang' } as const;
/** Blocks a stale replica lags: about 4 minutes of the devnet's 1 s blocks (its boot history is 5 min). */
const STALE_BLOCKS = 240;

export const MATRIX: FaultCase[] = [
  { name: 'healthy', l2: [pass, pass], deadlineMs: 30_000, note: 'the fault-free run' },
  { name: 'latency 800ms', l2: [{ kind: 'latency', ms: 800 }, pass], deadlineMs: 30_000 },
  {
    name: 'hang all L2, --deadline 5s',
    l2: [hang, hang],
    deadlineMs: 5_000,
    hardCapMs: 90_000,
    note: 'issue: report at 8–10 s, process exits 24–67 s later',
  },
  {
    name: 'hang L1, --deadline 5s',
    l2: [pass, pass],
    l1: hang,
    deadlineMs: 5_000,
    hardCapMs: 90_000,
  },
  {
    name: 'hang one of two L2',
    l2: [hang, pass],
    deadlineMs: 30_000,
    note: 'issue: all L2 checks error (exit 3) although the second URL is healthy',
  },
  {
    name: 'dead one of two L2',
    l2: ['dead', pass],
    deadlineMs: 30_000,
    note: 'issue: rpc-divergence errors (critical), exit 3; README says it warns',
  },
  {
    name: 'refuse one of two L2',
    l2: [{ kind: 'refuse' }, pass],
    deadlineMs: 30_000,
  },
  { name: 'dead all L2', l2: ['dead', 'dead'], deadlineMs: 30_000 },
  {
    name: 'HTTP 429 all L2',
    l2: [
      { kind: 'status', code: 429 },
      { kind: 'status', code: 429 },
    ],
    deadlineMs: 30_000,
  },
  {
    name: 'HTTP 500 all L2',
    l2: [
      { kind: 'status', code: 500 },
      { kind: 'status', code: 500 },
    ],
    deadlineMs: 30_000,
  },
  { name: 'HTTP 401 primary', l2: [{ kind: 'status', code: 401 }, pass], deadlineMs: 30_000 },
  { name: 'truncated all L2', l2: [{ kind: 'truncate' }, { kind: 'truncate' }], deadlineMs: 30_000 },
  { name: 'garbage all L2', l2: [{ kind: 'garbage' }, { kind: 'garbage' }], deadlineMs: 30_000 },
  { name: 'garbage primary', l2: [{ kind: 'garbage' }, pass], deadlineMs: 30_000 },
  { name: 'reordered batches all L2', l2: [{ kind: 'reorder' }, { kind: 'reorder' }], deadlineMs: 30_000 },
  { name: 'partial batches all L2', l2: [{ kind: 'partial' }, { kind: 'partial' }], deadlineMs: 30_000 },
  {
    name: 'wrong chain all L2',
    l2: [
      { kind: 'wrong-chain', chainId: 10 },
      { kind: 'wrong-chain', chainId: 10 },
    ],
    deadlineMs: 30_000,
  },
  { name: 'wrong chain primary', l2: [{ kind: 'wrong-chain', chainId: 10 }, pass], deadlineMs: 30_000 },
  {
    name: '50 MB body all L2',
    l2: [
      { kind: 'huge', bytes: 50_000_000 },
      { kind: 'huge', bytes: 50_000_000 },
    ],
    deadlineMs: 30_000,
  },
  {
    name: 'stale all L2 (healthy feed)',
    l2: [
      { kind: 'stale', blocks: STALE_BLOCKS },
      { kind: 'stale', blocks: STALE_BLOCKS },
    ],
    deadlineMs: 30_000,
  },
  {
    name: 'stale-oracle + stale all L2, --only eth-usd (no heartbeat)',
    scenario: 'stale-oracle',
    checklist: 'no-heartbeat',
    only: 'eth-usd',
    l2: [
      { kind: 'stale', blocks: STALE_BLOCKS },
      { kind: 'stale', blocks: STALE_BLOCKS },
    ],
    deadlineMs: 30_000,
    note: 'issue: pass "updated 7m 59s ago", exit 0 (false ROUTE); fault-free: fail "3h ago"',
  },
  {
    name: 'stale-oracle + stale primary, healthy second',
    scenario: 'stale-oracle',
    checklist: 'no-heartbeat',
    only: 'eth-usd,oracles-agree,eth-usd-pyth',
    l2: [{ kind: 'stale', blocks: STALE_BLOCKS }, pass],
    deadlineMs: 30_000,
    note: 'issue: ROUTE',
  },
  {
    name: 'SIGINT at 3 s, healthy',
    l2: [pass, pass],
    deadlineMs: 60_000,
    sigintAtMs: 3_000,
    note: 'issue (on a terminal): ROUTE printed, exit 0; want exit 130 at once',
  },
  {
    name: 'SIGINT at 3 s, hung L2',
    l2: [hang, hang],
    deadlineMs: 60_000,
    sigintAtMs: 3_000,
    hardCapMs: 90_000,
    note: 'issue (on a terminal): no effect, finished 43 s later',
  },
  {
    name: 'Ctrl-C on a terminal 1 s and 2 s into the spinner, healthy',
    l2: [pass, pass],
    deadlineMs: 60_000,
    ctrlCAtMs: [1_000, 2_000],
    note: 'issue: ROUTE printed, exit 0',
  },
  {
    name: 'Ctrl-C on a terminal 1 s and 2 s into the spinner, hung L2',
    l2: [hang, hang],
    deadlineMs: 60_000,
    ctrlCAtMs: [1_000, 2_000],
    hardCapMs: 90_000,
    note: 'issue: two Ctrl-Cs had no effect; finished 43 s later with the full table',
  },
  {
    name: 'terminal of 0 x 0 (an unsized pty), healthy, --deadline 30s',
    l2: [pass, pass],
    deadlineMs: 30_000,
    ctrlCAtMs: [],
    terminalSize: '0x0',
    hardCapMs: 60_000,
    note: 'found by the suite: the spinner redraws without end and the run never finishes',
  },
  {
    name: 'two concurrent runs, one --state',
    l2: [pass, pass],
    deadlineMs: 30_000,
    concurrent: 2,
    note: 'issue: 1 of 2 records kept',
  },
  {
    name: 'four concurrent runs, one --state',
    l2: [pass, pass],
    deadlineMs: 30_000,
    concurrent: 4,
    note: 'issue: 1 of 4 records kept',
  },
];
