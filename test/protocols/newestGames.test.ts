/**
 * The factory's game list (readGameList: readNewestGames for the drill, readBridge for withdrawal.path,
 * exit-window and the drill's plan) against an endpoint whose reads at one block number disagree, as anvil's do while it
 * mines: a read at its head that waits behind the block being mined is answered from that new block's
 * state, and a later read at the same number from the block's own. A proxy in front of the devnet L1
 * plays it without timing: its head is block H, and the first read of the factory's gameCount is
 * answered from a later block that has one more game. The game list must come from one state — before,
 * gameAtIndex(count − 1) reverted "Array index is out of bounds" and the drill ended with exit 70.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Hex, keccak256, toFunctionSelector, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameAbi, gameExtraData, proposerWallet } from '../../src/devnet/bridge.js';
import { DEVNET_BRIDGE, DEVNET_L1_CHAIN_ID, GAME_TYPES } from '../../src/devnet/constants.js';
import { readNewestGames, readPortalRules } from '../../src/protocols/faultProofs.js';
import { readBridge } from '../../src/protocols/opStack.js';
import { ChainReader } from '../../src/rpc/reader.js';
import { Redactor } from '../../src/rpc/redact.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';

/** anvil's sixth test key: public, only ever holds devnet ether; not the proposer's, so no nonce race. */
const GAME_CREATOR = privateKeyToAccount(
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
);
const GAME_COUNT = toFunctionSelector('function gameCount()').slice(2);

interface RpcCall {
  id: unknown;
  method: string;
  params?: unknown[];
}

/**
 * Forwards to `upstream`, with `head` as the node's latest block, and the eth_calls that read gameCount
 * (alone, or among others in one multicall) answered at `ahead` instead of the block they name when
 * they are among the `nth` such reads. Counts what it rewrote.
 */
async function splitStateProxy(upstream: string, head: bigint, ahead: bigint, nth: readonly number[]) {
  const at = toHex(head);
  let countReads = 0;
  let answeredAhead = 0;
  const rewrite = (call: RpcCall): RpcCall => {
    const params = [...(call.params ?? [])];
    if (call.method === 'eth_blockNumber') return call;
    if (call.method === 'eth_getBlockByNumber' && params[0] === 'latest') params[0] = at;
    if (call.method === 'eth_getCode' && params[1] === 'latest') params[1] = at;
    if (call.method === 'eth_call') {
      const data = String((params[0] as { data?: unknown; input?: unknown }).data ?? '');
      if (data.includes(GAME_COUNT) && nth.includes(++countReads)) {
        answeredAhead += 1;
        params[1] = toHex(ahead);
      }
    }
    return { ...call, params };
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString()) as RpcCall | RpcCall[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const answers = await Promise.all(
      calls.map(async (call) => {
        if (call.method === 'eth_blockNumber') return { jsonrpc: '2.0', id: call.id, result: at };
        const reply = await fetch(upstream, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', ...rewrite(call) }),
        });
        return reply.json();
      }),
    );
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answeredAhead: () => answeredAhead,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let venue: TestVenue;
beforeAll(async () => {
  venue = await sharedTestVenue();
});

const factory = DEVNET_BRIDGE.disputeGameFactory;

/**
 * The L1 head, its game count, and a later block with one more game: what the node is mining while a
 * reader reads at the head.
 */
async function gameAheadOfHead(salt: string) {
  const l1 = venue.l1.clients.public;
  const head = await l1.getBlockNumber({ cacheTime: 0 });
  const countAt = (blockNumber: bigint) =>
    l1.readContract({ address: factory, abi: gameAbi, functionName: 'gameCount', blockNumber });
  const countAtHead = await countAt(head);
  expect(countAtHead).toBeGreaterThan(0n);
  const hash = await proposerWallet(venue.l1.clients, GAME_CREATOR).writeContract({
    address: factory,
    abi: gameAbi,
    functionName: 'create',
    args: [GAME_TYPES.cannon, keccak256(toHex(`${salt} ${head}`)) as Hex, gameExtraData(10_000_000n)],
  });
  const ahead = (await l1.waitForTransactionReceipt({ hash, pollingInterval: 50 })).blockNumber;
  expect(await countAt(ahead)).toBeGreaterThan(countAtHead);
  return { head, ahead, countAtHead };
}

const readerOf = (url: string) =>
  new ChainReader({ label: 'l1', chainId: DEVNET_L1_CHAIN_ID, urls: [url], redactor: new Redactor() });

describe('readNewestGames', () => {
  let proxy: Awaited<ReturnType<typeof splitStateProxy>> | undefined;
  afterAll(() => proxy?.close());

  // [1]: the first length (which indices to ask for) is a game ahead of the head. [1, 2]: so is the
  // list, and the games' details are read at the head, where its newest game has no code yet.
  it.each([
    [[1], 'the first length read'],
    [[1, 2], 'the list read too'],
  ])('reports the games of one state when %j (%s) is answered from a later block', async (nth) => {
    await proxy?.close();
    const { head, ahead, countAtHead } = await gameAheadOfHead(`newest-games ${nth.join()}`);
    proxy = await splitStateProxy(venue.l1.node.url, head, ahead, nth);
    const reader = readerOf(proxy.url);
    const games = await readNewestGames(reader, {
      portal: DEVNET_BRIDGE.portal,
      factory,
      // as the drill asks: the portal says whether it delegates its rules to a registry
      anchorStateRegistry: (await readPortalRules(reader, DEVNET_BRIDGE.portal)).anchorStateRegistry,
      limit: 50,
    });
    expect(proxy.answeredAhead()).toBe(nth.length);
    // The list as block `head` has it: its newest game first, every entry the one at its index there.
    expect(games[0]?.index).toBe(Number(countAtHead) - 1);
    expect(games).toHaveLength(Math.min(50, Number(countAtHead)));
    for (const game of games.slice(0, 3)) {
      const [, , address] = await venue.l1.clients.public.readContract({
        address: factory,
        abi: gameAbi,
        functionName: 'gameAtIndex',
        args: [BigInt(game.index)],
        blockNumber: head,
      });
      expect(game.address).toBe(address);
    }
  });
});

describe('readBridge (withdrawal.path, exit-window, the drill)', () => {
  it("names the newest proposal of the head's state when the first game count is a block ahead", async () => {
    const { head, ahead, countAtHead } = await gameAheadOfHead('read-bridge');
    const proxy = await splitStateProxy(venue.l1.node.url, head, ahead, [1]);
    try {
      // Before, its gameAtIndex(count − 1) at the head reverted "Array index is out of bounds".
      const bridge = await readBridge(readerOf(proxy.url), DEVNET_BRIDGE.portal);
      expect(proxy.answeredAhead()).toBe(1);
      expect(bridge.latestProposal?.index).toBeLessThan(Number(countAtHead));
    } finally {
      await proxy.close();
    }
  });
});
