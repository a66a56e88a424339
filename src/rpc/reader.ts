/**
 * One reader per chain per run. It wraps a viem public client over every RPC URL of the chain
 * (hedged fallback, see transport.ts), batches JSON-RPC calls in the same tick, aggregates contract reads through Multicall3
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
  formatBlock,
  type Hex,
  hexToNumber,
  type PublicClient,
  type ReadContractParameters,
  type ReadContractReturnType,
  type RpcBlock,
} from 'viem';
import { ChainMismatchError, MalformedResponseError, RpcEndpointError } from '../core/errors.js';
import type { EndpointReport } from '../core/result.js';
import { MULTICALL3 } from '../core/wellKnown.js';
import { type Redactor, redactUrl } from './redact.js';
import { allFailedMessage } from './rpcErrors.js';
import { assertFresh, type EndpointHead, orderByHead } from './staleness.js';
import { DEFAULT_RPC_TIMEOUT_MS, defaultHedgeDelay, type Endpoint, EndpointPool } from './transport.js';

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
  private readonly pool: EndpointPool;
  private readonly memo = new Map<string, Promise<unknown>>();
  /** Each endpoint's chain-id check, memoized while it holds (a failed probe is tried again). */
  private readonly verified = new Map<Endpoint, Promise<void>>();
  /** The head each endpoint reported with its chain id (the gate's probe). */
  private readonly probedHeads = new Map<Endpoint, Block>();
  /** Whether the endpoint had code at Multicall3's address at that head (asked in the same batch). */
  private readonly probedMulticall = new Map<Endpoint, boolean>();
  private readyPromise?: Promise<PublicClient>;
  /** A client that never folds reads into Multicall3 (readContractAlone), made when first needed. */
  private aloneClient?: PublicClient;
  private readonly signal?: AbortSignal;
  private readonly maxBlockAgeMs?: number;
  private readonly clock: () => number;
  private runHead?: RunHead;

  constructor(options: ChainReaderOptions) {
    this.label = options.label;
    this.maxBlockAgeMs = options.maxBlockAgeMs;
    this.clock = options.now ?? Date.now;
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
    return this.pool.endpoints.map((e) => {
      const head = this.runHead?.heads.find((h) => h.index === e.index);
      return {
        chain: this.label,
        url: redactUrl(e.url),
        requests: e.requests,
        failures: e.failures,
        ...(head ? { head: { block: Number(head.block), ageMs: Math.round(head.ageMs) } } : {}),
      };
    });
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
        // One batched HTTP request: the chain id, the endpoint's head for choosing the run's head, and
        // whether Multicall3 is deployed (asked here rather than after, so that it costs no round trip
        // of its own; an endpoint that cannot say is asked again once the head is chosen).
        const [answer, head, multicall] = await Promise.all([
          endpoint.request({ method: 'eth_chainId' }, this.signal),
          endpoint.request({ method: 'eth_getBlockByNumber', params: ['latest', false] }, this.signal),
          endpoint
            .request({ method: 'eth_getCode', params: [MULTICALL3, 'latest'] }, this.signal)
            .catch(() => undefined),
        ]);
        if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(answer)) {
          throw new Error('eth_chainId answered with something that is not a quantity');
        }
        const id = hexToNumber(answer as Hex);
        if (id === this.chainId) {
          if (head && typeof head === 'object')
            this.probedHeads.set(endpoint, checkedBlock(formatBlock(head as RpcBlock), this.label));
          if (typeof multicall === 'string') this.probedMulticall.set(endpoint, multicall !== '0x');
          return;
        }
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
   * Checks the endpoints' chain ids and learns from the same probe whether Multicall3 is deployed
   * (asking the chosen head's endpoint again, pinned, only when its probe could not say). Memoized. Waits for every endpoint's
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
      this.selectHead();
      const known = this.runHead && this.probedMulticall.get(this.headEndpoint(this.runHead));
      if (known !== undefined) return this.makeClient(known);
      const base = this.makeClient(false);
      const code = await base.getCode({
        address: MULTICALL3,
        blockNumber: this.runHead?.block.number ?? undefined,
      });
      return code && code !== '0x' ? this.makeClient(true) : base;
    })();
    return this.readyPromise;
  }

  /**
   * Head selection (see staleness.ts): the run's head is the freshest admitted endpoint's; reads go to
   * the endpoints within the bound, freshest first, and an endpoint past the bound is benched while a
   * fresh one serves (it could only answer with old state, or not at all). Endpoints that did not
   * answer the probe in time stay last: they may come back, and a pinned read keeps them honest.
   */
  private selectHead(): void {
    const now = this.clock();
    const heads: EndpointHead[] = [...this.probedHeads].map(([endpoint, block]) => ({
      index: endpoint.index,
      endpoint: endpoint.label,
      block: block.number ?? 0n,
      timestamp: Number(block.timestamp),
      ageMs: now - Number(block.timestamp) * 1000,
    }));
    if (heads.length === 0) return;
    const { head, order } = orderByHead(heads, now, this.maxBlockAgeMs);
    const block = [...this.probedHeads].find(([e]) => e.index === head.index)?.[1] as Block;
    this.runHead = { block, head, heads };
    this.memo.set(`block:${head.block}`, Promise.resolve(block));
    const serving = new Set(order.map((h) => h.index));
    this.pool.rank(
      order.map((h) => h.index),
      heads.filter((h) => !serving.has(h.index)).map((h) => h.index),
    );
  }

  private headEndpoint(run: RunHead): Endpoint {
    return this.pool.endpoints[run.head.index] as Endpoint;
  }

  /**
   * The run's head, once ready() chose it (a reader whose endpoints all failed never gets here; one
   * whose endpoints answered the chain id but no block for "latest" does).
   */
  private chosenHead(): RunHead {
    if (!this.runHead) throw new MalformedResponseError(`no ${this.label} RPC endpoint reported its head`);
    return this.runHead;
  }

  /**
   * The head state reads are pinned at, after checking it is within the bound: a StaleReadError names
   * the endpoint and the block's age. Checks that measure the head itself use latestBlock() instead.
   */
  async stateHead(): Promise<Block> {
    await this.ready();
    const run = this.chosenHead();
    assertFresh(this.label, run.head, run.heads, this.clock(), this.maxBlockAgeMs);
    return run.block;
  }

  /** The client and the block number for a state read at the run's head. */
  private async pinned(): Promise<{ client: PublicClient; blockNumber: bigint }> {
    const client = await this.ready();
    const block = await this.stateHead();
    return { client, blockNumber: block.number ?? 0n };
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
    return this.chosenHead().block;
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

  /**
   * Runs EVM code at the run's head without deploying it (an eth_call without `to` executes the code
   * and answers its return data): reads that depend on one another then cost one round trip, not one
   * each. A revert rejects as viem's call does (ExecutionRevertedError in the cause chain).
   */
  execute(code: Hex): Promise<Hex | undefined> {
    return this.memoize(`execute:${code}`, async () => {
      const { client, blockNumber } = await this.pinned();
      return (await client.call({ data: code, blockNumber })).data;
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
    return this.memoize(`call:${callKey(parameters)}`, async () => {
      const { client, blockNumber } = await this.pinned();
      return readAt(client, parameters, blockNumber);
    });
  }

  /** Whether readContract goes through Multicall3 (the chain has it at the run's head). */
  async usesMulticall(): Promise<boolean> {
    return Boolean((await this.ready()).batch?.multicall);
  }

  /**
   * The same read as readContract, at the same block, as an eth_call of its own: never inside
   * Multicall3, where a call that runs out of gas fails just as a revert does (success=false, no data).
   */
  readContractAlone<
    const abi extends Abi | readonly unknown[],
    functionName extends ContractFunctionName<abi, 'pure' | 'view'>,
    const args extends ContractFunctionArgs<abi, 'pure' | 'view', functionName>,
  >(
    parameters: ReadContractParameters<abi, functionName, args>,
  ): Promise<ReadContractReturnType<abi, functionName, args>> {
    return this.memoize(`call-alone:${callKey(parameters)}`, async () => {
      const { blockNumber } = await this.pinned();
      this.aloneClient ??= this.makeClient(false);
      return readAt(this.aloneClient, parameters, blockNumber);
    });
  }
}

/** A typed contract read through `client` at `blockNumber`: readContract and readContractAlone differ only in the client. */
function readAt<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, 'pure' | 'view'>,
  const args extends ContractFunctionArgs<abi, 'pure' | 'view', functionName>,
>(
  client: PublicClient,
  parameters: ReadContractParameters<abi, functionName, args>,
  blockNumber: bigint,
): Promise<ReadContractReturnType<abi, functionName, args>> {
  return client.readContract({ ...(parameters as ReadContractParameters), blockNumber }) as Promise<
    ReadContractReturnType<abi, functionName, args>
  >;
}

/** What identifies a contract read for the run's memo: the address, the function and its arguments. */
function callKey(parameters: { address?: Address; functionName: string; args?: unknown }): string {
  return `${String(parameters.address).toLowerCase()}:${parameters.functionName}:${JSON.stringify(
    parameters.args ?? [],
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  )}`;
}
