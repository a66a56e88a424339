import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  exitWindow,
  exitWindowBand,
  exitWindowMs,
  type GovernanceObservation,
} from '../../../src/checks/governance/exitWindow.js';
import { DEVNET_BRIDGE, DEVNET_UPGRADE_AUTHORITY, deployer } from '../../../src/devnet/constants.js';
import { adminTakeover, instantUpgrades, UNKNOWN_UPGRADER } from '../../../src/devnet/governance.js';
import { forceInclusionDelaySeconds } from '../../../src/protocols/arbitrum.js';
import { CheckTester, contractAddress } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, runOne, runOneWithL1CallFailing } from '../../helpers/venue.js';

const CHECK = 'type: governance.exit-window\nadmin: $timelock\nsafe: $safe\nportal: $portal';
const DAY = 86_400_000;

describe('exitWindowBand (L2BEAT)', () => {
  it.each([
    [-DAY, 'red'],
    [0, 'red'],
    [7 * DAY - 1, 'red'],
    [7 * DAY, 'yellow'],
    [30 * DAY - 1, 'yellow'],
    [30 * DAY, 'green'],
  ])('%d ms is %s', (ms, band) => {
    expect(exitWindowBand(ms)).toBe(band);
  });
});

describe('exitWindowMs (L2BEAT EXIT_WINDOW(upgradeDelay, exitDelay), exit delay incl. force inclusion)', () => {
  it.each([
    // Arbitrum One today, L2BEAT's permissionless-BoLD reading: 3 d L2 timelock + 6.4 d challenge
    // + 3 d L1 timelock to upgrade; 1 d force inclusion + 6.4 d challenge to exit → 5 d.
    [{ upgradeDelayMs: 12.4 * DAY, withdrawalDelayMs: 6.4 * DAY, forceInclusionDelayMs: DAY }, 5 * DAY],
    [{ upgradeDelayMs: 31 * DAY, withdrawalDelayMs: 7 * DAY }, 24 * DAY],
    [{ upgradeDelayMs: 31 * DAY, withdrawalDelayMs: 7 * DAY, forceInclusionDelayMs: 0 }, 24 * DAY],
    [{ upgradeDelayMs: 0, withdrawalDelayMs: 7 * DAY, forceInclusionDelayMs: DAY }, -8 * DAY],
  ])('%o → %d ms', (delays, expected) => {
    expect(exitWindowMs(delays)).toBeCloseTo(expected, 0);
  });
});

describe('forceInclusionDelaySeconds (SequencerInbox maxTimeVariation / delay buffer)', () => {
  it.each([
    // Arbitrum One: 7200 blocks and 86 400 s — the same day either way.
    [{ delayBlocks: 7200, delaySeconds: 86_400 }, 86_400],
    // Both must pass on older inboxes: the longer one decides.
    [{ delayBlocks: 100, delaySeconds: 86_400 }, 86_400],
    [{ delayBlocks: 14_400, delaySeconds: 3_600 }, 172_800],
    // A depleted delay buffer shortens the wait to its blocks.
    [{ delayBlocks: 7200, delaySeconds: 0, bufferedBlocks: 600 }, 7_200],
  ])('%o → %d s', (delay, expected) => {
    expect(forceInclusionDelaySeconds(delay)).toBe(expected);
  });
});

const timelock = contractAddress('timelock');
const safe = contractAddress('safe');
const portal = contractAddress('portal');
const proxyAdmin = contractAddress('proxyAdmin');
/** The devnet's healthy governance as read: a 31-day timelock owning the portal's ProxyAdmin, a 2-of-3 Safe. */
function governance(overrides: Partial<GovernanceObservation> = {}): GovernanceObservation {
  return {
    admin: { kind: 'timelock', address: timelock, delayMs: 31 * DAY },
    multisig: { address: safe, threshold: 2, owners: 3 },
    withdrawalDelayMs: 12_000,
    withdrawalDelaySource: `portal ${portal} (fault proofs)`,
    upgrade: { proxy: portal, proxyAdmin, proxyAdminOwner: timelock, authority: timelock },
    ...overrides,
  };
}
const PINNED = { admin: '$timelock', safe: '$safe', portal: '$portal' };

