/**
 * A fault-injecting JSON-RPC proxy for tests: sits between l2preflight and a devnet anvil on loopback
 * and misbehaves on demand (latency, hangs, HTTP errors, truncated or garbage bodies, reordered or
 * partial batches, a wrong chain id, huge bodies, a consistent view that is N blocks behind).
 *
 * Bounded on purpose, because a test that leaks a hanging socket or a 50 MB buffer takes the suite
 * down with it: loopback targets only, capped request and upstream bodies, capped connections, and a
 * lifetime timer (unref'd) after which the proxy closes itself. close() destroys every socket, so a
 * `hang` leaves nothing behind.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionResult,
  type Hex,
  multicall3Abi,
} from 'viem';
import { MULTICALL3 } from '../../src/core/wellKnown.js';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'latency'; ms: number }
  | { kind: 'hang' }
  | { kind: 'status'; code: number }
  | { kind: 'refuse' }
  | { kind: 'truncate' }
  | { kind: 'garbage' }
  | { kind: 'reorder' }
  | { kind: 'partial' }
  /** Every batch answer starts with a `null`-id error entry (the spec's answer to an unreadable call). */
  | { kind: 'stray-null-id' }
  | { kind: 'wrong-chain'; chainId: number }
  | { kind: 'huge'; bytes: number }
  | { kind: 'stale'; blocks: number }
  /**
   * Only the calls whose params contain `matching` (a function selector, say) fail, each answered with
   * a JSON-RPC rate-limit error where its result would be — what a provider sends for a batch entry
   * over its quota; the rest of the batch is answered. `hideMulticall` answers eth_getCode of
   * Multicall3 with no code, so each contract read is an eth_call of its own: inside an aggregate3,
   * failing one read would take the reads beside it down too. `answer` is the JSON-RPC error to
   * answer with instead (a node's own condition, say geth's -32000 "gas required exceeds allowance").
   */
  | {
      kind: 'fail-calls';
      matching: string;
      hideMulticall?: boolean;
      answer?: { code: number; message: string };
    }
  /**
   * Inside each Multicall3 aggregate3 call, the calls whose calldata contains `matching` are reported
   * as failed with no data (success=false, returnData 0x): what Multicall3 answers for a call that ran
   * out of gas, exactly as for a revert without reason. Each such call answers when made on its own.
   */
  | { kind: 'multicall-fails'; matching: string };

export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode): void;
  /** HTTP requests received, and JSON-RPC calls in them (a batch counts each of its calls). */
  stats(): { requests: number; calls: number; failedCalls: number };
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The proxy closes itself after this long, so a test that forgets close() cannot hang the run. */
  lifetimeMs?: number;
}

/**
 * In every `garbage` body: looks like a provider API key, so tests can assert that response bytes are
 * never echoed into messages or reports.
 */
export const GARBAGE_SECRET = 'sk_live_FAULTPROXY7d3f9a2b41c6e8053';
/** The body `garbage` answers with: an HTML error page (what a misconfigured gateway serves). */
export const GARBAGE_BODY = `<html><head><title>502 Bad Gateway</title></head><body>upstream error \u0000\u00ff key=${GARBAGE_SECRET}</body></html>`;

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const MAX_UPSTREAM_BYTES = 32 * 1024 * 1024;
const MAX_CONNECTIONS = 128;
const MAX_HUGE_BYTES = 256 * 1024 * 1024;
const DEFAULT_LIFETIME_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

