/**
 * One reader per chain per run. It wraps a viem public client over every RPC URL of the chain
 * (fallback), batches JSON-RPC calls in the same tick, aggregates contract reads through Multicall3
 * when the chain has it, and de-duplicates identical reads across checks for the life of the run.
 * Before the first read it checks that every live endpoint serves the declared chain id.
 */
import {
  type Abi,
  type Address,
  type Block,
  type ContractFunctionArgs,
  type ContractFunctionName,
  createPublicClient,
  fallback,
  type Hex,
  http,
  type PublicClient,
  type ReadContractParameters,
  type ReadContractReturnType,
} from 'viem';
import { MULTICALL3 } from '../venues/wellKnown.js';
import { type Redactor, redactUrl } from './redact.js';
import type { EndpointReport } from './result.js';

export class ChainMismatchError extends Error {}

/** The endpoint answered, but not with what the JSON-RPC spec promises. */
export class MalformedResponseError extends Error {}

/**
 * viem formats what the node sends without validating it; a block without a number, hash or timestamp
 * would otherwise flow into arithmetic as NaN or 0 and be judged as if it were real.
 */
function checkedBlock(block: Block, label: string): Block {
  const timestamp = Number(block.timestamp);
  if (
    block.number === null ||
    typeof block.hash !== 'string' ||
    !Number.isFinite(timestamp) ||
    timestamp <= 0
  ) {
    throw new MalformedResponseError(
      `the ${label} RPC returned a malformed block (missing number, hash or timestamp)`,
    );
  }
  return block;
}

interface EndpointCounters {
  url: string;
  requests: number;
  calls: number;
  failures: number;
}

/** Which chain: the venue's L2 or L1, or a chain a check reads a reference from (oracle.market). */
export type ChainLabel = 'l1' | 'l2' | 'reference';

export interface ChainReaderOptions {
  label: ChainLabel;
  chainId: number;
  urls: string[];
  redactor: Redactor;
  /** Per-HTTP-request timeout. */
  requestTimeoutMs?: number;
}

export class ChainReader {
  readonly label: ChainLabel;
  readonly chainId: number;
  private readonly counters: EndpointCounters[];
  private readonly options: ChainReaderOptions;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readyPromise?: Promise<PublicClient>;

  constructor(options: ChainReaderOptions) {
    this.options = options;
    this.label = options.label;
    this.chainId = options.chainId;
    this.counters = options.urls.map((url) => ({ url, requests: 0, calls: 0, failures: 0 }));
    for (const url of options.urls) options.redactor.addUrl(url);
  }

  /** Requests and failures per endpoint, URLs redacted. */
  endpoints(): EndpointReport[] {
    return this.counters.map((c) => ({
      chain: this.label,
      url: redactUrl(c.url),
      requests: c.requests,
      failures: c.failures,
    }));
  }

  /** Total JSON-RPC calls and HTTP requests made so far (batching makes calls ≥ requests). */
  traffic(): { httpRequests: number; rpcCalls: number } {
    return this.counters.reduce(
      (sum, c) => ({ httpRequests: sum.httpRequests + c.requests, rpcCalls: sum.rpcCalls + c.calls }),
      { httpRequests: 0, rpcCalls: 0 },
    );
  }

  private countingFetch(counter: EndpointCounters): typeof fetch {
    return async (input, init) => {
      counter.requests += 1;
      const body = typeof init?.body === 'string' ? init.body : '';
      counter.calls += body.startsWith('[') ? (JSON.parse(body) as unknown[]).length : 1;
      try {
        const response = await fetch(input, init);
        if (!response.ok) counter.failures += 1;
        return response;
      } catch (error) {
        counter.failures += 1;
        throw error;
      }
    };
  }

  private transport(counter: EndpointCounters, batch: boolean) {
    return http(counter.url, {
      batch: batch ? { wait: 0 } : false,
      retryCount: 1,
      retryDelay: 100,
      timeout: this.options.requestTimeoutMs ?? 10_000,
      fetchFn: this.countingFetch(counter),
    });
  }

