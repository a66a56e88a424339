/**
 * Reads of a function that only some versions of a contract have (a portal's anchorStateRegistry(), a
 * timelock's getMinDelay()). The contract's own answer — it reverted, or returned no data because the
 * function or the code is not there — means "absent". Anything else (a timeout, HTTP 429, a refused
 * connection, a batch answered short) is the RPC failing, not the contract answering: taking it for
 * "absent" would silently drop a rule (retired games, a paused SuperchainConfig) and let a check pass.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  ExecutionRevertedError,
} from 'viem';

/**
 * Whether a failed contract read is the node saying the call reverted or returned nothing. viem names
 * both in the error's cause chain, whether the call went alone (an execution-reverted RPC error) or
 * inside Multicall3 (a per-call failure); a failed request never carries them. The transport passes
 * only such deterministic answers through as they are (rpcErrors.ts), and turns everything else into
 * an RpcEndpointError.
 */
export function isAbsentAnswer(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    error.walk(
      (e) =>
        e instanceof ContractFunctionRevertedError ||
        e instanceof ContractFunctionZeroDataError ||
        e instanceof ExecutionRevertedError,
    ) !== null
  );
}

/** The read's value, or undefined when the contract answered that it has no such function; RPC failures rethrow. */
export async function readIfPresent<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isAbsentAnswer(error)) return undefined;
    throw error;
  }
}
