/**
 * One reader per chain per run. It wraps a viem public client over every RPC URL of the chain
 * (fallback), batches JSON-RPC calls in the same tick, aggregates contract reads through Multicall3
 * when the chain has it, and de-duplicates identical reads across checks for the life of the run.
 * Before the first read it checks that every live endpoint serves the declared chain id and asks each
 * for its head: state reads are pinned at the freshest head, and refused past the chain's bound (see
 * staleness.ts).
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
import { assertFresh, type EndpointHead, orderByHead } from './staleness.js';

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
  /** Oldest head that state reads accept (StaleReadError past it); without it, no bound. */
  maxBlockAgeMs?: number;
  /** The run's clock, to age heads with (tests inject it). */
  now?: () => number;
}

/** The head this run reads state at, and what every live endpoint said its head was. */
interface RunHead {
  block: Block;
  head: EndpointHead;
  heads: EndpointHead[];
}

export class ChainReader {
  readonly label: ChainLabel;
  readonly chainId: number;
  private readonly counters: EndpointCounters[];
  private readonly options: ChainReaderOptions;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readyPromise?: Promise<PublicClient>;
  private runHead?: RunHead;

  constructor(options: ChainReaderOptions) {
    this.options = options;
    this.label = options.label;
    this.chainId = options.chainId;
    this.counters = options.urls.map((url) => ({ url, requests: 0, calls: 0, failures: 0 }));
    for (const url of options.urls) options.redactor.addUrl(url);
  }

