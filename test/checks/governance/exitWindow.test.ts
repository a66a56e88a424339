import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitWindowBand } from '../../../src/checks/governance/exitWindow.js';
import { deployer } from '../../../src/devnet/constants.js';
import { instantUpgrades } from '../../../src/devnet/governance.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

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

describe('governance.exit-window on the devnet (OpenZeppelin TimelockController + Safe on L1)', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());
  beforeEach(() => instantUpgrades(venue.l1.clients, false));
  const run = (check: string) => runOne(venue.node.url, check, venue.l1.node.url);

  it('passes: a 31-day timelock against the 12 s fault-proof withdrawal delay (not the 6 s proof maturity), a 2-of-3 Safe', async () => {
    const result = await run(CHECK);
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.observed).toBe('exit window 30d 23h (green); Safe 2 of 3');
    expect(result.message).toMatch(
      /^upgrade delay 31d \(timelock 0x7a20.*\) − withdrawal delay 12s \(portal 0x59b6.* \(fault proofs\): max\(proof maturity, game clock \+ dispute-game finality delay\)\)$/,
    );
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

  it('fails when the window is positive but short of minExitWindow', async () => {
    const result = await run(`${CHECK}\nminExitWindow: 45d`);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^exit window 30d 23h is under 45d/);
  });

  it('errors (never passes) when the admin is a contract of unknown kind', async () => {
    const result = await run('type: governance.exit-window\nadmin: $portal\nwithdrawalDelay: 7d');
    expect(result.status).toBe('error');
    expect(result.message).toContain('neither a TimelockController');
  });
});
