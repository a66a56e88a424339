/**
 * Pyth price reads. viem ships no Pyth ABI; the one view needed is declared here with the signature
 * of @pythnetwork/pyth-sdk-solidity's IPyth.
 */
import { type Address, type Hex, parseAbi } from 'viem';
import type { ChainReader } from '../rpc/reader.js';

export const pythAbi = parseAbi([
  'struct Price { int64 price; uint64 conf; int32 expo; uint256 publishTime; }',
  'function getPriceUnsafe(bytes32 id) view returns (Price price)',
]);

export interface PythPrice {
  contract: Address;
  priceId: Hex;
  /** price × 10^expo. */
  price: number;
  /** Confidence interval (±) in the same units. */
  confidence: number;
  /** Seconds since the epoch. */
  publishTime: number;
}

/** The latest on-chain price of `priceId`, however old (the check judges the age). */
export async function readPythPrice(
  reader: ChainReader,
  contract: Address,
  priceId: Hex,
): Promise<PythPrice> {
  const raw = await reader.readContract({
    address: contract,
    abi: pythAbi,
    functionName: 'getPriceUnsafe',
    args: [priceId],
  });
  // Dividing by 10^−expo keeps decimal prices exact (303549000000 / 1e8 = 3035.49, not …0000002).
  const scaled = (value: bigint) =>
    raw.expo < 0 ? Number(value) / 10 ** -raw.expo : Number(value) * 10 ** raw.expo;
  return {
    contract,
    priceId,
    price: scaled(raw.price),
    confidence: scaled(raw.conf),
    publishTime: Number(raw.publishTime),
  };
}
