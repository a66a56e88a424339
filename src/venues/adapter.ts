/**
 * The stack adapter: what a check asks a venue, whatever the venue runs on. EVM stacks answer through
 * the shared ChainReader; dYdX v4 through its indexer, CometBFT RPC and Cosmos REST. A question a stack
 * cannot answer rejects with NotApplicable (the check is `skip`, with the reason) — so checks never
 * branch on the stack.
 */
import { NotApplicable } from '../core/errors.js';
import type { Stack } from '../core/result.js';
import { incompressibleData, L1_DATA_FEE } from '../protocols/l1DataFee.js';
import type { ChainReader } from '../rpc/reader.js';

export interface Head {
  height: bigint;
  /** Seconds since the epoch (fractional on chains that keep sub-second block times). */
  timestamp: number;
  hash: string;
}

export interface TransactionCost {
  /** What one transaction costs in the native currency's smallest unit (wei); 0 when trading is gasless. */
  totalWei: bigint;
  gasPriceWei: bigint;
  l1Wei: bigint;
  source: string;
}

export interface PerpMarket {
  ticker: string;
  status: string;
  oraclePrice: number;
  /** The venue's next funding rate for one hour (positive: longs pay shorts). */
  nextFundingRate1h: number;
  /** When the venue's data is as of: seconds since the epoch, and the height. */
  asOf: number;
  asOfHeight: bigint;
}

export interface FeeTier {
  name: string;
  makerBps: number;
  takerBps: number;
}

export interface VenueAdapter {
  readonly stack: Stack;
  latestHead(): Promise<Head>;
  /** `count` consecutive heads ending at `height` (inclusive), oldest first; fewer near genesis. */
  headsEndingAt(height: bigint, count: number): Promise<Head[]>;
  transactionCost(sample: { gas: number; bytes: number }): Promise<TransactionCost>;
  perpMarket(ticker: string): Promise<PerpMarket>;
  /**
   * The smallest relative move the venue writes as a new oracle price (dYdX v4: the market's
   * `min_price_change_ppm`): below it the price stays put, so an unchanged price can be a calm market.
   */
  minPriceChange(ticker: string): Promise<{ ppm: number; source: string }>;
  feeTier(name: string): Promise<FeeTier>;
  /** The venue's own insurance fund, in USD, where the venue reports one. */
  insuranceFund(): Promise<{ usd: number; holder: string; source: string }>;
}

/** Any address: an L1 data fee depends on the bytes, not on where they go. */
const SAMPLE_TO = '0x000000000000000000000000000000000000dEaD';

/** EVM stacks (OP Stack, Arbitrum, plain EVM): blocks and gas through the shared reader. */
export class EvmAdapter implements VenueAdapter {
  constructor(
    readonly stack: Stack,
    private readonly l2: ChainReader,
  ) {}

  async latestHead(): Promise<Head> {
    const block = await this.l2.latestBlock();
    return { height: block.number ?? 0n, timestamp: Number(block.timestamp), hash: block.hash ?? '' };
  }

  async headsEndingAt(height: bigint, count: number): Promise<Head[]> {
    // The window judges the sequencer's recent cadence: refused when the run's head is past the bound.
    await this.l2.stateHead();
    const first = height - BigInt(count - 1) < 0n ? 0n : height - BigInt(count - 1);
    const numbers: bigint[] = [];
    for (let n = first; n <= height; n += 1n) numbers.push(n);
    const blocks = await Promise.all(numbers.map((n) => this.l2.block(n)));
    return blocks.map((b) => ({
      height: b.number ?? 0n,
      timestamp: Number(b.timestamp),
      hash: b.hash ?? '',
    }));
  }

  async transactionCost(sample: { gas: number; bytes: number }): Promise<TransactionCost> {
    const [gasPriceWei, l1] = await Promise.all([
      this.l2.gasPrice(),
      L1_DATA_FEE[this.stack](this.l2, { to: SAMPLE_TO, data: incompressibleData(sample.bytes) }),
    ]);
    return {
      totalWei: BigInt(sample.gas) * gasPriceWei + l1.wei,
      gasPriceWei,
      l1Wei: l1.wei,
      source: l1.source,
    };
  }

  async perpMarket(): Promise<PerpMarket> {
    throw new NotApplicable(
      `an ${this.stack} venue publishes no market data l2preflight can read (dYdX v4 does)`,
    );
  }

  async minPriceChange(): Promise<{ ppm: number; source: string }> {
    throw new NotApplicable(
      `an ${this.stack} venue publishes no market data l2preflight can read (dYdX v4 does)`,
    );
  }

  async feeTier(): Promise<FeeTier> {
    throw new NotApplicable(
      `fee tiers are read from dYdX v4 only; on ${this.stack} give makerFeeBps and takerFeeBps`,
    );
  }

  async insuranceFund(): Promise<{ usd: number; holder: string; source: string }> {
    throw new NotApplicable(`on ${this.stack}, value the fund with insurance.fund (holder and assets)`);
  }
}
