/** Reading the bridge outside a check run (the drill), through a one-off reader. */
import type { Address } from 'viem';
import type { ChainConfig } from '../checklist/model.js';
import { type BridgeState, readBridge } from '../protocols/opStack.js';
import { ChainReader } from '../rpc/reader.js';
import { Redactor } from '../rpc/redact.js';

export function readBridgeFromUrl(l1: ChainConfig, portal: Address): Promise<BridgeState> {
  return readBridge(
    new ChainReader({ label: 'l1', chainId: l1.chainId, urls: l1.rpc, redactor: new Redactor() }),
    portal,
  );
}
