/**
 * dYdX v4 is a Cosmos SDK chain, not an EVM rollup. Its adapter answers from the indexer REST API
 * (markets, oracle prices, funding), the CometBFT RPC (blocks) and the Cosmos REST API (module account
 * balances, fee tiers). Shapes follow the public API (dydxprotocol/v4-chain comlink types, CometBFT
 * 0.38 RPC, Cosmos bank): every response is validated, and a 5xx, a timeout or a malformed body makes
 * the check `error`, never `pass`.
 */
import * as z from 'zod';
import { MeasurementError } from '../core/errors.js';
import type { Redactor } from '../rpc/redact.js';
import type { FeeTier, Head, PerpMarket, TransactionCost, VenueAdapter } from './adapter.js';

export interface DydxEndpoints {
  /** Chain id the CometBFT node must report (`dydx-mainnet-1`). */
  network: string;
  /** Indexer base URL including /v4, e.g. https://indexer.dydx.trade/v4. */
  indexer: string;
  /** CometBFT RPC endpoints, tried in order. */
  rpc: string[];
  /** Cosmos REST (LCD) base URL. */
  rest: string;
}

/** The cross-market insurance fund: the `insurance_fund` module account (v4-chain x/perpetuals). */
export const DYDX_INSURANCE_FUND = 'dydx1c7ptc87hkd54e3r7zjy92q29xkq7t79w64slrq';
/** USDC on dYdX (IBC denom, 6 decimals; v4-chain x/assets genesis). */
export const DYDX_USDC_DENOM = 'ibc/8E27BA2D5493AF5636760E354E46004562C46AB7EC0CC4C1CA14E9E20E2545B5';

const REQUEST_TIMEOUT_MS = 10_000;
/** Market params per Cosmos REST page; mainnet lists a few hundred markets. */
const MARKET_PARAMS_PAGE = 1000;
const MARKET_PARAMS_MAX_PAGES = 10;
/** CometBFT's /blockchain returns at most 20 block metas per call. */
const BLOCKCHAIN_PAGE = 20;

const intString = z.string().regex(/^\d+$/, { error: 'expected an integer string' });
const decimalString = z.string().regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i, { error: 'expected a decimal string' });
const isoTime = z
  .string()
  .refine((t) => !Number.isNaN(Date.parse(t)), { error: 'expected an RFC 3339 time' });

const statusShape = z.object({
  result: z.object({
    node_info: z.object({ network: z.string() }),
    sync_info: z.object({
      latest_block_hash: z.string(),
      latest_block_height: intString,
      latest_block_time: isoTime,
      catching_up: z.boolean(),
    }),
  }),
});
const blockchainShape = z.object({
  result: z.object({
    block_metas: z.array(
      z.object({
        block_id: z.object({ hash: z.string() }),
        header: z.object({ height: intString, time: isoTime }),
      }),
    ),
  }),
});
const heightShape = z.object({ height: intString, time: isoTime });
const marketShape = z.object({
  ticker: z.string(),
  status: z.string(),
  oraclePrice: decimalString,
  nextFundingRate: decimalString,
});
const marketsShape = z.object({ markets: z.record(z.string(), marketShape) });
const feeParamsShape = z.object({
  params: z.object({
    tiers: z.array(z.object({ name: z.string(), maker_fee_ppm: z.number(), taker_fee_ppm: z.number() })),
  }),
});
const marketParamsShape = z.object({
  market_params: z.array(
    z.object({
      id: z.number().int(),
      pair: z.string(),
      exponent: z.number().int(),
      min_price_change_ppm: z.number().int().positive({ error: 'expected a positive ppm' }),
    }),
  ),
  pagination: z.object({ next_key: z.string().nullable().optional() }).optional(),
});
const balanceShape = z.object({ balance: z.object({ denom: z.string(), amount: intString }) });

/** CometBFT prints nanoseconds; Date keeps milliseconds, which is all an age needs. */
const seconds = (time: string) => Date.parse(time) / 1000;

