/**
 * Reads of a function that only some versions of a contract have (a portal's anchorStateRegistry(), a
 * timelock's getMinDelay()). The contract's own answer — it reverted, or returned no data because the
 * function or the code is not there — means "absent". Anything else (a timeout, HTTP 429, a refused
 * connection, a batch answered short) is the RPC failing, not the contract answering: taking it for
 * "absent" would silently drop a rule (retired games, a paused SuperchainConfig) and let a check pass.
 */
import {
  type Abi,
  BaseError,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  ExecutionRevertedError,
  type ReadContractParameters,
  type ReadContractReturnType,
} from 'viem';
import type { ChainReader } from './reader.js';

/**
 * Whether the node itself said the call reverted: JSON-RPC code 3 (or Multicall3's per-call failure,
 * which viem raises with code 3), or a node message that says "revert" (geth's -32000 "execution
 * reverted"). viem also maps node conditions that are no answer of the contract's, such as geth's
 * -32000 "gas required exceeds allowance" (the node's gas cap), to ExecutionRevertedError: the same
 * call may succeed on another node, so it must not read as "the function is not there".
 */
export function nodeSaidRevert(error: BaseError): boolean {
  return (
    error.walk((e) => {
      if (typeof e !== 'object' || e === null) return false;
      const { code, details, message } = e as { code?: unknown; details?: unknown; message?: unknown };
      if (typeof code !== 'number') return false;
      // `details` is the node's own message where viem wraps it (RpcRequestError); `message` where not.
      return code === 3 || /revert/i.test(String(details ?? message ?? ''));
    }) !== null
  );
}

/**
 * Whether a failed contract read is the node saying the call reverted or returned nothing. viem names
 * both in the error's cause chain, whether the call went alone (an execution-reverted RPC error) or
 * inside Multicall3 (a per-call failure); a failed request never carries them. The transport passes
 * only such deterministic answers through as they are (rpcErrors.ts), and turns everything else into
 * an RpcEndpointError; of what it passes, a revert counts only when the node said revert.
 */
export function isAbsentAnswer(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  if (error.walk((e) => e instanceof ContractFunctionZeroDataError) !== null) return true;
  const reverted =
    error.walk((e) => e instanceof ContractFunctionRevertedError || e instanceof ExecutionRevertedError) !==
    null;
  return reverted && nodeSaidRevert(error);
}

/**
 * The read's value, or undefined when the contract answered that it has no such function; RPC failures
 * rethrow. Through Multicall3 a call that runs out of gas comes back as a revert with no data (the
 * aggregate call's gas is shared, and a node's gas cap bounds it): an "absent" answer from there counts
 * only once the same read, as an eth_call of its own at the same block, says so too.
 */
export async function readIfPresent<
  const abi extends Abi | readonly unknown[],
  functionName extends ContractFunctionName<abi, 'pure' | 'view'>,
  const args extends ContractFunctionArgs<abi, 'pure' | 'view', functionName>,
>(
  reader: ChainReader,
  parameters: ReadContractParameters<abi, functionName, args>,
): Promise<ReadContractReturnType<abi, functionName, args> | undefined> {
  try {
    return await reader.readContract(parameters);
  } catch (error) {
    if (!isAbsentAnswer(error)) throw error;
    if (!(await reader.usesMulticall())) return undefined;
  }
  try {
    return await reader.readContractAlone(parameters);
  } catch (error) {
    if (isAbsentAnswer(error)) return undefined;
    throw error;
  }
}
