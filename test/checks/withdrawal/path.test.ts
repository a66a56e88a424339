import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path } from '../../../src/checks/withdrawal/path.js';
import { DEVNET_BRIDGE } from '../../../src/devnet/constants.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { type BridgeState, proofSystemOf } from '../../../src/venues/opStack.js';
import { applyScenario, runOne, startTestVenue } from '../../helpers/venue.js';

const CHECK = `type: withdrawal.path\nportal: "${DEVNET_BRIDGE.portal}"\nmaxFinalizationPeriod: 1m\nmaxOutputAge: 1m`;

describe('withdrawal.path evaluate', () => {
  const params = {
    portal: DEVNET_BRIDGE.portal,
    maxFinalizationPeriod: 7 * 86_400_000,
    maxOutputAge: 3 * 3_600_000,
  };
  const faultProofs: BridgeState = {
    portal: DEVNET_BRIDGE.portal,
    version: '3.10.0',
    proofSystem: 'fault-proofs',
    portalPaused: false,
    superchainPaused: false,
    finalizationPeriodSeconds: 604_800,
    disputeGameFinalitySeconds: 302_400,
    proposals: DEVNET_BRIDGE.l2OutputOracle,
    latestProposal: { timestamp: 1_000, index: 42 },
  };
  it('tells the proof system from the portal version', () => {
    expect(proofSystemOf('2.8.1-beta.1')).toBe('output-oracle');
    expect(proofSystemOf('3.10.0')).toBe('fault-proofs');
  });
  it('passes a fault-proof chain with a 7-day maturity and a recent game', () => {
    const j = path.evaluate(params, faultProofs, 1_000_000 + 30 * 60_000);
    expect(j.holds).toBe(true);
    expect(j.observed).toBe('open, finalization 7d, dispute game 30m old');
  });
  it('fails when no game was ever proposed', () => {
    const j = path.evaluate(params, { ...faultProofs, latestProposal: undefined }, 0);
    expect(j.holds).toBe(false);
    expect(j.message).toContain('no dispute game was ever proposed');
  });
});

describe('withdrawal.path on the devnet (real OP Stack contracts)', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

  it('passes on the open bridge with a live proposer, naming the addresses it read', async () => {
    const result = await runOne(venue.node.url, CHECK, venue.l1.node.url);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/portal 2\.8\.1-beta\.1 open; finalization 12s; latest output root #\d+/);
    expect(result.status === 'pass' && result.evidence).toMatchObject({
      portal: DEVNET_BRIDGE.portal,
      proposals: DEVNET_BRIDGE.l2OutputOracle,
      superchainConfig: DEVNET_BRIDGE.superchainConfig,
      proofSystem: 'output-oracle',
    });
  });

  it('fails when the bridge is paused', async () => {
    await applyScenario(venue, 'paused-bridge');
    try {
      const result = await runOne(venue.node.url, CHECK, venue.l1.node.url);
      expect(result.status).toBe('fail');
      expect(result.message).toContain('the SuperchainConfig is PAUSED');
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('fails when the proposer has stalled for longer than maxOutputAge', async () => {
    await applyScenario(venue, 'proposer-stalled');
    try {
      await new Promise((r) => setTimeout(r, 3_500));
      const result = await runOne(
        venue.node.url,
        CHECK.replace('maxOutputAge: 1m', 'maxOutputAge: 3s'),
        venue.l1.node.url,
      );
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/the latest output root is [\d.]+s old \(proposer stalled\?\)/);
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('fails when the finalization period is longer than the desk accepts', async () => {
    const result = await runOne(
      venue.node.url,
      CHECK.replace('maxFinalizationPeriod: 1m', 'maxFinalizationPeriod: 5s'),
      venue.l1.node.url,
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('finalization takes 12s, over 5s');
  });
});