new CheckTester(exitWindow, { limit: 'headline' }).run({
  valid: [
    {
      name: 'a 31-day timelock against a 12 s withdrawal delay, a 2-of-3 Safe',
      params: PINNED,
      observation: governance(),
      observed: 'exit window 30d 23h (green); Safe 2 of 3',
      threshold: '>= 7d, Safe threshold >= 2',
      message: `upgrade authority read from ${portal}'s EIP-1967 admin → ProxyAdmin owner`,
      limit: { value: 7 * 86_400, kind: 'min' },
    },
    {
      name: 'an UpgradeExecutor whose weakest EXECUTOR_ROLE holder is a 10-day timelock',
      params: PINNED,
      observation: governance({
        admin: {
          kind: 'executor',
          address: timelock,
          holders: [{ kind: 'timelock', address: safe, delayMs: 10 * DAY }],
          weakest: { kind: 'timelock', address: safe, delayMs: 10 * DAY },
          revoked: [],
          logs: { fromBlock: 0, toBlock: 10, requests: 1 },
        },
      }),
      observed: '(yellow)',
      message: 'weakest of its 1 EXECUTOR_ROLE holder(s)',
    },
  ],
  invalid: [
    {
      name: 'a positive window short of minExitWindow',
      params: { ...PINNED, minExitWindow: '45d' },
      observation: governance(),
      status: 'fail',
      message: /^exit window 30d 23h is under 45d/,
    },
    {
      name: "Arbitrum: the SequencerInbox's 1-day force inclusion takes the window under 30d",
      params: { ...PINNED, sequencerInbox: '$batchInbox', minExitWindow: '30d' },
      observation: governance({ forceInclusion: { delayMs: DAY, source: 'SequencerInbox 7200 L1 blocks' } }),
      status: 'fail',
      observed: 'exit window 29d 23h (yellow); Safe 2 of 3',
      message: '− force-inclusion delay 1d (SequencerInbox',
    },
    {
      name: 'the pinned admin is not the ProxyAdmin owner (the Safe pinned, the timelock owns)',
      params: { admin: '$safe', portal: '$portal' },
      observation: governance({ admin: { kind: 'safe', address: safe, threshold: 2, owners: 3 } }),
      status: 'fail',
      message: `an unknown party can upgrade ${portal}: its EIP-1967 admin ${proxyAdmin} is owned by ${timelock}, not the pinned admin ${safe}`,
    },
    {
      name: "no proxy to read: the admin is only the checklist's word, so it warns, never passes",
      params: { admin: '$timelock', withdrawalDelay: '7d' },
      observation: governance({
        upgrade: undefined,
        multisig: undefined,
        withdrawalDelayMs: 7 * DAY,
        withdrawalDelaySource: 'withdrawalDelay in the checklist',
      }),
      status: 'warn',
      message: 'the admin is pinned in the checklist, not read from the chain',
    },
    {
      name: 'a governance takeover: no delay, one signature',
      params: PINNED,
      observation: governance({
        admin: { kind: 'timelock', address: timelock, delayMs: 0 },
        multisig: { address: safe, threshold: 1, owners: 3 },
      }),
      status: 'fail',
      observed: 'exit window −12s (red); Safe 1 of 3',
      message:
        /no exit window: an upgrade by timelock .* lands 12s before .*; Safe .* needs only 1 of 3 signatures \(min 2\)/,
    },
    {
      name: 'an UpgradeExecutor one of whose holders is a key: instant upgrades',
      params: PINNED,
      observation: governance({
        admin: {
          kind: 'executor',
          address: timelock,
          holders: [
            { kind: 'timelock', address: safe, delayMs: 10 * DAY },
            { kind: 'eoa', address: proxyAdmin },
          ],
          weakest: { kind: 'eoa', address: proxyAdmin },
          revoked: [],
          logs: { fromBlock: 0, toBlock: 10, requests: 1 },
        },
      }),
      status: 'fail',
      message: `a single key (${proxyAdmin}) with no delay: instant upgrades`,
    },
  ],
  refused: [
    {
      name: 'both a portal and a withdrawalDelay',
      params: { admin: '$timelock', portal: '$portal', withdrawalDelay: '7d' },
      error: 'give exactly one of portal',
    },
    { name: 'a minThreshold of 0', params: { ...PINNED, minThreshold: 0 }, error: 'expected at least 1' },
  ],
});

