/** What a venue session is built of, from the checklist alone (nothing here touches the network). */
import { describe, expect, it } from 'vitest';
import type { Checklist } from '../../src/checklist/model.js';
import { createVenueSession } from '../../src/engine/session.js';
import { Redactor } from '../../src/rpc/redact.js';
import { EvmAdapter } from '../../src/venues/adapter.js';
import { DydxAdapter } from '../../src/venues/dydx.js';
import { checklistOf } from './stubSession.js';

const options = {
  redactor: new Redactor(),
  signal: new AbortController().signal,
  now: Date.now,
  checkTimeoutMs: 10_000,
};
const withVenue = (venue: Partial<Checklist['venue']>): Checklist => {
  const checklist = checklistOf([]);
  return { ...checklist, venue: { ...checklist.venue, ...venue } };
};
const L2 = { chainId: 901, rpc: ['http://127.0.0.1:1/l2'] };
const L1 = { chainId: 900, rpc: ['http://127.0.0.1:1/l1'] };

describe('createVenueSession', () => {
  it('answers an EVM venue through its L2 reader, with an L1 when the checklist declares one', () => {
    const session = createVenueSession(withVenue({ stack: 'op-stack', l2: L2, l1: L1 }), options);
    expect(session.venue).toBeInstanceOf(EvmAdapter);
    expect(session.l2?.chainId).toBe(901);
    expect(session.l1?.chainId).toBe(900);
    expect(session.capabilities).toEqual({ stack: 'op-stack', evm: true, l1: true });
    expect(session.endpoints().map((e) => e.chain)).toEqual(['l2', 'l1']);
    expect(session.traffic()).toEqual({ httpRequests: 0, rpcCalls: 0 });
  });

  it('answers dYdX v4 through its own APIs and offers no EVM chain', () => {
    const dydx = {
      network: 'dydx-testnet-4',
      indexer: 'http://127.0.0.1:1/v4',
      rpc: ['http://127.0.0.1:1'],
      rest: 'http://127.0.0.1:1',
    };
    const session = createVenueSession(withVenue({ stack: 'dydx-v4', dydx }), options);
    expect(session.venue).toBeInstanceOf(DydxAdapter);
    expect(session.l2).toBeUndefined();
    expect(session.capabilities).toEqual({ stack: 'dydx-v4', evm: false, l1: false });
  });

  it('keeps one reader per reference chain and endpoints, and reports its endpoints', () => {
    const session = createVenueSession(withVenue({ stack: 'evm', l2: L2 }), options);
    const a = session.referenceChain({ chainId: 1, rpc: ['http://127.0.0.1:1/a'] });
    expect(session.referenceChain({ chainId: 1, rpc: ['http://127.0.0.1:1/a'] })).toBe(a);
    expect(session.referenceChain({ chainId: 1, rpc: ['http://127.0.0.1:1/b'] })).not.toBe(a);
    expect(session.endpoints().map((e) => e.chain)).toEqual(['l2', 'reference', 'reference']);
  });
});
