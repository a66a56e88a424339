/**
 * A local dYdX v4: one HTTP server answering as the indexer (/indexer/v4/…), CometBFT RPC (/rpc/…) and
 * Cosmos REST (/rest/…) from fixtures in the public APIs' shapes, with heights and times moved to now.
 * `state` switches it into bad venue states and faults (5xx, malformed bodies, hangs).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'dydx', name), 'utf8'));

export interface DydxState {
  /** Seconds since the last block (0: producing a block a second). */
  haltedFor: number;
  /** A gap of this many seconds inserted between the 10th and 11th newest blocks. */
  gapSeconds: number;
  network: string;
  marketStatus: string;
  /** How many blocks the indexer trails the chain. */
  indexerLag: number;
  insuranceUsdc: bigint;
  nextFundingRate: string;
  /** Oracle prices that replace the fixture's, by ticker (a market that moved, or one that froze). */
  oraclePrices: Record<string, string>;
  /** Market params per Cosmos REST page (the chain paginates; the fixture has three markets). */
  marketParamsPerPage: number;
  /** A fault on every request whose path starts with the prefix. */
  fault?: { prefix: string; kind: '503' | 'malformed' | 'hang' | 'wrong-shape' };
}

export const HEALTHY: DydxState = {
  haltedFor: 0,
  gapSeconds: 0,
  network: 'dydx-mainnet-1',
  marketStatus: 'ACTIVE',
  indexerLag: 2,
  insuranceUsdc: 4_387_215_031_842n, // ~4.39 M USDC
  nextFundingRate: '0.0000043125',
  oraclePrices: {},
  marketParamsPerPage: 100,
};

const HEIGHT = 52_814_412n;

/** RFC 3339 with nanoseconds, like CometBFT prints. */
const cometTime = (seconds: number) =>
  new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1432907Z');

export interface LocalDydx {
  url: string;
  state: DydxState;
  /** Requests answered, by path prefix. */
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalDydx(): Promise<LocalDydx> {
  const status = fixture('status.json');
  const blockchain = fixture('blockchain.json');
  const markets = fixture('perpetualMarkets.json');
  const balance = fixture('bank-balance-by-denom-insurance-fund.json');
  const feeParams = fixture('perpetual_fee_params.json');
  const notFound = fixture('error-404.json');
  const marketParams = fixture('prices-params-market.json');
  const local: LocalDydx = { url: '', state: { ...HEALTHY }, requests: [], close: async () => {} };

  /** Block time: one block a second up to the head, which is `haltedFor` old; a gap below the 10th newest. */
  const timeOf = (height: bigint) => {
    const now = Date.now() / 1000 - local.state.haltedFor;
    const behind = Number(HEIGHT - height);
    return now - behind - (behind >= 10 ? local.state.gapSeconds : 0);
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    // Hosted endpoints carry an API key in the path (/key-…/status): answer as if it were not there.
    url.pathname = url.pathname.replace(/^\/key-[^/]+/, '');
    local.requests.push(url.pathname);
    const fault = local.state.fault;
    if (fault && url.pathname.startsWith(fault.prefix)) {
      if (fault.kind === 'hang') return; // never answers
      if (fault.kind === '503') {
        response.writeHead(503, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ message: 'service unavailable' }));
      }
      if (fault.kind === 'malformed') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end('{"height": "5281');
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ result: { unexpected: true }, markets: [], height: 12 }));
    }
    const send = (body: unknown, code = 200) => {
      response.writeHead(code, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const path = url.pathname;
    if (path === '/rpc/status') {
      const body = structuredClone(status);
      body.result.node_info.network = local.state.network;
      body.result.sync_info.latest_block_height = String(HEIGHT);
      body.result.sync_info.latest_block_time = cometTime(timeOf(HEIGHT));
      return send(body);
    }
    if (path === '/rpc/blockchain') {
      const max = BigInt(url.searchParams.get('maxHeight') ?? String(HEIGHT));
      const min = BigInt(url.searchParams.get('minHeight') ?? '1');
      const top = max > HEIGHT ? HEIGHT : max;
      const low = top - min + 1n > 20n ? top - 19n : min;
      const metas = [];
      for (let h = top; h >= low; h -= 1n) {
        const meta = structuredClone(blockchain.result.block_metas[0]);
        meta.header.height = String(h);
        meta.header.time = cometTime(timeOf(h));
        meta.block_id.hash = h.toString(16).padStart(64, '0').toUpperCase();
        metas.push(meta);
      }
      return send({ ...blockchain, result: { last_height: String(HEIGHT), block_metas: metas } });
    }
    if (path === '/indexer/v4/height') {
      const height = HEIGHT - BigInt(local.state.indexerLag);
      return send({ height: String(height), time: new Date(timeOf(height) * 1000).toISOString() });
    }
    if (path === '/indexer/v4/perpetualMarkets') {
      const ticker = url.searchParams.get('ticker') ?? '';
      const market = markets.markets[ticker];
      if (!market)
        return send({ errors: [{ msg: `${ticker} not found in markets of type PERPETUAL` }] }, 404);
      return send({
        markets: {
          [ticker]: {
            ...market,
            status: local.state.marketStatus,
            nextFundingRate: local.state.nextFundingRate,
            oraclePrice: local.state.oraclePrices[ticker] ?? market.oraclePrice,
          },
        },
      });
    }
    if (path.startsWith('/rest/cosmos/bank/v1beta1/balances/') && path.endsWith('/by_denom')) {
      return send({ balance: { ...balance.balance, amount: String(local.state.insuranceUsdc) } });
    }
    if (path === '/rest/dydxprotocol/v4/feetiers/perpetual_fee_params') return send(feeParams);
    if (path === '/rest/dydxprotocol/prices/params/market') {
      // Cosmos pagination: `pagination.key` is the opaque (base64) next_key of the page before.
      const key = url.searchParams.get('pagination.key');
      const from = key ? Number(Buffer.from(key, 'base64').toString()) : 0;
      const to = from + local.state.marketParamsPerPage;
      const all = marketParams.market_params;
      return send({
        market_params: all.slice(from, to),
        pagination: {
          next_key: to < all.length ? Buffer.from(String(to)).toString('base64') : null,
          total: String(all.length),
        },
      });
    }
    return send(notFound, 404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return local;
}

/** A checklist against the local dYdX, with the given checks (YAML list items). */
export function dydxChecklist(base: string, checks: string, rpcPath = '/rpc'): string {
  return `version: 1
name: dydx test
venue:
  stack: dydx-v4
  dydx:
    indexer: "${base}/indexer/v4"
    rpc: ["${base}${rpcPath}"]
    rest: "${base}/rest"
defaults:
  timeout: 5s
checks:
${checks}`;
}
