/**
 * The L1 data fee of an L2 transaction, per stack: what a rollup charges on top of L2 execution gas
 * for posting the transaction's bytes to L1. One table, so checks never branch on the stack.
 */
import { type Address, bytesToHex, type Hex, keccak256, parseAbi } from 'viem';
import { estimateL1Fee } from 'viem/op-stack';
import { NotApplicable } from '../checks/define.js';
import type { ChainReader } from '../engine/reader.js';
import type { Stack } from '../engine/result.js';

export interface SampleTransaction {
  to: Address;
  data: Hex;
}

export interface L1DataFee {
  wei: bigint;
  /** Where the figure came from, for the evidence. */
  source: string;
}

/** Arbitrum's NodeInterface: a virtual contract the node answers (not real code), at a fixed address. */
const NODE_INTERFACE: Address = '0x00000000000000000000000000000000000000C8';
const nodeInterfaceAbi = parseAbi([
  'function gasEstimateL1Component(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)',
]);

/**
 * Calldata of `size` bytes that does not compress (a keccak chain): Fjord-era OP Stack fees depend on
 * the compressed size, and a repeated byte would make the estimate far too cheap.
 */
export function incompressibleData(size: number): Hex {
  const bytes = new Uint8Array(size);
  let block: Hex = keccak256('0x6c32707265666c69676874'); // "l2preflight"
  for (let offset = 0; offset < size; offset += 32) {
    bytes.set(Buffer.from(block.slice(2), 'hex').subarray(0, Math.min(32, size - offset)), offset);
    block = keccak256(block);
  }
  return bytesToHex(bytes);
}

export const L1_DATA_FEE: Record<Stack, (reader: ChainReader, tx: SampleTransaction) => Promise<L1DataFee>> =
  {
    'op-stack': async (reader, tx) => ({
      wei: await estimateL1Fee(await reader.client(), { to: tx.to, data: tx.data, chain: null } as never),
      source: 'GasPriceOracle.getL1Fee (0x420000000000000000000000000000000000000F)',
    }),
    arbitrum: async (reader, tx) => {
      const client = await reader.client();
      const { result } = await client.simulateContract({
        address: NODE_INTERFACE,
        abi: nodeInterfaceAbi,
        functionName: 'gasEstimateL1Component',
        args: [tx.to, false, tx.data],
      });
      const [gasForL1, baseFee] = result;
      return { wei: gasForL1 * baseFee, source: 'NodeInterface.gasEstimateL1Component (0xC8)' };
    },
    evm: async () => ({ wei: 0n, source: 'none: a plain EVM chain has no L1 data fee' }),
    'dydx-v4': async () => {
      throw new NotApplicable('dYdX v4 charges no gas for trading');
    },
  };
