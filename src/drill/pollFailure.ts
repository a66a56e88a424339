/**
 * Whether an error that ended one poll of a drill is a failed read, and the line that says so. A failed
 * read — an endpoint that timed out, refused, answered an HTTP or JSON-RPC error or something that is not
 * JSON-RPC; a contract read that reverted (a node may answer a read at its head from a block it is still
 * mining); a receipt not seen in time — says nothing about the withdrawal: the next poll reads again,
 * and the journal, which holds every transaction the drill signed before it was broadcast, resumes it
 * where it stood. A transaction the chain refuses, a live endpoint on another chain, and anything nobody
 * planned for (a bug) are not read failures: they end the drill as before.
 *
 * A failed read is `lasting` when waiting will not clear it (a key the endpoint refuses, a host that does
 * not resolve, an answer that is not JSON-RPC, a method the node does not serve, a state the node does
 * not keep, a read that reverts): the poll loop gives up once the same one repeats (failureStreak.ts).
 * A revert is lasting although one may be a race (anvil answering a read from the block it is mining):
 * the race clears at the next poll, a revert that repeats does not.
 */
import {
  BaseError,
  CallExecutionError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  EstimateGasExecutionError,
  HttpRequestError,
  RawContractError,
  ResponseBodyTooLargeError,
  RpcError,
  RpcRequestError,
  TimeoutError,
  TransactionExecutionError,
  WaitForTransactionReceiptTimeoutError,
} from 'viem';
import {
  ChainMismatchError,
  errorMessage,
  MalformedResponseError,
  MeasurementError,
  RpcEndpointError,
  type RpcFailureCause,
  walkCauses,
} from '../core/errors.js';
import { nodeSaidRevert } from '../rpc/probe.js';
import { redactUrl } from '../rpc/redact.js';
import { classifyRpcFailure } from '../rpc/rpcErrors.js';

type ErrorClass = abstract new (...args: never[]) => unknown;

const found = (error: unknown, ...types: ErrorClass[]): unknown =>
  walkCauses(error, (e) => types.some((type) => e instanceof type));

/** What viem's own HTTP transport (the drill's public and wallet clients) throws when a request fails. */
const TRANSPORT = [
  HttpRequestError,
  TimeoutError,
  RpcRequestError,
  RpcError,
  ResponseBodyTooLargeError,
] as const;
/** viem's transport timeout (the drill's clients keep it): only for the words of a timeout. */
const VIEM_TIMEOUT_MS = 10_000;

/** A read that reverted or answered nothing decodable (not a transaction: see SENT). */
const READ_REVERT = [
  CallExecutionError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  RawContractError,
] as const;
/** A transaction the node refused while it was prepared or sent: the protocol said no. */
const SENT = [EstimateGasExecutionError, TransactionExecutionError] as const;

/** What an endpoint does that the next poll will find the same: someone has to fix it. */
const LASTING_CAUSES = new Set<RpcFailureCause>([
  'http-401',
  'http-403',
  'dns',
  'tls',
  'bad-json',
  'too-large',
]);

const lastingRpc = (cause: RpcFailureCause, says: string) =>
  LASTING_CAUSES.has(cause) || (cause === 'rpc-error' && /method not served/.test(says));

/** Every endpoint tried failed lastingly (one endpoint: its own cause). */
const lastingEndpoint = (error: RpcEndpointError): boolean =>
  error.failures.length > 0 ? error.failures.every(lastingEndpoint) : lastingRpc(error.cause, error.message);

/** A failed read: what failed in one line, and whether waiting can clear it. */
export interface PollFailure {
  says: string;
  lasting: boolean;
}

/** One line, bounded: viem's messages run over several lines and may quote calldata. */
const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
};

/**
 * What failed, in one line (URLs redacted to their host; the caller's redactor covers the rest), or
 * undefined when the error is not a failed read and must end the drill.
 */
export function pollFailure(error: unknown): PollFailure | undefined {
  if (found(error, ChainMismatchError)) return undefined;
  const endpoint = found(error, RpcEndpointError) as RpcEndpointError | undefined;
  if (endpoint) return { says: oneLine(endpoint.message), lasting: lastingEndpoint(endpoint) };
  if (found(error, ...TRANSPORT)) {
    const classified = classifyRpcFailure(error, VIEM_TIMEOUT_MS);
    if (classified && classified.cause !== 'aborted') {
      const url = (found(error, HttpRequestError, TimeoutError, RpcRequestError) as { url?: unknown })?.url;
      return {
        says: oneLine(`RPC ${typeof url === 'string' ? `${redactUrl(url)} ` : ''}${classified.says}`),
        lasting: lastingRpc(classified.cause, classified.says),
      };
    }
  }
  if (found(error, WaitForTransactionReceiptTimeoutError))
    return { says: oneLine(errorMessage(error)), lasting: false };
  // An answer that does not parse, a state the node does not keep (an archive endpoint is needed).
  if (found(error, MalformedResponseError, MeasurementError))
    return { says: oneLine(errorMessage(error)), lasting: true };
  if (found(error, ...SENT)) return undefined;
  if (found(error, ...READ_REVERT)) {
    // Lasting only when the node said revert, or the contract answered nothing: a node condition viem
    // also reports as a revert ("execution aborted (timeout)", a gas cap) may clear at the next poll.
    const answered =
      found(error, ContractFunctionZeroDataError) !== undefined ||
      (error instanceof BaseError && nodeSaidRevert(error));
    return { says: oneLine(`a read reverted: ${errorMessage(error)}`), lasting: answered };
  }
  // A JSON-RPC error answer outside a contract read or a transaction (a receipt read answered -32000
  // "request timed out"): a failed read, which the next poll may not meet.
  if (found(error, ...TRANSPORT))
    return { says: oneLine(`RPC answered: ${errorMessage(error)}`), lasting: false };
  return undefined;
}

/** How long to wait before the next poll after `failures` failed ones in a row: 1 s, doubling, at most 30 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
}
