import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../src/checks/index.js';
import {
  capabilitiesOf,
  describeRequirements,
  type Requirements,
  unmetRequirements,
  type VenueCapabilities,
} from '../../src/checks/requires.js';

const OP: VenueCapabilities = { stack: 'op-stack', evm: true, l1: true };
const OP_NO_L1: VenueCapabilities = { stack: 'op-stack', evm: true, l1: false };
const ARBITRUM: VenueCapabilities = { stack: 'arbitrum', evm: true, l1: true };
const DYDX: VenueCapabilities = { stack: 'dydx-v4', evm: false, l1: false };

const requires = (type: string) => checkRegistry.get(type)?.requires as Requirements;

describe('unmetRequirements', () => {
  it.each([
    // type, params, venue, what is missing (by the parameter it points at, or the check itself)
    ['oracle.market', { market: 'BTC-USD' }, OP, [[undefined, 'runs on dydx-v4 only']]],
    ['insurance.venue-fund', { min: 1 }, ARBITRUM, [[undefined, 'runs on dydx-v4 only']]],
    ['oracle.market', { market: 'BTC-USD' }, DYDX, []],
    ['sequencer.head-age', { max: 1 }, DYDX, []],
    ['sequencer.head-age', { max: 1 }, OP_NO_L1, []],
    ['reorg.probe', { depth: 1 }, DYDX, [[undefined, 'reads EVM state']]],
    // the check needs an EVM L2, and so does its feed: said once
    ['oracle.chainlink', { feed: '0x1' }, DYDX, [[undefined, 'reads EVM state']]],
    ['sequencer.batch-age', { sequencerInbox: '0x1' }, OP_NO_L1, [[undefined, 'reads L1']]],
    ['withdrawal.path', { portal: '0x1' }, OP_NO_L1, [['portal', 'reads L1']]],
    ['withdrawal.path', { rollup: '0x1', inbox: '0x2' }, OP_NO_L1, [['rollup', 'reads L1']]],
    ['withdrawal.path', { portal: '0x1' }, OP, []],
    [
      'governance.exit-window',
      { admin: '0x1', withdrawalDelay: 1, on: 'l1' },
      OP_NO_L1,
      [['admin', 'reads L1']],
    ],
    ['governance.exit-window', { admin: '0x1', withdrawalDelay: 1, on: 'l2' }, OP_NO_L1, []],
    ['governance.exit-window', { admin: '0x1', portal: '0x2', on: 'l2' }, OP_NO_L1, [['portal', 'reads L1']]],
    ['fees.breakeven', { feeTier: '1' }, OP, [['feeTier', 'runs on dydx-v4 only']]],
    ['fees.breakeven', { takerFeeBps: 1 }, OP, []],
    ['fees.breakeven', { feeTier: '1', fundingMarket: 'BTC-USD' }, DYDX, []],
    ['withdrawal.drill', {}, ARBITRUM, [[undefined, 'runs on op-stack or evm only']]],
  ] as const)('%s with %j on %j', (type, params, venue, expected) => {
    const unmet = unmetRequirements(requires(type), params, venue);
    expect(unmet.map((u) => [u.param, u.missing])).toEqual(
      expected.map(([param, text]) => [param, expect.stringContaining(text)]),
    );
    for (const u of unmet) expect(u.expected).toBeTruthy();
  });

  it('reads what a venue offers from its declaration', () => {
    expect(capabilitiesOf({ stack: 'dydx-v4' })).toEqual(DYDX);
    expect(capabilitiesOf({ stack: 'op-stack', l1: { chainId: 1, rpc: [] } })).toEqual(OP);
  });
});

describe('describeRequirements', () => {
  it('says what each check needs, for explain', () => {
    expect(describeRequirements(requires('oracle.market'))).toEqual(['stack dydx-v4']);
    expect(describeRequirements(requires('sequencer.head-age'))).toEqual([
      'nothing beyond the venue: runs on every stack',
    ]);
    expect(describeRequirements(requires('withdrawal.path'))).toContain(
      '`portal`: a contract on L1 (needs venue.l1)',
    );
    expect(describeRequirements(requires('fees.breakeven'))).toContain('with `feeTier`: stack dydx-v4');
  });

  it('every check declares its needs', () => {
    for (const definition of checkRegistry.values())
      expect(definition.requires, definition.type).toBeDefined();
  });
});

describe('stackDefaults', () => {
  it('every per-stack default parses with the check’s own schema', () => {
    for (const definition of checkRegistry.values()) {
      for (const [stack, values] of Object.entries(definition.stackDefaults ?? {})) {
        const parsed = definition.params.partial().strict().safeParse(values);
        expect(parsed.success, `${definition.type} on ${stack}: ${parsed.error?.message}`).toBe(true);
      }
    }
  });
});