describe('governance.exit-window on the devnet (OpenZeppelin TimelockController + Safe on L1)', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(async () => {
    await instantUpgrades(venue.l1.clients, false);
    await adminTakeover(venue.l1.clients, false);
  });
  const run = (check: string) => runOne(venue.node.url, check, venue.l1.node.url);

  it('passes: a 31-day timelock against the 12 s fault-proof withdrawal delay (not the 6 s proof maturity), a 2-of-3 Safe', async () => {
    const result = await run(CHECK);
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.observed).toBe('exit window 30d 23h (green); Safe 2 of 3');
    expect(result.message).toMatch(
      /^upgrade delay 31d \(timelock 0x7a20.*\) − withdrawal delay 12s \(portal 0x59b6.* \(fault proofs\): max\(proof maturity, game clock \+ dispute-game finality delay\)\); upgrade authority read from /,
    );
  });

  it("reads who can upgrade: the portal proxy's EIP-1967 admin is a ProxyAdmin the timelock owns", async () => {
    const result = await run(CHECK);
    expect(result.status).toBe('pass');
    expect(result.message).toContain(
      `upgrade authority read from ${DEVNET_BRIDGE.portal}'s EIP-1967 admin → ProxyAdmin owner`,
    );
    const evidence = 'evidence' in result ? result.evidence : undefined;
    expect(evidence?.upgrade).toMatchObject({ proxyAdmin: DEVNET_UPGRADE_AUTHORITY.proxyAdmin });
  });

  it('fails when the proxy admin slot names an unknown party (admin-takeover), passes again after healthy', async () => {
    await applyScenario(venue, 'admin-takeover');
    const taken = await run(CHECK);
    expect(taken.status).toBe('fail');
    expect(taken.message).toContain(
      `an unknown party can upgrade ${DEVNET_BRIDGE.portal}: its EIP-1967 admin is ${UNKNOWN_UPGRADER}, not the pinned admin`,
    );
    await applyScenario(venue, 'healthy');
    expect((await run(CHECK)).status).toBe('pass');
  });

  it("Arbitrum: counts the SequencerInbox's force-inclusion delay into the exit delay (stand-in inbox)", async () => {
    const result = await run(`${CHECK}\nsequencerInbox: $batchInbox`);
    expect(result.status).toBe('pass');
    // 31 d − 12 s − 1 d (7200 L1 blocks / 86 400 s): from green into yellow.
    expect(result.status === 'pass' && result.observed).toBe('exit window 29d 23h (yellow); Safe 2 of 3');
    expect(result.message).toContain('− force-inclusion delay 1d (SequencerInbox');
  });

  it('fails after a governance takeover: no delay, one signature', async () => {
    await applyScenario(venue, 'instant-upgrades');
    const result = await run(CHECK);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no exit window: an upgrade by timelock');
    expect(result.message).toContain('needs only 1 of 3 signatures (min 2)');
  });

  it('fails when the admin is a Safe (no delay) or a single key', async () => {
    const safe = await run('type: governance.exit-window\nadmin: $safe\nwithdrawalDelay: 7d');
    expect(safe.status).toBe('fail');
    expect(safe.status === 'fail' && safe.observed).toBe('exit window −7d (red); Safe 2 of 3');
    const key = await run(`type: governance.exit-window\nadmin: "${deployer.address}"\nwithdrawalDelay: 7d`);
    expect(key.status).toBe('fail');
    expect(key.message).toContain('a single key');
  });

  it('errors (never passes) when the admin is a contract of unknown kind', async () => {
    const result = await run('type: governance.exit-window\nadmin: $portal\nwithdrawalDelay: 7d');
    expect(result.status).toBe('error');
    expect(result.message).toContain('neither a TimelockController');
  });

  // Each read that tells one kind of contract from another failed alone at the RPC (a rate-limit error
  // for that call only): before, the failure was taken for "not this kind" — the timelock for an unknown
  // contract, the ProxyAdmin for an upgrader without owner() (a false fail), the Safe for no Safe.
  it.each([
    ["the timelock's getMinDelay", 'function getMinDelay()', CHECK],
    ["the ProxyAdmin's owner()", 'function owner()', CHECK],
    ["the declared Safe's getThreshold", 'function getThreshold()', CHECK],
    [
      "an unknown contract's EXECUTOR_ROLE",
      'function EXECUTOR_ROLE()',
      'type: governance.exit-window\nadmin: $portal\nwithdrawalDelay: 7d',
    ],
  ])(
    'is an RPC error when %s fails at the RPC, not a judgement of the contract',
    async (_what, signature, check) => {
      const result = await runOneWithL1CallFailing(venue, signature, check);
      expect(result.status, result.message).toBe('error');
      expect(result.message).toContain('answered JSON-RPC error -32005 (rate limited)');
    },
  );
});
