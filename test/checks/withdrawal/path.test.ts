import { decodeFunctionResult, encodeFunctionResult, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { path } from '../../../src/checks/withdrawal/path.js';
import type { CheckResult } from '../../../src/core/result.js';
import { L2_TO_L1_MESSAGE_PASSER } from '../../../src/core/wellKnown.js';
import { DEVNET_BRIDGE, DEVNET_LEGACY_BRIDGE } from '../../../src/devnet/constants.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { arbitrumRollupAbi } from '../../../src/protocols/arbitrum.js';
import {
  faultProofWithdrawalDelaySeconds,
  type GameJudgement,
  type GameView,
  portalRefusals,
} from '../../../src/protocols/faultProofs.js';
import { type BridgeState, proofSystemOf } from '../../../src/protocols/opStack.js';
import { CheckTester, contractAddress } from '../../helpers/checkTester.js';
import { startFaultProxy } from '../../helpers/faultProxy.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { applyScenario, bootOnFreePorts, runOne, runOneWithL1CallFailing } from '../../helpers/venue.js';

const CHECK = `type: withdrawal.path\nportal: "${DEVNET_BRIDGE.portal}"\nmaxFinalizationPeriod: 1m\nmaxOutputAge: 1m`;

const tester = new CheckTester(path, { limit: 'headline' });
const DAY = 86_400_000;
const portal = contractAddress('portal');
const faultProofs: BridgeState = {
  portal,
  version: '3.10.0',
  proofSystem: 'fault-proofs',
  portalPaused: false,
  superchainPaused: false,
  finalizationPeriodSeconds: 604_800,
  disputeGameFinalitySeconds: 302_400,
  proposals: contractAddress('disputeGameFactory'),
  latestProposal: { timestamp: 1_000, index: 42 },
};

describe('withdrawal.path proof system', () => {
  it('tells the proof system from the portal version', () => {
    expect(proofSystemOf('2.8.1-beta.1')).toBe('output-oracle');
    expect(proofSystemOf('3.10.0')).toBe('fault-proofs');
  });
});

tester.run(
  {
    valid: [
      {
        name: 'a fault-proof chain with a 7-day maturity and a recent game',
        params: { portal: '$portal' },
        observation: faultProofs,
        now: 1_000_000 + 30 * 60_000,
        observed: 'open, finalization 7d, dispute game 30m old',
        threshold: 'open, finalization <= 7d, dispute game <= 3h',
        limit: { value: 3 * 3600, kind: 'max' },
      },
    ],
    invalid: [
      {
        name: 'no game was ever proposed',
        params: { portal: '$portal' },
        observation: { ...faultProofs, latestProposal: undefined },
        now: 0,
        status: 'fail',
        message: 'no dispute game was ever proposed',
      },
      {
        name: 'a paused portal',
        params: { portal: '$portal' },
        observation: { ...faultProofs, portalPaused: true },
        now: 1_000_000,
        status: 'fail',
        observed: /^paused/,
        message: 'the portal is PAUSED: withdrawals can be neither proven nor finalized',
      },
    ],
    refused: [
      {
        name: 'neither portal nor rollup',
        params: {},
        error: 'give either portal (OP Stack) or rollup (Arbitrum)',
      },
      {
        name: 'an inbox without a rollup',
        params: { portal: '$portal', inbox: '$inbox' },
        error: 'inbox goes with rollup (Arbitrum)',
      },
    ],
  },
  { title: 'OP Stack, from the latest proposal' },
);

{
  const params = { portal: '$portal', maxFinalizationPeriod: '1d', maxOutputAge: '1m' };
  const game: GameView = {
    index: 7,
    address: contractAddress('game7'),
    gameType: 0,
    createdAt: 1_000,
    l2BlockNumber: 500,
    rootClaim: `0x${'11'.repeat(32)}`,
    status: 'IN_PROGRESS',
  };
  // The devnet's bridge: 6 s proof maturity, 8 s game clock + 4 s finality delay → 12 s.
  const bridge: BridgeState = {
    ...faultProofs,
    finalizationPeriodSeconds: 6,
    disputeGameFinalitySeconds: 4,
    maxClockDurationSeconds: 8,
    withdrawalDelaySeconds: 12,
    latestProposal: undefined,
  };
  const observe = (games: GameJudgement, l2SafeTimestamp = 1_000) => ({ ...bridge, games, l2SafeTimestamp });
  const honest = { ...game, l2BlockTimestamp: 990 };
  const garbage = {
    ...game,
    index: 8,
    createdAt: 1_100,
    problems: ["WRONG ROOT: its root claim is not the L2's output root at block 600"],
  };
  tester.run(
    {
      valid: [
        {
          name: 'a fresh honest game',
          params,
          observation: observe({ honest, discounted: [], scanned: 2 }),
          now: 1_030_000,
          message:
            'portal 3.10.0 open; finalization 12s (max of proof maturity 6s, game clock 8s + finality delay 4s); newest usable dispute game #7 30s old',
        },
        {
          name: 'a wrong-root game beside a fresh honest one (with the concern)',
          params,
          observation: observe({ honest, discounted: [garbage], scanned: 2 }),
          now: 1_030_000,
          message: /CONCERN: 1 game\(s\) with a WRONG ROOT/,
        },
      ],
      invalid: [
        {
          name: 'a finalization of 12 s (game clock + finality delay) over a 10 s maximum, where proof maturity alone is 6 s',
          params: { ...params, maxFinalizationPeriod: '10s' },
          observation: observe({ honest, discounted: [], scanned: 2 }),
          now: 1_030_000,
          status: 'fail',
          message: 'finalization takes 12s, over 10s',
        },
        {
          name: 'a fresh wrong-root game over a stale honest one',
          params,
          observation: observe({ honest, discounted: [garbage], scanned: 2 }),
          now: 1_090_000,
          status: 'fail',
          message: /can use \(#7\) is 1m 30s old.*CONCERN: 1 game\(s\) with a WRONG ROOT \(#8/,
        },
        {
          name: 'no usable game at all',
          params,
          observation: observe({ discounted: [garbage], scanned: 1 }),
          now: 1_030_000,
          status: 'fail',
          observed: 'no usable dispute game',
          message: /no dispute game among the newest 1 is one the portal accepts/,
        },
        {
          name: 'an honest game for an L2 block far behind the safe head',
          params,
          observation: observe({ honest, discounted: [], scanned: 1 }, 1_000 + 3_600),
          now: 1_030_000,
          status: 'fail',
          message: 'claims L2 block 500, 1h 10s behind the L2 safe head',
        },
        {
          name: 'the SuperchainConfig paused',
          params,
          observation: { ...observe({ honest, discounted: [], scanned: 2 }), superchainPaused: true },
          now: 1_030_000,
          status: 'fail',
          message: 'the SuperchainConfig is PAUSED',
        },
      ],
    },
    { title: 'fault proofs, judged games' },
  );
}

describe('which dispute games a fault-proof portal accepts (OptimismPortal2 3.x rules)', () => {
  const game: GameView = {
    index: 7,
    address: DEVNET_BRIDGE.portal,
    gameType: 0,
    createdAt: 1_000,
    l2BlockNumber: 500,
    rootClaim: `0x${'11'.repeat(32)}`,
    status: 'IN_PROGRESS',
    blacklisted: false,
  };
  const rules = { respectedGameType: 0, respectedGameTypeUpdatedAt: 900 };
  it.each([
    ['an unresolved game of the respected type', game, []],
    ['a resolved DEFENDER_WINS game', { ...game, status: 'DEFENDER_WINS' as const }, []],
    ['a CHALLENGER_WINS game', { ...game, status: 'CHALLENGER_WINS' as const }, ['resolved CHALLENGER_WINS']],
    ['a blacklisted game', { ...game, blacklisted: true }, ['blacklisted by the guardian']],
    ['a game of another type', { ...game, gameType: 1 }, ['game type 1 is not the respected type 0']],
    [
      'a game created before the type was set',
      { ...game, createdAt: 899 },
      ['retired: created before respectedGameTypeUpdatedAt'],
    ],
    [
      'a game the registry calls improper',
      { ...game, blacklisted: undefined, proper: false },
      ['not proper (blacklisted, retired or paused)'],
    ],
    [
      'a game the registry calls not respected',
      { ...game, gameType: 0, respected: false },
      ['game type 0 is not the respected type 0'],
    ],
  ] as const)('%s', (_name, input, reasons) => {
    expect(portalRefusals(input as GameView, rules)).toEqual(reasons);
  });
  it.each([
    [
      {
        proofMaturityDelaySeconds: 604_800,
        disputeGameFinalityDelaySeconds: 302_400,
        maxClockDurationSeconds: 302_400,
      },
      604_800,
    ],
    [{ proofMaturityDelaySeconds: 6, disputeGameFinalityDelaySeconds: 4, maxClockDurationSeconds: 8 }, 12],
    [{ proofMaturityDelaySeconds: 6, disputeGameFinalityDelaySeconds: 4 }, 6],
  ])('withdrawal delay of %o is %is', (delays, seconds) => {
    expect(faultProofWithdrawalDelaySeconds(delays)).toBe(seconds);
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
});

{
  const arbitrum: BridgeState = {
    portal: contractAddress('rollup'),
    version: 'BoLD',
    proofSystem: 'arbitrum-bold',
    portalPaused: false,
    superchainPaused: false,
    finalizationPeriodSeconds: 45_818 * 12,
    proposals: contractAddress('rollup'),
    latestProposal: { timestamp: 0, index: 21_000_000 },
  };
  const params = { rollup: '$rollup', inbox: '$inbox', maxFinalizationPeriod: '7d', maxOutputAge: '8d' };
  const confirmed = {
    ...arbitrum,
    latestProposal: { timestamp: 0, index: 21_000_300 },
    confirmedAssertion: {
      hash: `0x${'11'.repeat(32)}` as const,
      createdAtBlock: 21_000_300,
      createdAt: 3_600,
      parent: `0x${'22'.repeat(32)}` as const,
      inboxFixedAtBlock: 21_000_000,
      inboxFixedAt: 0,
    },
  };
  tester.run(
    {
      valid: [
        {
          name: 'a 6.4-day confirm period with a confirmed assertion 7 days old',
          params,
          observation: arbitrum,
          now: 7 * DAY,
          observed: 'open, finalization 6d 8h, confirmed assertion 7d old',
        },
        {
          name: "a confirmed assertion's age counts from its parent's creation, when its inbox was fixed",
          params,
          observation: confirmed,
          now: 7 * DAY,
          message:
            "latest confirmed assertion #21000300 7d old (counted from its parent's creation at L1 block 21000000",
        },
      ],
      invalid: [
        {
          name: 'the Inbox paused: nobody can force inclusion',
          params,
          observation: { ...arbitrum, superchainPaused: true },
          now: 7 * DAY,
          status: 'fail',
          message: 'the Inbox is PAUSED',
        },
        {
          name: 'the rollup paused',
          params,
          observation: { ...arbitrum, portalPaused: true },
          now: 7 * DAY,
          status: 'fail',
          message: 'the rollup is PAUSED: no assertion can be made or confirmed',
        },
        {
          name: 'confirmations stopped',
          params,
          observation: arbitrum,
          now: 10 * DAY,
          status: 'fail',
          message: 'the latest confirmed assertion is 10d old (validator stalled?)',
        },
        {
          name: "a stale confirmed assertion says its age counts from its parent's creation",
          params,
          observation: confirmed,
          now: 9 * DAY,
          status: 'fail',
          message:
            /^the latest confirmed assertion is 9d old \(validator stalled\?\): #21000300 confirms the inbox as it stood at its parent's creation \(L1 block 21000000\), and the age counts from there$/,
        },
      ],
    },
    { title: 'Arbitrum (BoLD)' },
  );
}

describe('withdrawal.path on the devnet (fault proofs: OptimismPortal2, DisputeGameFactory)', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  const run = (check = CHECK, options: { now?: () => number } = {}) =>
    runOne(venue.node.url, check, venue.l1.node.url, options);
  const withAge = (age: string) => CHECK.replace('maxOutputAge: 1m', `maxOutputAge: ${age}`);

  it('passes on the open bridge with a live proposer, naming the addresses it read', async () => {
    const result = await run();
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(
      /^portal 3\.10\.0 open; finalization 12s \(max of proof maturity 6s, game clock 8s \+ finality delay 4s\); newest usable dispute game #\d+ [\d.]+m?s old, its root checked against the L2$/,
    );
    expect(result.status === 'pass' && result.evidence).toMatchObject({
      portal: DEVNET_BRIDGE.portal,
      proposals: DEVNET_BRIDGE.disputeGameFactory,
      superchainConfig: DEVNET_BRIDGE.superchainConfig,
      proofSystem: 'fault-proofs',
      withdrawalDelaySeconds: 12,
      respectedGameType: 0,
    });
  });

  it('fails when the bridge is paused', async () => {
    await applyScenario(venue, 'paused-bridge');
    try {
      const result = await run();
      expect(result.status).toBe('fail');
      expect(result.message).toContain('the SuperchainConfig is PAUSED');
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('fails when the proposer has stalled for longer than maxOutputAge', async () => {
    await applyScenario(venue, 'proposer-stalled');
    try {
      // The run's clock 3.5 s ahead instead of a sleep: every game, even one in flight at the stall, reads ≥ 3.5 s old.
      const result = await run(withAge('3s'), { now: () => Date.now() + 3_500 });
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(
        /the newest dispute game a withdrawal can use \(#\d+\) is [\d.]+s old \(proposer stalled\?\)/,
      );
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it("garbage-game: an outsider's wrong-root game does not keep it green while the proposer is stalled", async () => {
    await applyScenario(venue, 'proposer-stalled');
    try {
      // Every honest game is now older than the 4 s maximum; the outsider's game is newer.
      await new Promise((r) => setTimeout(r, 4_500));
      await applyScenario(venue, 'garbage-game');
      const result = await run(withAge('4s'));
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/the newest dispute game a withdrawal can use \(#\d+\) is [\d.]+s old/);
      expect(result.message).toMatch(/WRONG ROOT.*CONCERN: 1 game\(s\) with a WRONG ROOT \(#\d+ 0x/);
    } finally {
      await applyScenario(venue, 'healthy');
    }
    // healthy: the honest games are newer again; the wrong-root game is still reported, as a concern.
    const healed = await run();
    expect(healed.status).toBe('pass');
  });

  it('games-retired: every game retired by the guardian counts for nothing', async () => {
    await applyScenario(venue, 'games-retired');
    try {
      const result = await run();
      expect(result.status).toBe('fail');
      expect(result.message).toContain(
        "is one the portal accepts with the chain's output root: no withdrawal can be proven",
      );
      expect(result.message).toContain('retired: created before respectedGameTypeUpdatedAt');
    } finally {
      await applyScenario(venue, 'healthy');
    }
    const healed = await run();
    expect(healed.status, healed.message).toBe('pass');
  });

  it('game-type-changed: games of the old type, and of the new type from before the switch, do not count', async () => {
    await applyScenario(venue, 'game-type-changed');
    try {
      const result = await run();
      expect(result.status).toBe('fail');
      expect(result.message).toContain('game type 0 is not the respected type 1');
      expect(result.message).toContain('retired: created before respectedGameTypeUpdatedAt');
    } finally {
      await applyScenario(venue, 'healthy');
    }
    const healed = await run();
    expect(healed.status, healed.message).toBe('pass');
  });
});

/**
 * Each of these reads used to be taken for "the portal has no such function" whatever the failure,
 * dropping the rule it carries.
 */
const withOneReadFailing = (
  venue: { node: { url: string }; l1: { node: { url: string } } },
  signature: string,
  check = CHECK,
) => runOneWithL1CallFailing(venue, signature, check);

describe('withdrawal.path when the L1 RPC fails for one optional read: error, never the rule dropped', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());
  const expectRpcError = (result: CheckResult) => {
    expect(result.status, result.message).toBe('error');
    expect(result.message).toContain('answered JSON-RPC error -32005 (rate limited)');
  };

  it('an L2 endpoint failing eth_getProof is said as the RPC failure, not as a node without the state', async () => {
    // The output root is recomputed from the message passer's storage proof: a rate-limited proof read
    // was reported as "an archive L2 endpoint is needed", which the drill takes for a lasting failure.
    const proxy = await startFaultProxy(venue.node.url, {
      kind: 'fail-calls',
      matching: L2_TO_L1_MESSAGE_PASSER.slice(2),
    });
    try {
      const result = await runOne(proxy.url, CHECK, venue.l1.node.url);
      expect(proxy.stats().failedCalls, 'no eth_getProof of the message passer was made').toBeGreaterThan(0);
      expectRpcError(result);
      expect(result.message).not.toContain('archive');
    } finally {
      await proxy.close();
    }
  });

  it('respectedGameTypeUpdatedAt: retired games are not counted as usable (was a pass)', async () => {
    await applyScenario(venue, 'games-retired');
    try {
      expectRpcError(await withOneReadFailing(venue, 'function respectedGameTypeUpdatedAt()'));
    } finally {
      await applyScenario(venue, 'healthy');
    }
  });

  it('anchorStateRegistry: the registry is not taken for absent (was a pass)', async () => {
    expectRpcError(await withOneReadFailing(venue, 'function anchorStateRegistry()'));
  });

  it('superchainConfig: its pause is not taken for absent (was a pass)', async () => {
    expectRpcError(await withOneReadFailing(venue, 'function superchainConfig()'));
  });

  it('maxClockDuration: the game clock is not left out of the withdrawal delay (was a pass at 6s under 10s)', async () => {
    expectRpcError(
      await withOneReadFailing(
        venue,
        'function maxClockDuration()',
        CHECK.replace('maxFinalizationPeriod: 1m', 'maxFinalizationPeriod: 10s'),
      ),
    );
  });
});

describe('withdrawal.path when Multicall3 reports an optional read failed without data (as it does for out of gas)', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());

  it('maxClockDuration is read on its own and still counts: 12s over 10s fails (was a pass at 6s)', async () => {
    const proxy = await startFaultProxy(venue.l1.node.url, {
      kind: 'multicall-fails',
      matching: toFunctionSelector('function maxClockDuration()').slice(2),
    });
    try {
      const result = await runOne(
        venue.node.url,
        CHECK.replace('maxFinalizationPeriod: 1m', 'maxFinalizationPeriod: 10s'),
        proxy.url,
      );
      expect(proxy.stats().failedCalls, 'no aggregate3 carried maxClockDuration()').toBeGreaterThan(0);
      expect(result.status, result.message).toBe('fail');
      expect(result.message).toBe('finalization takes 12s, over 10s');
    } finally {
      await proxy.close();
    }
  });
});

describe('withdrawal.path on a legacy devnet (L2OutputOracle + OptimismPortal 2.x)', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await bootOnFreePorts({ proofSystem: 'output-oracle' });
  });
  afterAll(() => venue?.stop());
  const LEGACY = CHECK.replace(DEVNET_BRIDGE.portal, DEVNET_LEGACY_BRIDGE.portal);

  it('passes with a live proposer, reading the oracle the portal names', async () => {
    const result = await runOne(venue.node.url, LEGACY, venue.l1.node.url);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/portal 2\.8\.1-beta\.1 open; finalization 12s; latest output root #\d+/);
    expect(result.status === 'pass' && result.evidence).toMatchObject({
      portal: DEVNET_LEGACY_BRIDGE.portal,
      proposals: DEVNET_LEGACY_BRIDGE.l2OutputOracle,
      proofSystem: 'output-oracle',
    });
  });

  it('fails when the proposer has stalled for longer than maxOutputAge', async () => {
    await applyScenario(venue, 'proposer-stalled');
    try {
      // The run's clock 3.5 s ahead instead of a sleep: every output root, even one in flight, reads ≥ 3.5 s old.
      const result = await runOne(
        venue.node.url,
        LEGACY.replace('maxOutputAge: 1m', 'maxOutputAge: 3s'),
        venue.l1.node.url,
        { now: () => Date.now() + 3_500 },
      );
      expect(result.status).toBe('fail');
      expect(result.message).toMatch(/the latest output root is [\d.]+s old \(proposer stalled\?\)/);
    } finally {
      await applyScenario(venue, 'healthy');
    }
    expect((await runOne(venue.node.url, LEGACY, venue.l1.node.url)).status).toBe('pass');
  });

  it('latestOutputIndex failing is an error, not "no output root was ever proposed" (was a fail)', async () => {
    const result = await withOneReadFailing(venue, 'function latestOutputIndex()', LEGACY);
    expect(result.status, result.message).toBe('error');
    expect(result.message).toContain('answered JSON-RPC error -32005 (rate limited)');
  });
});
