/**
 * One reader per chain per run. It wraps a viem public client over every RPC URL of the chain
 * (hedged fallback, see transport.ts), batches JSON-RPC calls in the same tick, aggregates contract reads through Multicall3
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
  type Hex,
  hexToNumber,
  type PublicClient,
  type ReadContractParameters,
  type ReadContractReturnType,
} from 'viem';
import { MULTICALL3 } from '../venues/wellKnown.js';
import { type Redactor, redactUrl } from './redact.js';
import type { EndpointReport } from './result.js';
import { allFailedMessage, RpcEndpointError } from './rpcErrors.js';
import { DEFAULT_RPC_TIMEOUT_MS, defaultHedgeDelay, type Endpoint, EndpointPool } from './transport.js';

/** A live endpoint serves another chain than the checklist declares: the whole chain fails. */
export class ChainMismatchError extends RpcEndpointError {}

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

/** Which chain: the venue's L2 or L1, or a chain a check reads a reference from (oracle.market). */
export type ChainLabel = 'l1' | 'l2' | 'reference';

export interface ChainReaderOptions {
  label: ChainLabel;
  chainId: number;
  urls: string[];
  redactor: Redactor;
  /** Per HTTP request (connect, headers, body); default 3 s (`--rpc-timeout`, `defaults.rpcTimeout`). */
  requestTimeoutMs?: number;
  /** When to send a request that the preferred endpoint has not answered to the next one too. */
  hedgeDelayMs?: number;
  /** The run's: aborting it cancels every in-flight HTTP request of this reader. */
  signal?: AbortSignal;
}

export class ChainReader {
  readonly label: ChainLabel;
  readonly chainId: number;
  private readonly pool: EndpointPool;
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Each endpoint's chain-id check, memoized while it holds (a failed probe is tried again). */
  private readonly verified = new Map<Endpoint, Promise<void>>();
  private readyPromise?: Promise<PublicClient>;
  private readonly signal?: AbortSignal;

  constructor(options: ChainReaderOptions) {
    this.label = options.label;
    this.signal = options.signal;
    this.chainId = options.chainId;
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    this.pool = new EndpointPool({
      chain: options.label,
      urls: options.urls,
      timeoutMs,
      hedgeDelayMs: options.hedgeDelayMs ?? defaultHedgeDelay(timeoutMs),
      signal: options.signal,
      gate: (endpoint) => this.verify(endpoint),
    });
    for (const url of options.urls) options.redactor.addUrl(url);
  }

  /** Requests and failures per endpoint, URLs redacted. */
  endpoints(): EndpointReport[] {
    return this.pool.endpoints.map((e) => ({
      chain: this.label,
      url: redactUrl(e.url),
      requests: e.requests,
      failures: e.failures,
    }));
  }

  /** Total JSON-RPC calls and HTTP requests made so far (batching makes calls ≥ requests). */
  traffic(): { httpRequests: number; rpcCalls: number } {
    return this.pool.endpoints.reduce(
      (sum, e) => ({ httpRequests: sum.httpRequests + e.requests, rpcCalls: sum.rpcCalls + e.calls }),
      { httpRequests: 0, rpcCalls: 0 },
    );
  }

  /**
   * An endpoint serves reads once it said the declared chain id. A live endpoint on another chain is a
   * misconfiguration that could make a check read the wrong venue: the whole chain fails from then on.
   */
  private verify(endpoint: Endpoint): Promise<void> {
    let probe = this.verified.get(endpoint);
    if (!probe) {
      probe = (async () => {
        const answer = await endpoint.request({ method: 'eth_chainId' }, this.signal);
        if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(answer)) {
          throw new Error('eth_chainId answered with something that is not a quantity');
        }
        const id = hexToNumber(answer as Hex);
        if (id === this.chainId) return;
        const mismatch = new ChainMismatchError(
          this.label,
          endpoint.label,
          'wrong-chain',
          `${this.label} RPC ${endpoint.label} serves chain id ${id}, but the checklist declares ${this.chainId}`,
        );
        this.pool.fatal ??= mismatch;
        throw mismatch;
      })();
      this.verified.set(endpoint, probe);
      probe.catch((error: unknown) => {
        if (!(error instanceof ChainMismatchError)) this.verified.delete(endpoint);
      });
    }
    return probe;
  }

  private makeClient(multicall: boolean): PublicClient {
    return createPublicClient({
      transport: this.pool.transport(),
      batch: multicall ? { multicall: { wait: 0 } } : undefined,
      chain: {
        id: this.chainId,
        name: `${this.label} ${this.chainId}`,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: this.pool.endpoints.map((e) => e.url) } },
        contracts: multicall ? { multicall3: { address: MULTICALL3 } } : undefined,
      },
      cacheTime: 0,
    }) as PublicClient;
  }

  /**
   * Checks the endpoints' chain ids, then probes for Multicall3. Memoized. Waits for every endpoint's
   * answer, but not long for a silent one: once an endpoint answered, the others get the hedge delay;
   * one that answers later is checked before it serves its first read, and a wrong chain id then
   * still fails the chain.
   */
  private ready(): Promise<PublicClient> {
    this.readyPromise ??= (async () => {
      const probes = this.pool.endpoints.map((e) => this.pool.admit(e));
      const settled = Promise.allSettled(probes);
      const first = await Promise.any(probes).then(
        () => true,
        () => false,
      );
      if (first) {
        let grace: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          settled,
          new Promise((resolve) => {
            grace = setTimeout(resolve, this.pool.hedgeDelayMs);
          }),
        ]);
        clearTimeout(grace);
      }
      if (this.pool.fatal) throw this.pool.fatal;
      if (!first) {
        const failures = (await settled).flatMap((a) =>
          a.status === 'rejected' && a.reason instanceof RpcEndpointError ? [a.reason] : [],
        );
        const rejected = (await settled).find((a): a is PromiseRejectedResult => a.status === 'rejected');
        throw failures.length > 1
          ? new RpcEndpointError(
              this.label,
              failures[0]?.endpoint ?? '',
              failures[0]?.cause ?? 'refused',
              allFailedMessage(this.label, failures),
              failures,
            )
          : (rejected?.reason ?? new Error(`no ${this.label} RPC endpoint answered`));
      }
      const base = this.makeClient(false);
      const code = await base.getCode({ address: MULTICALL3 });
      return code && code !== '0x' ? this.makeClient(true) : base;
    })();
    return this.readyPromise;
  }

  /**
   * One client per endpoint, without fallback: for comparing what each endpoint says. Labels are
   * redacted and numbered (two keys on one host redact alike).
   */
  async endpointClients(): Promise<{ label: string; client: PublicClient }[]> {
    await this.ready();
    return this.pool.endpoints.map((endpoint) => ({
      label: endpoint.label,
      client: createPublicClient({ transport: this.pool.transport(endpoint), cacheTime: 0 }) as PublicClient,
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
