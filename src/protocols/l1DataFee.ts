/**
 * The L1 data fee of an L2 transaction, per stack: what a rollup charges on top of L2 execution gas
 * for posting the transaction's bytes to L1. One table, so checks never branch on the stack.
 */
import {
  type Address,
  BaseError,
  bytesToHex,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  formatGwei,
  type Hex,
  keccak256,
  parseAbi,
  zeroAddress,
} from 'viem';
import { estimateL1Fee } from 'viem/op-stack';
import { MeasurementError, NotApplicable, RpcEndpointError } from '../core/errors.js';
import type { Stack } from '../core/result.js';
import type { ChainReader } from '../rpc/reader.js';

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

const AT_NODE_INTERFACE = `NodeInterface (${NODE_INTERFACE}, an ArbOS precompile)`;

/**
 * Why NodeInterface gave no fee, in words a desk can act on. NodeInterface is not code: an Arbitrum
 * (Nitro) node answers calls to it itself, so a plain EVM node, a proxy or a non-Arbitrum chain behind
 * the venue's L2 RPC has nothing there and `eth_call` returns 0x. That must read as "not measured",
 * never as an L1 fee of zero. An endpoint that failed keeps its own message (which endpoint, what cause).
 */
export function nodeInterfaceError(error: unknown): unknown {
  if (!(error instanceof BaseError) || error.walk((e) => e instanceof RpcEndpointError)) return error;
  const advice =
    "the Arbitrum L1 data fee cannot be read: point the venue's l2.rpc at an Arbitrum (Nitro) node";
  if (error.walk((e) => e instanceof ContractFunctionZeroDataError)) {
    return new MeasurementError(
      `the L2 endpoint did not answer ${AT_NODE_INTERFACE}: eth_call to gasEstimateL1Component returned no data (0x), as a plain EVM node does; ${advice}`,
    );
  }
  if (error.walk((e) => e instanceof ContractFunctionRevertedError)) {
    return new MeasurementError(`${AT_NODE_INTERFACE} reverted gasEstimateL1Component; ${advice}`);
  }
  if (error instanceof ContractFunctionExecutionError) {
    // Data that does not decode as (uint64, uint256, uint256): whatever answered is not NodeInterface.
    return new MeasurementError(
      `the L2 endpoint answered ${AT_NODE_INTERFACE} gasEstimateL1Component with data that does not decode; ${advice}`,
    );
  }
  return error;
}

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
      wei: await estimateL1Fee(await reader.client(), {
        // viem's type asks for a sender, but the fee is priced on the unsigned serialization, which
        // carries none: any address gives the same figure.
        account: zeroAddress,
        to: tx.to,
        data: tx.data,
        chain: null,
      }),
      source: 'GasPriceOracle.getL1Fee (0x420000000000000000000000000000000000000F)',
    }),
    arbitrum: async (reader, tx) => {
      const client = await reader.client();
      const [gasForL1, baseFee, l1BaseFeeEstimate] = await client
        .simulateContract({
          address: NODE_INTERFACE,
          abi: nodeInterfaceAbi,
          functionName: 'gasEstimateL1Component',
          args: [tx.to, false, tx.data],
        })
        .then(
          ({ result }) => result,
          (error: unknown) => Promise.reject(nodeInterfaceError(error)),
        );
      // The L1 part is charged as L2 gas at the L2 base fee; the three figures go in the evidence so a
      // zero from ArbOS's L1 pricer shows as such rather than as a missing term.
      return {
        wei: gasForL1 * baseFee,
        source: `NodeInterface.gasEstimateL1Component (0xC8): ${gasForL1} L2 gas for L1 × ${formatGwei(baseFee)} gwei L2 base fee (ArbOS L1 base fee estimate ${formatGwei(l1BaseFeeEstimate)} gwei)`,
      };
    },
    evm: async () => ({ wei: 0n, source: 'none: a plain EVM chain has no L1 data fee' }),
    'dydx-v4': async () => {
      throw new NotApplicable('dYdX v4 charges no gas for trading');
    },
  };
