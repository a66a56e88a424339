import {
  type BaseError,
  ContractFunctionExecutionError,
  ContractFunctionZeroDataError,
  parseAbi,
} from 'viem';
import { describe, expect, it } from 'vitest';
import { MeasurementError, RpcEndpointError } from '../../src/core/errors.js';
import { nodeInterfaceError } from '../../src/protocols/l1DataFee.js';

const abi = parseAbi([
  'function gasEstimateL1Component(address, bool, bytes) returns (uint64, uint256, uint256)',
]);
const failed = (cause: BaseError) =>
  new ContractFunctionExecutionError(cause, {
    abi,
    functionName: 'gasEstimateL1Component',
    args: ['0x000000000000000000000000000000000000dEaD', false, '0x'],
    contractAddress: '0x00000000000000000000000000000000000000C8',
  });

describe('nodeInterfaceError (pure)', () => {
  it('keeps an endpoint failure as it is: which endpoint and why, not "no NodeInterface"', () => {
    const rpc = new RpcEndpointError(
      'l2',
      '#1 http://127.0.0.1:1/…',
      'refused',
      'l2 RPC #1 refused the connection',
    );
    const wrapped = failed(rpc);
    expect(nodeInterfaceError(wrapped)).toBe(wrapped);
  });

  it('turns an empty answer into a MeasurementError naming NodeInterface at 0x…C8', () => {
    const error = nodeInterfaceError(
      failed(new ContractFunctionZeroDataError({ functionName: 'gasEstimateL1Component' })),
    );
    expect(error).toBeInstanceOf(MeasurementError);
    expect((error as Error).message).toMatch(
      /did not answer NodeInterface \(0x0{38}C8, an ArbOS precompile\)/,
    );
  });

  it('passes anything that is not a viem error through', () => {
    const error = new Error('boom');
    expect(nodeInterfaceError(error)).toBe(error);
  });
});