interface RpcCall {
  jsonrpc?: string;
  id?: unknown;
  method?: string;
  params?: unknown[];
}
interface RpcReply {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

/** Where each method takes its block tag or number (index into params). */
const BLOCK_PARAM: Record<string, number> = {
  eth_call: 1,
  eth_getBalance: 1,
  eth_getCode: 1,
  eth_getTransactionCount: 1,
  eth_getStorageAt: 2,
  eth_getProof: 2,
  eth_estimateGas: 1,
  eth_createAccessList: 1,
  eth_getBlockByNumber: 0,
  eth_getBlockTransactionCountByNumber: 0,
  eth_getBlockReceipts: 0,
  eth_feeHistory: 1,
};
/** Methods whose answer carries a block number: null when that block is newer than the stale view. */
const BY_HASH = new Set([
  'eth_getBlockByHash',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_getBlockTransactionCountByHash',
]);

export async function startFaultProxy(
  target: string,
  mode: FaultMode = { kind: 'pass' },
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:' || !LOOPBACK.has(upstream.hostname)) {
    throw new Error(
      `fault proxy: target must be an http loopback URL, got ${upstream.protocol}//${upstream.hostname}`,
    );
  }
  let current: FaultMode = mode;
  let requests = 0;
  let calls = 0;
  let failedCalls = 0;
  let closed = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  /** One POST to the target, its body capped. */
  function forward(body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        upstream,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_UPSTREAM_BYTES) {
              req.destroy(new Error('fault proxy: upstream body over the cap'));
              return;
            }
            chunks.push(chunk);
          });
          res.once('end', () =>
            resolve({ status: res.statusCode ?? 502, text: Buffer.concat(chunks).toString() }),
          );
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  async function forwardJson(payload: unknown): Promise<unknown> {
    const { text } = await forward(JSON.stringify(payload));
    return JSON.parse(text);
  }

  /** The stale view: the target's head, and its safe/finalized heads, all shifted N blocks back. */
  async function staleView(blocks: number, needTags: boolean) {
    const probe: RpcCall[] = [{ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }];
    if (needTags) {
      probe.push(
        { jsonrpc: '2.0', id: 2, method: 'eth_getBlockByNumber', params: ['safe', false] },
        { jsonrpc: '2.0', id: 3, method: 'eth_getBlockByNumber', params: ['finalized', false] },
      );
    }
    const replies = (await forwardJson(probe)) as RpcReply[];
    const byId = new Map(replies.map((r) => [r.id, r]));
    const shift = BigInt(blocks);
    const back = (n: bigint) => (n > shift ? n - shift : 0n);
    const head = back(BigInt(byId.get(1)?.result as string));
    const tagged = (id: number) => {
      const block = byId.get(id)?.result as { number?: string } | null | undefined;
      return block?.number ? back(BigInt(block.number)) : head;
    };
    return { head, safe: needTags ? tagged(2) : head, finalized: needTags ? tagged(3) : head };
  }

  function rewriteTag(value: unknown, view: { head: bigint; safe: bigint; finalized: bigint }): unknown {
    if (value === undefined || value === 'latest' || value === 'pending') return hex(view.head);
    if (value === 'safe') return hex(view.safe);
    if (value === 'finalized') return hex(view.finalized);
    if (typeof value === 'string' && value.startsWith('0x') && BigInt(value) > view.head)
      return hex(view.head);
    if (typeof value === 'object' && value !== null && 'blockNumber' in value) {
      const pinned = (value as { blockNumber: unknown }).blockNumber;
      return { ...value, blockNumber: rewriteTag(pinned, view) };
    }
    return value;
  }

  /** Answers a stale view: eth_blockNumber is head − N, every read is pinned at or below it. */
  async function stale(parsed: RpcCall | RpcCall[], blocks: number): Promise<unknown> {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const text = JSON.stringify(list);
    const view = await staleView(blocks, text.includes('"safe"') || text.includes('"finalized"'));
    const answered = new Map<unknown, RpcReply>();
    const sent: RpcCall[] = [];
    for (const call of list) {
      const method = call.method ?? '';
      if (method === 'eth_blockNumber') {
        answered.set(call.id, { jsonrpc: '2.0', id: call.id, result: hex(view.head) });
        continue;
      }
      const params = Array.isArray(call.params) ? [...call.params] : [];
      const at = BLOCK_PARAM[method];
      const asked = at === undefined ? undefined : params[at];
      const pinned = (asked as { blockNumber?: unknown } | undefined)?.blockNumber ?? asked;
      if (typeof pinned === 'string' && pinned.startsWith('0x') && BigInt(pinned) > view.head) {
        // A node that is behind does not have the block: geth answers a block query with null and a
        // state query with "header not found"; it never answers from an older block.
        answered.set(
          call.id,
          method === 'eth_getBlockByNumber' || method === 'eth_getBlockTransactionCountByNumber'
            ? { jsonrpc: '2.0', id: call.id, result: null }
            : { jsonrpc: '2.0', id: call.id, error: { code: -32000, message: 'header not found' } },
        );
        continue;
      }
      if (at !== undefined) {
        params[at] = rewriteTag(params[at], view);
      } else if (method === 'eth_getLogs' && typeof params[0] === 'object' && params[0] !== null) {
        const filter = { ...(params[0] as Record<string, unknown>) };
        if (!('blockHash' in filter)) {
          const from = rewriteTag(filter.fromBlock ?? 'latest', view) as string;
          const to = rewriteTag(filter.toBlock ?? 'latest', view) as string;
          if (typeof filter.fromBlock === 'string' && filter.fromBlock.startsWith('0x')) {
            if (BigInt(filter.fromBlock) > view.head) {
              answered.set(call.id, { jsonrpc: '2.0', id: call.id, result: [] });
              continue;
            }
          }
          filter.fromBlock = from;
          filter.toBlock = to;
        }
        params[0] = filter;
      }
      sent.push({ ...call, params });
    }
    const replies = sent.length > 0 ? ((await forwardJson(sent)) as RpcReply[]) : [];
    const methodOf = new Map(sent.map((c) => [c.id, c.method ?? '']));
    for (const reply of Array.isArray(replies) ? replies : [replies]) {
      const method = methodOf.get(reply.id) ?? '';
      let result = reply.result;
      const newer = (value: unknown) => {
        const n =
          (value as { blockNumber?: string; number?: string } | null)?.blockNumber ??
          (value as { number?: string } | null)?.number;
        return typeof n === 'string' && BigInt(n) > view.head;
      };
      if (BY_HASH.has(method) && newer(result)) result = null;
      if (method === 'eth_getLogs' && Array.isArray(result)) result = result.filter((log) => !newer(log));
      answered.set(reply.id, { ...reply, result });
    }
    const ordered = list.map((c) => answered.get(c.id)).filter((r) => r !== undefined);
    return Array.isArray(parsed) ? ordered : ordered[0];
  }

  /** `fail-calls`: forwards the calls that do not match, answers the ones that do with an error. */
  async function failCalls(
    parsed: RpcCall | RpcCall[],
    fault: Extract<FaultMode, { kind: 'fail-calls' }>,
  ): Promise<unknown> {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const matching = fault.matching.toLowerCase();
    const fails = (c: RpcCall) =>
      JSON.stringify(c.params ?? [])
        .toLowerCase()
        .includes(matching);
    const hidden = (c: RpcCall) =>
      fault.hideMulticall === true &&
      c.method === 'eth_getCode' &&
      String(c.params?.[0]).toLowerCase() === MULTICALL3.toLowerCase();
    const forwarded = list.filter((c) => !fails(c) && !hidden(c));
    const replies = forwarded.length > 0 ? await forwardJson(forwarded) : [];
    const byId = new Map((Array.isArray(replies) ? replies : [replies]).map((r: RpcReply) => [r.id, r]));
    const answers = list.map((c): RpcReply | undefined => {
      if (hidden(c)) return { jsonrpc: '2.0', id: c.id, result: '0x' };
      if (!fails(c)) return byId.get(c.id);
      failedCalls += 1;
      return {
        jsonrpc: '2.0',
        id: c.id,
        error: fault.answer ?? { code: -32005, message: 'request rate exceeded' },
      };
    });
    return Array.isArray(parsed) ? answers : answers[0];
  }

  /** `multicall-fails`: forwards everything, then marks the matching calls inside aggregate3 as failed. */
  async function multicallFails(parsed: RpcCall | RpcCall[], matching: string): Promise<unknown> {
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const replies = await forwardJson(list);
    const byId = new Map((Array.isArray(replies) ? replies : [replies]).map((r: RpcReply) => [r.id, r]));
    const answers = list.map((call): RpcReply | undefined => {
      const reply = byId.get(call.id);
      const request = call.params?.[0] as { to?: string; data?: Hex; input?: Hex } | undefined;
      const data = request?.data ?? request?.input;
      if (
        call.method !== 'eth_call' ||
        request?.to?.toLowerCase() !== MULTICALL3.toLowerCase() ||
        !data ||
        typeof reply?.result !== 'string'
      )
        return reply;
      const { functionName, args } = decodeFunctionData({ abi: multicall3Abi, data });
      if (functionName !== 'aggregate3') return reply;
      const [calls] = args;
      const results = decodeFunctionResult({
        abi: multicall3Abi,
        functionName: 'aggregate3',
        data: reply.result as Hex,
      });
      const rewritten = results.map((result, i) => {
        if (!calls[i]?.callData.toLowerCase().includes(matching.toLowerCase())) return result;
        failedCalls += 1;
        return { success: false, returnData: '0x' as Hex };
      });
      return {
        ...reply,
        result: encodeFunctionResult({ abi: multicall3Abi, functionName: 'aggregate3', result: rewritten }),
      };
    });
    return Array.isArray(parsed) ? answers : answers[0];
  }

  /** Rewrites a forwarded answer for the body-level modes. */
  function rewrite(parsed: RpcCall | RpcCall[], reply: unknown, fault: FaultMode): unknown {
    if (fault.kind === 'reorder' && Array.isArray(reply)) return [...reply].reverse();
    if (fault.kind === 'partial' && Array.isArray(reply) && reply.length > 1) return reply.slice(0, -1);
    if (fault.kind === 'stray-null-id' && Array.isArray(reply))
      return [{ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } }, ...reply];
    if (fault.kind === 'wrong-chain') {
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const chainCalls = new Set(list.filter((c) => c.method === 'eth_chainId').map((c) => c.id));
      const netCalls = new Set(list.filter((c) => c.method === 'net_version').map((c) => c.id));
      const fix = (r: RpcReply): RpcReply => {
        if (chainCalls.has(r.id)) return { ...r, result: hex(BigInt(fault.chainId)) };
        if (netCalls.has(r.id)) return { ...r, result: String(fault.chainId) };
        return r;
      };
      return Array.isArray(reply) ? (reply as RpcReply[]).map(fix) : fix(reply as RpcReply);
    }
    return reply;
  }

  function later(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      then();
    }, ms);
    timers.add(timer);
  }

  function send(response: ServerResponse, status: number, body: string): void {
    if (response.destroyed || response.writableEnded) return;
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  }

  /** `huge`: a valid JSON-RPC answer whose result is `bytes` long, streamed (never held in memory). */
  function streamHuge(response: ServerResponse, id: unknown, bytes: number): void {
    const total = Math.min(Math.max(bytes, 64), MAX_HUGE_BYTES);
    const head = `{"jsonrpc":"2.0","id":${JSON.stringify(id ?? 1)},"result":"0x`;
    const tail = '"}';
    const fill = total - head.length - tail.length;
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': head.length + Math.max(fill, 0) + tail.length,
    });
    response.write(head);
    const chunk = '0'.repeat(64 * 1024);
    let left = Math.max(fill, 0);
    const pump = () => {
      while (left > 0 && !response.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
        left -= piece.length;
        if (!response.write(piece)) {
          response.once('drain', pump);
          return;
        }
      }
      if (!response.destroyed) response.end(tail);
    };
    pump();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requests += 1;
    const fault = current;
    if (fault.kind === 'refuse') {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) {
        send(response, 413, '{"error":"request too large"}');
        request.socket.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString();
    let parsed: RpcCall | RpcCall[];
    try {
      parsed = JSON.parse(body) as RpcCall | RpcCall[];
    } catch {
      send(response, 400, '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}');
      return;
    }
    calls += Array.isArray(parsed) ? parsed.length : 1;
    switch (fault.kind) {
      case 'hang':
        // Accepted and read, never answered: the socket stays open until the client gives up or close().
        return;
      case 'status':
        send(response, fault.code, JSON.stringify({ error: `fault proxy: HTTP ${fault.code}` }));
        return;
      case 'garbage':
        send(response, 200, GARBAGE_BODY);
        return;
      case 'huge':
        streamHuge(response, Array.isArray(parsed) ? parsed[0]?.id : parsed.id, fault.bytes);
        return;
      case 'latency':
        await new Promise<void>((resolve) => later(fault.ms, resolve));
        if (closed || response.destroyed) return;
        break;
      default:
        break;
    }
    try {
      if (fault.kind === 'stale') {
        send(response, 200, JSON.stringify(await stale(parsed, fault.blocks)));
        return;
      }
      if (fault.kind === 'multicall-fails') {
        send(response, 200, JSON.stringify(await multicallFails(parsed, fault.matching)));
        return;
      }
      if (fault.kind === 'fail-calls') {
        send(response, 200, JSON.stringify(await failCalls(parsed, fault)));
        return;
      }
      const { status, text } = await forward(body);
      if (fault.kind === 'truncate') {
        send(response, status, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      if (
        fault.kind === 'reorder' ||
        fault.kind === 'partial' ||
        fault.kind === 'stray-null-id' ||
        fault.kind === 'wrong-chain'
      ) {
        send(response, status, JSON.stringify(rewrite(parsed, JSON.parse(text), fault)));
        return;
      }
      send(response, status, text);
    } catch {
      send(
        response,
        502,
        '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"fault proxy: upstream unavailable"}}',
      );
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, '{"error":"fault proxy"}');
      else response.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  // Keep-alive sockets of a hung client must not keep the proxy (or the test process) alive.
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (current.kind === 'refuse') socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true;
      clearTimeout(lifetime);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      agent.destroy();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? DEFAULT_LIFETIME_MS);
  lifetime.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    setMode(next) {
      current = next;
    },
    stats: () => ({ requests, calls, failedCalls }),
    close,
  };
}
