/**
 * Which errors end a drill's poll as a failed read (said, then tried again) and which end the drill:
 * each made by the real thing against a bare anvil — a read that reverts, a transaction the node
 * refuses, an endpoint that is not there — not built by hand.
 */
import { createPublicClient, createWalletClient, type Hex, http, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainMismatchError } from '../../src/core/errors.js';
import { type AnvilNode, freePort, startAnvil } from '../../src/devnet/anvil.js';
import { pollFailure, retryDelayMs } from '../../src/drill/pollFailure.js';
import { ChainReader } from '../../src/rpc/reader.js';
import { Redactor } from '../../src/rpc/redact.js';

/** anvil's first test key: public, only ever holds devnet ether. */
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** Deploys runtime code that reverts whatever it is called with (PUSH1 0 PUSH1 0 REVERT). */
const REVERTER_INITCODE: Hex = '0x6460006000fd6000526005601bf3';
const abi = parseAbi(['function gameCount() view returns (uint256)']);
const chain = {
  id: 31337,
  name: 'anvil',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [] as string[] } },
};

let node: AnvilNode;
let reverter: Hex;
/** A loopback port nothing listens on. */
let closedUrl: string;

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

beforeAll(async () => {
  node = await startAnvil({ port: await freePort(), chainId: 31337 });
  closedUrl = `http://127.0.0.1:${await freePort()}/v2/sk_live_pollkey`;
  const wallet = createWalletClient({ chain, transport: http(node.url), account: privateKeyToAccount(KEY) });
  const client = createPublicClient({ chain, transport: http(node.url) });
  const hash = await wallet.deployContract({ abi: [], bytecode: REVERTER_INITCODE });
  reverter = (await client.waitForTransactionReceipt({ hash })).contractAddress as Hex;
});
afterAll(() => node?.stop());

describe('pollFailure', () => {
  it('retries a contract read that reverted', async () => {
    const client = createPublicClient({ chain, transport: http(node.url) });
    const error = await rejection(client.readContract({ address: reverter, abi, functionName: 'gameCount' }));
    expect(pollFailure(error)).toMatch(/^a read reverted: .*gameCount/);
    expect(pollFailure(error)).not.toContain('\n');
  });

  it('retries a read through the run reader whose endpoint is down, naming it redacted', async () => {
    const reader = new ChainReader({
      label: 'l1',
      chainId: 31337,
      urls: [closedUrl],
      redactor: new Redactor(),
    });
    const error = await rejection(reader.readContract({ address: reverter, abi, functionName: 'gameCount' }));
    expect(pollFailure(error)).toMatch(/^l1 RPC #1 http:\/\/127\.0\.0\.1:\d+\/… refused the connection$/);
  });

  it("retries a failed request of viem's own transport (the drill's wallet and public clients)", async () => {
    const client = createPublicClient({ chain, transport: http(closedUrl, { retryCount: 0 }) });
    const error = await rejection(client.getBlockNumber());
    expect(pollFailure(error)).toMatch(/^RPC http:\/\/127\.0\.0\.1:\d+\/… refused the connection$/);
  });

  it('ends the drill on a transaction the node refuses while it is prepared', async () => {
    const wallet = createWalletClient({
      chain,
      transport: http(node.url),
      account: privateKeyToAccount(KEY),
    });
    const error = await rejection(wallet.sendTransaction({ to: reverter, data: '0x01' }));
    expect(pollFailure(error)).toBeUndefined();
  });

  it('ends the drill on a live endpoint of another chain, and on anything unplanned (a bug)', () => {
    expect(
      pollFailure(new ChainMismatchError('l1', '#1', 'wrong-chain', 'serves chain id 5')),
    ).toBeUndefined();
    expect(
      pollFailure(new TypeError("Cannot read properties of undefined (reading 'status')")),
    ).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('waits 1 s after the first failed poll, doubling, at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(retryDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