export class DydxAdapter implements VenueAdapter {
  readonly stack = 'dydx-v4' as const;
  private readonly memo = new Map<string, Promise<unknown>>();
  private verified?: Promise<void>;

  constructor(
    private readonly endpoints: DydxEndpoints,
    redactor: Redactor,
    private readonly signal?: AbortSignal,
  ) {
    for (const url of [endpoints.indexer, endpoints.rest, ...endpoints.rpc]) redactor.addUrl(url);
  }

  /** GET base + path, validated; one request per URL per run. */
  private get<T>(base: string, path: string, shape: z.ZodType<T>, what: string): Promise<T> {
    const url = `${base.replace(/\/$/, '')}${path}`;
    const existing = this.memo.get(url);
    if (existing) return existing as Promise<T>;
    const load = (async () => {
      const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(this.signal ? [this.signal] : [])];
      let response: Response;
      try {
        response = await fetch(url, {
          signal: AbortSignal.any(signals),
          headers: { accept: 'application/json' },
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`
            : (error as Error).message;
        throw new MeasurementError(`${what}: ${url} failed: ${reason}`);
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new MeasurementError(
          `${what}: ${url} answered HTTP ${response.status} with a body that is not JSON`,
        );
      }
      if (!response.ok) {
        const detail =
          (body as { errors?: { msg?: string }[] })?.errors?.[0]?.msg ??
          (body as { error?: { data?: string; message?: string } })?.error?.data ??
          (body as { message?: string })?.message ??
          '';
        throw new MeasurementError(
          `${what}: ${url} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
        );
      }
      const parsed = shape.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new MeasurementError(
          `${what}: ${url} answered in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
        );
      }
      return parsed.data;
    })();
    this.memo.set(url, load);
    load.catch(() => this.memo.delete(url));
    return load;
  }

  /** Tries each CometBFT endpoint in turn; the first answer wins, all failing is one error. */
  private async rpc<T>(path: string, shape: z.ZodType<T>, what: string): Promise<T> {
    const failures: string[] = [];
    for (const base of this.endpoints.rpc) {
      try {
        return await this.get(base, path, shape, what);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    throw new MeasurementError(failures.join('; '));
  }

  private status() {
    return this.rpc('/status', statusShape, 'CometBFT status');
  }

  /** Every run checks the node serves the declared network before trusting its blocks. */
  private verifyNetwork(): Promise<void> {
    this.verified ??= this.status().then((status) => {
      const network = status.result.node_info.network;
      if (network !== this.endpoints.network) {
        throw new MeasurementError(`the CometBFT node serves ${network}, not ${this.endpoints.network}`);
      }
    });
    return this.verified;
  }

  async latestHead(): Promise<Head> {
    await this.verifyNetwork();
    const { sync_info: sync } = (await this.status()).result;
    if (sync.catching_up) {
      throw new MeasurementError(
        `the CometBFT node is catching up (at ${sync.latest_block_height}): its head is not the chain's`,
      );
    }
    return {
      height: BigInt(sync.latest_block_height),
      timestamp: seconds(sync.latest_block_time),
      hash: sync.latest_block_hash,
    };
  }

  async headsEndingAt(height: bigint, count: number): Promise<Head[]> {
    await this.verifyNetwork();
    const first = height - BigInt(count - 1) < 1n ? 1n : height - BigInt(count - 1);
    const pages: Promise<Head[]>[] = [];
    for (let low = first; low <= height; low += BigInt(BLOCKCHAIN_PAGE)) {
      const high = low + BigInt(BLOCKCHAIN_PAGE - 1) > height ? height : low + BigInt(BLOCKCHAIN_PAGE - 1);
      pages.push(
        this.rpc(
          `/blockchain?minHeight=${low}&maxHeight=${high}`,
          blockchainShape,
          'CometBFT blockchain',
        ).then((page) =>
          page.result.block_metas.map((meta) => ({
            height: BigInt(meta.header.height),
            timestamp: seconds(meta.header.time),
            hash: meta.block_id.hash,
          })),
        ),
      );
    }
    const heads = (await Promise.all(pages)).flat().sort((a, b) => (a.height < b.height ? -1 : 1));
    if (heads.length !== Number(height - first + 1n)) {
      throw new MeasurementError(
        `CometBFT returned ${heads.length} of the ${height - first + 1n} blocks asked for`,
      );
    }
    return heads;
  }

  async transactionCost(): Promise<TransactionCost> {
    return {
      totalWei: 0n,
      gasPriceWei: 0n,
      l1Wei: 0n,
      source: 'dYdX v4: placing and cancelling short-term orders pays no gas, only trading fees',
    };
  }

  async perpMarket(ticker: string): Promise<PerpMarket> {
    const [{ markets }, indexed] = await Promise.all([
      this.get(
        this.endpoints.indexer,
        `/perpetualMarkets?ticker=${encodeURIComponent(ticker)}`,
        marketsShape,
        `market ${ticker}`,
      ),
      this.get(this.endpoints.indexer, '/height', heightShape, 'indexer height'),
    ]);
    const market = markets[ticker];
    if (!market) throw new MeasurementError(`the indexer has no market ${ticker}`);
    return {
      ticker,
      status: market.status,
      oraclePrice: Number(market.oraclePrice),
      nextFundingRate1h: Number(market.nextFundingRate),
      asOf: seconds(indexed.time),
      asOfHeight: BigInt(indexed.height),
    };
  }

  /** x/prices MarketParam, found by its pair (the ticker); the chain's list is paginated. */
  async minPriceChange(ticker: string): Promise<{ ppm: number; source: string }> {
    let key: string | undefined;
    for (let page = 0; page < MARKET_PARAMS_MAX_PAGES; page += 1) {
      const query = `pagination.limit=${MARKET_PARAMS_PAGE}${key ? `&pagination.key=${encodeURIComponent(key)}` : ''}`;
      const { market_params: params, pagination } = await this.get(
        this.endpoints.rest,
        `/dydxprotocol/prices/params/market?${query}`,
        marketParamsShape,
        'market params',
      );
      const param = params.find((p) => p.pair === ticker);
      if (param) {
        return {
          ppm: param.min_price_change_ppm,
          source: `x/prices MarketParam ${param.id} (${param.pair}) min_price_change_ppm`,
        };
      }
      key = pagination?.next_key ?? undefined;
      if (!key) break;
    }
    throw new MeasurementError(`the chain's x/prices market params have no pair ${ticker}`);
  }

  async feeTier(name: string): Promise<FeeTier> {
    const { params } = await this.get(
      this.endpoints.rest,
      '/dydxprotocol/v4/feetiers/perpetual_fee_params',
      feeParamsShape,
      'fee tiers',
    );
    const tier = params.tiers.find((t) => t.name === name);
    if (!tier) {
      throw new MeasurementError(
        `the chain has no fee tier "${name}" (tiers: ${params.tiers.map((t) => t.name).join(', ')})`,
      );
    }
    // 1 bps = 100 ppm
    return { name, makerBps: tier.maker_fee_ppm / 100, takerBps: tier.taker_fee_ppm / 100 };
  }

  async insuranceFund(): Promise<{ usd: number; holder: string; source: string }> {
    const path = `/cosmos/bank/v1beta1/balances/${DYDX_INSURANCE_FUND}/by_denom?denom=${encodeURIComponent(DYDX_USDC_DENOM)}`;
    const { balance } = await this.get(this.endpoints.rest, path, balanceShape, 'insurance fund balance');
    return {
      usd: Number(balance.amount) / 1e6,
      holder: DYDX_INSURANCE_FUND,
      source: 'USDC of the insurance_fund module account (cross markets), valued at 1 USD',
    };
  }
}
