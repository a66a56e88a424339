/**
 * The venue as one run sees it: its chain readers, its stack adapter and what it can do, built once
 * from the loaded checklist. Checks declare their needs against `capabilities` (the loader refuses an
 * unmet one at the check's line, from the same `capabilitiesOf`); the engine asks the session for
 * readers and never picks an adapter itself. A venue without an EVM chain (dYdX v4) has no `l2`.
 */
import type { Checklist } from '../checklist/model.js';
import { capabilitiesOf, type VenueCapabilities } from '../checks/requires.js';
import type { EndpointReport, Stack } from '../core/result.js';
import { type ChainLabel, ChainReader } from '../rpc/reader.js';
import type { Redactor } from '../rpc/redact.js';
import { maxBlockAgeFor } from '../rpc/staleness.js';
import { resolveRpcTimeout } from '../rpc/transport.js';
import { EvmAdapter, type VenueAdapter } from '../venues/adapter.js';
import { DydxAdapter } from '../venues/dydx.js';

export interface Traffic {
  httpRequests: number;
  rpcCalls: number;
}

export interface VenueSession {
  readonly stack: Stack;
  readonly capabilities: VenueCapabilities;
  /** The venue's EVM L2; absent when the venue has no EVM chain. */
  readonly l2?: ChainReader;
  /** The venue's L1, when the checklist declares one. */
  readonly l1?: ChainReader;
  /** What a check asks the venue whatever its stack (heads, costs, markets). */
  readonly venue: VenueAdapter;
  /** One reader per reference chain (chain id and endpoints) for the whole session. */
  referenceChain(chain: { chainId: number; rpc: string[] }): ChainReader;
  /** Requests sent so far, over every reader. */
  traffic(): Traffic;
  /** Every endpoint the session's readers know, redacted, for the report. */
  endpoints(): EndpointReport[];
}

export interface SessionOptions {
  redactor: Redactor;
  /** Aborting it cancels every in-flight request of the session (the run's deadline or interrupt). */
  signal: AbortSignal;
  now: () => number;
  /** The run's per-check timeout, from which the per-request timeout follows unless it is given. */
  checkTimeoutMs: number;
  rpcTimeoutMs?: number;
  /** Oldest head a state read accepts, every chain; else the checklist's, else per stack. */
  maxBlockAgeMs?: number;
}

export function createVenueSession(checklist: Checklist, options: SessionOptions): VenueSession {
  const { venue } = checklist;
  const requestTimeoutMs = resolveRpcTimeout(
    options.checkTimeoutMs,
    options.rpcTimeoutMs ?? checklist.defaults.rpcTimeoutMs,
  );
  const configuredBlockAge = options.maxBlockAgeMs ?? checklist.defaults.maxBlockAgeMs;
  const reader = (label: ChainLabel, chain: { chainId: number; rpc: string[] }) =>
    new ChainReader({
      label,
      chainId: chain.chainId,
      urls: chain.rpc,
      redactor: options.redactor,
      requestTimeoutMs,
      signal: options.signal,
      maxBlockAgeMs: maxBlockAgeFor(label, venue.stack, configuredBlockAge),
      now: options.now,
    });

  const l2 = venue.l2 ? reader('l2', venue.l2) : undefined;
  const l1 = venue.l1 ? reader('l1', venue.l1) : undefined;
  const adapter = adapterFor(venue, l2, options);
  const references = new Map<string, ChainReader>();
  const readers = () => [l2, l1, ...references.values()].filter((r): r is ChainReader => r !== undefined);

  return {
    stack: venue.stack,
    capabilities: capabilitiesOf(venue),
    l2,
    l1,
    venue: adapter,
    referenceChain(chain) {
      const key = `${chain.chainId} ${chain.rpc.join(' ')}`;
      let found = references.get(key);
      if (!found) {
        found = reader('reference', chain);
        references.set(key, found);
      }
      return found;
    },
    traffic: () =>
      readers().reduce(
        (sum, r) => {
          const t = r.traffic();
          return { httpRequests: sum.httpRequests + t.httpRequests, rpcCalls: sum.rpcCalls + t.rpcCalls };
        },
        { httpRequests: 0, rpcCalls: 0 },
      ),
    endpoints: () => readers().flatMap((r) => r.endpoints()),
  };
}

/** dYdX v4 answers through its own APIs; every EVM stack through its L2 reader. */
function adapterFor(
  venue: Checklist['venue'],
  l2: ChainReader | undefined,
  options: SessionOptions,
): VenueAdapter {
  if (venue.dydx) return new DydxAdapter(venue.dydx, options.redactor, options.signal);
  if (!l2) throw new Error(`the ${venue.stack} venue declares neither an L2 nor dYdX endpoints`);
  return new EvmAdapter(venue.stack, l2);
}