  /** Requests and failures per endpoint, URLs redacted. */
  endpoints(): EndpointReport[] {
    return this.counters.map((c, index) => {
      const head = this.runHead?.heads.find((h) => h.index === index);
      return {
        chain: this.label,
        url: redactUrl(c.url),
        requests: c.requests,
        failures: c.failures,
        ...(head ? { head: { block: Number(head.block), ageMs: Math.round(head.ageMs) } } : {}),
      };
    });
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
          // One batched HTTP request: the chain id and the endpoint's head.
          const probe = createPublicClient({ transport: this.transport(counter, true), cacheTime: 0 });
          const [id, block] = await Promise.all([
            probe.getChainId(),
            probe.getBlock({ blockTag: 'latest' }).then((b) => checkedBlock(b, this.label)),
          ]);
          return { id, block };
        }),
      );
      const live = answers.flatMap((answer, index) =>
        answer.status === 'fulfilled'
          ? [{ id: answer.value.id, block: answer.value.block, counter: this.counters[index], index }]
          : [],
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
      const order = this.selectHead(live);
      const base = this.makeClient(order, false);
      const code = await base.getCode({
        address: MULTICALL3,
        blockNumber: this.runHead?.block.number ?? undefined,
      });
      return code && code !== '0x' ? this.makeClient(order, true) : base;
    })();
    return this.readyPromise;
  }

  /**
   * Head selection (see staleness.ts): the run's head is the freshest live endpoint's, and reads try
   * the endpoints that are not past the bound freshest first, then the ones that did not answer the
   * probe (they may come back; a pinned read keeps them from answering with old state). Returns the
   * fallback order.
   */
  private selectHead(
    live: { block: Block; counter?: EndpointCounters; index: number }[],
  ): EndpointCounters[] {
    const now = this.now();
    const heads: EndpointHead[] = live.map(({ block, index }) => ({
      index,
      endpoint: `#${index + 1} ${redactUrl(this.counters[index]?.url ?? '')}`,
      block: block.number ?? 0n,
      timestamp: Number(block.timestamp),
      ageMs: now - Number(block.timestamp) * 1000,
    }));
    const { head, order } = orderByHead(heads, now, this.options.maxBlockAgeMs);
    const block = live.find((l) => l.index === head.index)?.block as Block;
    this.runHead = { block, head, heads };
    this.memo.set(`block:${head.block}`, Promise.resolve(block));
    const answered = new Set(live.map((l) => l.index));
    return [
      ...order.flatMap((h) => this.counters[h.index] ?? []),
      ...this.counters.filter((_c, index) => !answered.has(index)),
    ];
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The head state reads are pinned at, after checking it is within the bound: a StaleReadError names
   * the endpoint and the block's age. Checks that measure the head itself use latestBlock() instead.
   */
  async stateHead(): Promise<Block> {
    await this.ready();
    const run = this.runHead as RunHead;
    assertFresh(this.label, run.head, run.heads, this.now(), this.options.maxBlockAgeMs);
    return run.block;
  }

  /** The client and the block number for a state read at the run's head. */
  private async pinned(): Promise<{ client: PublicClient; blockNumber: bigint }> {
    const client = await this.ready();
    const block = await this.stateHead();
    return { client, blockNumber: block.number ?? 0n };
  }

  /**
   * One client per endpoint, without fallback: for comparing what each endpoint says (not refused
   * when the run's head is stale: comparing endpoints' heads is how a lagging one is found). Labels are
   * redacted and numbered (two keys on one host redact alike).
   */
  async endpointClients(): Promise<{ label: string; client: PublicClient }[]> {
    await this.ready();
    return this.counters.map((counter, index) => ({
      label: `#${index + 1} ${redactUrl(counter.url)}`,
      client: createPublicClient({ transport: this.transport(counter, true), cacheTime: 0 }) as PublicClient,
    }));
  }

  /**
   * The viem client, for reads that have no memoized helper yet. Refused when the run's head is past
   * the bound (StaleReadError): whatever it reads would be as old. Pin reads at `stateHead()` where
   * the RPC method takes a block.
   */
  async client(): Promise<PublicClient> {
    await this.stateHead();
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

  /**
   * The run's head: the freshest endpoint's latest block, the same for every check of the run. Not
   * refused when old: it is what sequencer.head-age measures (and the clock is compared with).
   */
  async latestBlock(): Promise<Block> {
    await this.ready();
    return (this.runHead as RunHead).block;
  }

  /** The block a tag names (`safe`, `finalized`): relative to an endpoint's own head, so refused past the bound. */
  taggedBlock(tag: 'safe' | 'finalized'): Promise<Block> {
    return this.memoize(`block:${tag}`, async () => {
      await this.stateHead();
      return checkedBlock(await (await this.ready()).getBlock({ blockTag: tag }), this.label);
    });
  }

  /** A block by number: history, the same on every endpoint that has it, so not refused when the head is old. */
  block(number: bigint): Promise<Block> {
    return this.memoize(`block:${number}`, async () =>
      (await this.ready()).getBlock({ blockNumber: number }),
    );
  }

  /**
   * Reads a block again, bypassing the run's cache (to see whether history changed near the head):
   * refused past the bound, since an endpoint frozen on an old head never shows a change.
   */
  async freshBlock(number: bigint): Promise<Block> {
    await this.stateHead();
    return checkedBlock(await (await this.ready()).getBlock({ blockNumber: number }), this.label);
  }

  /**
   * What a transaction pays per gas right now (eth_gasPrice: base fee plus the suggested tip). The
   * method takes no block; refused past the bound, and asked of the freshest endpoint first.
   */
  gasPrice(): Promise<bigint> {
    return this.memoize('gasPrice', async () => (await this.client()).getGasPrice());
  }

  /** The code at an address ('0x' or undefined for an account without code), at the run's head. */
  code(address: Address): Promise<Hex | undefined> {
    return this.memoize(`code:${address.toLowerCase()}`, async () => {
      const { client, blockNumber } = await this.pinned();
      return client.getCode({ address, blockNumber });
    });
  }

  /** A storage slot at the run's head. */
  storageAt(address: Address, slot: Hex): Promise<Hex | undefined> {
    return this.memoize(`storage:${address.toLowerCase()}:${slot}`, async () => {
      const { client, blockNumber } = await this.pinned();
      return client.getStorageAt({ address, slot, blockNumber });
    });
  }

  balance(address: Address): Promise<bigint> {
    return this.memoize(`balance:${address}`, async () => {
      const { client, blockNumber } = await this.pinned();
      return client.getBalance({ address, blockNumber });
    });
  }

  /** An eth_call at the run's head (through Multicall3 when the chain has it). */
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
      const { client, blockNumber } = await this.pinned();
      return client.readContract({ ...(parameters as ReadContractParameters), blockNumber }) as Promise<
        ReadContractReturnType<abi, functionName, args>
      >;
    });
  }
}
