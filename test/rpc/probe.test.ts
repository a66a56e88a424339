import { BaseError, ExecutionRevertedError, parseAbi, toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcEndpointError } from '../../src/core/errors.js';
import { DEVNET_BRIDGE, DEVNET_L1_CHAIN_ID } from '../../src/devnet/constants.js';
import { readIfPresent } from '../../src/rpc/probe.js';
import { ChainReader } from '../../src/rpc/reader.js';
import { Redactor } from '../../src/rpc/redact.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';

const abi = parseAbi([
  'function respectedGameTypeUpdatedAt() view returns (uint64)',
  // OptimismPortal2 3.10 (the devnet's) has no registry of its own: it reverts.
  'function anchorStateRegistry() view returns (address)',
]);
const portal = DEVNET_BRIDGE.portal;
/** An address without code: a call to it returns no data. */
const empty = '0x000000000000000000000000000000000000dEaD';

const reader = (url: string) =>
  new ChainReader({ label: 'l1', chainId: DEVNET_L1_CHAIN_ID, urls: [url], redactor: new Redactor() });
const read = (r: ChainReader, address: `0x${string}`, functionName: (typeof abi)[number]['name']) =>
  readIfPresent(r, { address, abi, functionName });

describe('readIfPresent: absent only when the contract says so', () => {
  let venue: TestVenue;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(async () => {
    await proxy?.close();
    await venue?.stop();
  });

  it('reads a function the contract has, and is undefined for a revert or no code (through Multicall3)', async () => {
    const l1 = reader(venue.l1.node.url);
    expect(await read(l1, portal, 'respectedGameTypeUpdatedAt')).toBeTypeOf('bigint');
    expect(await read(l1, portal, 'anchorStateRegistry')).toBeUndefined();
    expect(await read(l1, empty, 'anchorStateRegistry')).toBeUndefined();
  });

  it('is undefined for a revert or no code as calls of their own (no Multicall3)', async () => {
    proxy = await startFaultProxy(venue.l1.node.url, {
      kind: 'fail-calls',
      matching: 'never-in-a-call',
      hideMulticall: true,
    });
    const l1 = reader(proxy.url);
    expect(await read(l1, portal, 'respectedGameTypeUpdatedAt')).toBeTypeOf('bigint');
    expect(await read(l1, portal, 'anchorStateRegistry')).toBeUndefined();
    expect(await read(l1, empty, 'anchorStateRegistry')).toBeUndefined();
    await proxy.close();
    proxy = undefined;
  });

  it.each([
    ['alone', true],
    ['inside Multicall3', false],
  ])('rethrows the RPC failing for exactly that call (%s), never "absent"', async (_how, hideMulticall) => {
    proxy = await startFaultProxy(venue.l1.node.url, {
      kind: 'fail-calls',
      matching: toFunctionSelector('function anchorStateRegistry()').slice(2),
      hideMulticall,
    });
    const l1 = reader(proxy.url);
    const error = await read(l1, portal, 'anchorStateRegistry').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BaseError);
    expect((error as BaseError).walk((e) => e instanceof RpcEndpointError)).toMatchObject({
      cause: 'rpc-error',
      message: expect.stringMatching(/answered JSON-RPC error -32005 \(rate limited\)$/),
    });
    expect(proxy.stats().failedCalls).toBeGreaterThan(0);
    await proxy.close();
    proxy = undefined;
  });

  it.each([
    ['alone', true],
    ['inside Multicall3', false],
  ])(
    "rethrows a node condition that viem calls a revert but the node did not (%s): geth's gas cap",
    async (_how, hideMulticall) => {
      proxy = await startFaultProxy(venue.l1.node.url, {
        kind: 'fail-calls',
        matching: toFunctionSelector('function respectedGameTypeUpdatedAt()').slice(2),
        hideMulticall,
        answer: { code: -32000, message: 'gas required exceeds allowance (0)' },
      });
      const l1 = reader(proxy.url);
      const error = await read(l1, portal, 'respectedGameTypeUpdatedAt').then(
        (value) => value,
        (e: unknown) => e,
      );
      // viem does map it to ExecutionRevertedError: that is what used to read as "absent".
      expect(error).toBeInstanceOf(BaseError);
      expect((error as BaseError).walk((e) => e instanceof ExecutionRevertedError)).not.toBeNull();
      expect((error as BaseError).message).toContain('gas required exceeds allowance (0)');
      expect(proxy.stats().failedCalls).toBeGreaterThan(0);
      await proxy.close();
      proxy = undefined;
    },
  );

  it('takes a Multicall3 failure without data for absent only once the read alone says so', async () => {
    // Multicall3 answers a call that ran out of gas as it answers a revert: success=false, no data.
    proxy = await startFaultProxy(venue.l1.node.url, {
      kind: 'multicall-fails',
      matching: toFunctionSelector('function respectedGameTypeUpdatedAt()').slice(2),
    });
    const l1 = reader(proxy.url);
    expect(await l1.usesMulticall()).toBe(true);
    expect(await read(l1, portal, 'respectedGameTypeUpdatedAt')).toBeTypeOf('bigint');
    expect(proxy.stats().failedCalls).toBeGreaterThan(0);
    // A function that is not there stays absent, confirmed alone.
    expect(await read(l1, portal, 'anchorStateRegistry')).toBeUndefined();
    await proxy.close();
    proxy = undefined;
  });

  it('still counts a node\'s -32000 "execution reverted" (geth without revert data) as absent', async () => {
    proxy = await startFaultProxy(venue.l1.node.url, {
      kind: 'fail-calls',
      matching: toFunctionSelector('function anchorStateRegistry()').slice(2),
      hideMulticall: true,
      answer: { code: -32000, message: 'execution reverted' },
    });
    expect(await read(reader(proxy.url), portal, 'anchorStateRegistry')).toBeUndefined();
    expect(proxy.stats().failedCalls).toBeGreaterThan(0);
    await proxy.close();
    proxy = undefined;
  });
});
