import { decodeFunctionResult, encodeFunctionResult } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path } from '../../../src/checks/withdrawal/path.js';
import { DEVNET_BRIDGE } from '../../../src/devnet/constants.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { arbitrumRollupAbi } from '../../../src/venues/arbitrum.js';
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

describe('withdrawal.path on Arbitrum (BoLD), decoding and judgement', () => {
  it("decodes the rollup's AssertionNode as nitro-contracts returns it", () => {
    const data = encodeFunctionResult({
      abi: arbitrumRollupAbi,
      functionName: 'getAssertion',
      result: {
        firstChildBlock: 1n,
        secondChildBlock: 0n,
        createdAtBlock: 21_000_000n,
        isFirstChild: true,
        status: 2,
        configHash: `0x${'ab'.repeat(32)}`,
      },
    });
    const node = decodeFunctionResult({ abi: arbitrumRollupAbi, functionName: 'getAssertion', data });
    expect(node.createdAtBlock).toBe(21_000_000n);
    expect(node.status).toBe(2);
  });

  const arbitrum: BridgeState = {
    portal: DEVNET_BRIDGE.portal,
    version: 'BoLD',
    proofSystem: 'arbitrum-bold',
    portalPaused: false,
    superchainPaused: false,
    finalizationPeriodSeconds: 45_818 * 12,
    proposals: DEVNET_BRIDGE.portal,
    latestProposal: { timestamp: 0, index: 21_000_000 },
  };
  const params = {
    rollup: DEVNET_BRIDGE.portal,
    maxFinalizationPeriod: 7 * 86_400_000,
    maxOutputAge: 8 * 86_400_000,
  };
  it('passes a 6.4-day confirm period with a confirmed assertion 7 days old', () => {
    const j = path.evaluate(params, arbitrum, 7 * 86_400_000);
    expect(j.holds).toBe(true);
    expect(j.observed).toBe('open, finalization 6d 8h, confirmed assertion 7d old');
  });
  it('fails when the Inbox is paused or confirmations stopped', () => {
    expect(path.evaluate(params, { ...arbitrum, superchainPaused: true }, 0).message).toContain(
      'the Inbox is PAUSED',
    );
    const stale = path.evaluate(params, arbitrum, 10 * 86_400_000);
    expect(stale.holds).toBe(false);
    expect(stale.message).toContain('the latest confirmed assertion is 10d old');
  });
  it('asks for exactly one of portal and rollup', () => {
    expect(path.validate?.({ ...params, rollup: undefined, portal: undefined } as never)).toContain(
      'either portal',
    );
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
