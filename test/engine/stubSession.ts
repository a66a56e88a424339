/**
 * A venue session and checks that touch no network, for the engine's own unit tests: what they prove
 * is the runner's behaviour (timeouts, deadline, abort, concurrency), not any chain's. Real reads are
 * proven against anvil elsewhere (run.test.ts and the check tests).
 */
import { z } from 'zod';
import type { CheckInstance, Checklist } from '../../src/checklist/model.js';
import { type AnyCheckDefinition, type CheckContext, defineCheck } from '../../src/checks/define.js';
import type { VenueSession } from '../../src/engine/session.js';
import type { VenueAdapter } from '../../src/venues/adapter.js';

const unused = (what: string) => () => Promise.reject(new Error(`the stub session has no ${what}`));

const stubAdapter: VenueAdapter = {
  stack: 'evm',
  latestHead: unused('head'),
  headsEndingAt: unused('heads'),
  transactionCost: unused('transaction cost'),
  perpMarket: unused('market'),
  minPriceChange: unused('market'),
  feeTier: unused('fee tier'),
  insuranceFund: unused('insurance fund'),
};

/** A session with no chain readers at all: a fake check reads nothing from it. */
export function stubSession(overrides: Partial<VenueSession> = {}): VenueSession {
  return {
    stack: 'evm',
    capabilities: { stack: 'evm', evm: true, l1: false },
    venue: stubAdapter,
    referenceChain: () => {
      throw new Error('the stub session has no reference chains');
    },
    traffic: () => ({ httpRequests: 0, rpcCalls: 0 }),
    endpoints: () => [],
    ...overrides,
  };
}

/** A check whose `read` is the test's: it holds whenever `read` resolves. */
export function fakeCheck(read: (ctx: CheckContext) => Promise<unknown>): AnyCheckDefinition {
  return defineCheck({
    type: 'test.fake',
    concern: 'sequencer',
    summary: 'a check the test scripts',
    description: 'Reads what the test tells it to.',
    params: z.object({}),
    requires: {},
    example: {},
    read: (ctx) => read(ctx),
    evaluate: (_params, observation) => ({
      holds: true,
      observed: String(observation),
      threshold: 'anything',
      message: `read ${String(observation)}`,
    }),
  });
}

/** Never settles: only a limit can end it. */
export const hangs = fakeCheck(() => new Promise(() => {}));

export function instance(
  id: string,
  definition: AnyCheckDefinition,
  extra: Partial<CheckInstance> = {},
): CheckInstance {
  return { id, type: definition.type, definition, params: {}, severity: 'critical', tags: [], ...extra };
}

export function checklistOf(checks: CheckInstance[], timeoutMs = 10_000): Checklist {
  return {
    file: 'stub.yaml',
    version: 1,
    name: 'stub',
    venue: { name: 'stub', stack: 'evm', contracts: {} },
    defaults: { timeoutMs, severity: 'critical' },
    checks,
  };
}