  private makeClient(order: EndpointCounters[], multicall: boolean): PublicClient {
    return createPublicClient({
      transport: fallback(
        order.map((c) => this.transport(c, true)),
        { retryCount: 0 },
      ),
      batch: multicall ? { multicall: { wait: 0 } } : undefined,
      chain: {
        id: this.chainId,
        name: `${this.label} ${this.chainId}`,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: this.counters.map((c) => c.url) } },
        contracts: multicall ? { multicall3: { address: MULTICALL3 } } : undefined,
      },
      cacheTime: 0,
    }) as PublicClient;
  }

  /**
   * Verifies each endpoint's chain id (a live endpoint on another chain is a misconfiguration that
   * could make a check read the wrong venue) and probes for Multicall3. Memoized.
   */
  private ready(): Promise<PublicClient> {
    this.readyPromise ??= (async () => {
      const answers = await Promise.allSettled(
        this.counters.map(async (counter) => {
          const probe = createPublicClient({ transport: this.transport(counter, false) });
          return probe.getChainId();
        }),
      );
      const live = answers.flatMap((answer, index) =>
        answer.status === 'fulfilled' ? [{ id: answer.value, counter: this.counters[index] }] : [],
      );
      for (const { id, counter } of live) {
        if (id !== this.chainId) {
          throw new ChainMismatchError(
            `${this.label} RPC ${redactUrl(counter?.url ?? '')} serves chain id ${id}, but the checklist declares ${this.chainId}`,
          );
        }
      }
      if (live.length === 0) {
        const first = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
        throw first?.reason ?? new Error(`no ${this.label} RPC endpoint answered`);
      }
      // Endpoints that answered go first, so a dead one does not cost every request a failed try.
      const liveCounters = new Set(live.map((l) => l.counter));
      const order = [...this.counters].sort(
        (a, b) => Number(liveCounters.has(b)) - Number(liveCounters.has(a)),
      );
      const base = this.makeClient(order, false);
      const code = await base.getCode({ address: MULTICALL3 });
      return code && code !== '0x' ? this.makeClient(order, true) : base;
    })();
    return this.readyPromise;
  }

  /**
   * One client per endpoint, without fallback: for comparing what each endpoint says. Labels are
   * redacted and numbered (two keys on one host redact alike).
   */
  async endpointClients(): Promise<{ label: string; client: PublicClient }[]> {
    await this.ready();
    return this.counters.map((counter, index) => ({
      label: `#${index + 1} ${redactUrl(counter.url)}`,
      client: createPublicClient({ transport: this.transport(counter, true), cacheTime: 0 }) as PublicClient,
    }));
  }

  /** The viem client, for reads that have no memoized helper yet. */
  client(): Promise<PublicClient> {
    return this.ready();
  }

  private memoize<T>(key: string, load: () => Promise<T>): Promise<T> {
    const existing = this.memo.get(key);
    if (existing) return existing as Promise<T>;
    const promise = load();
    this.memo.set(key, promise);
    // A failed read is not cached: another check may retry it through a healthier endpoint.
    promise.catch(() => this.memo.delete(key));
    return promise;
  }

  /** The run's snapshot of the latest block: every check of the run sees the same head. */
  latestBlock(): Promise<Block> {
    return this.memoize('block:latest', async () => {
      const block = checkedBlock(await (await this.ready()).getBlock({ blockTag: 'latest' }), this.label);
      if (block.number !== null) this.memo.set(`block:${block.number}`, Promise.resolve(block));
      return block;
    });
  }

  /** The block a tag names (`safe`, `finalized`) in this run's snapshot. */
  taggedBlock(tag: 'safe' | 'finalized'): Promise<Block> {
    return this.memoize(`block:${tag}`, async () =>
      checkedBlock(await (await this.ready()).getBlock({ blockTag: tag }), this.label),
    );
  }

  block(number: bigint): Promise<Block> {
    return this.memoize(`block:${number}`, async () =>
      (await this.ready()).getBlock({ blockNumber: number }),
    );
  }

  /** Reads a block again, bypassing the run's cache (to see whether history changed). */
  async freshBlock(number: bigint): Promise<Block> {
    return checkedBlock(await (await this.ready()).getBlock({ blockNumber: number }), this.label);
  }

  /** What a transaction pays per gas right now (eth_gasPrice: base fee plus the suggested tip). */
  gasPrice(): Promise<bigint> {
    return this.memoize('gasPrice', async () => (await this.ready()).getGasPrice());
  }

  /** The code at an address ('0x' or undefined for an account without code). */
  code(address: Address): Promise<Hex | undefined> {
    return this.memoize(`code:${address.toLowerCase()}`, async () =>
      (await this.ready()).getCode({ address }),
    );
  }

  balance(address: Address): Promise<bigint> {
    return this.memoize(`balance:${address}`, async () => (await this.ready()).getBalance({ address }));
  }

  readContract<
    const abi extends Abi | readonly unknown[],
    functionName extends ContractFunctionName<abi, 'pure' | 'view'>,
    const args extends ContractFunctionArgs<abi, 'pure' | 'view', functionName>,
  >(
    parameters: ReadContractParameters<abi, functionName, args>,
  ): Promise<ReadContractReturnType<abi, functionName, args>> {
    const key = `call:${String(parameters.address).toLowerCase()}:${parameters.functionName}:${JSON.stringify(
      parameters.args ?? [],
      (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
    )}`;
    return this.memoize(key, async () => {
      const client = await this.ready();
      return client.readContract(parameters as ReadContractParameters) as Promise<
        ReadContractReturnType<abi, functionName, args>
      >;
    });
  }
}
