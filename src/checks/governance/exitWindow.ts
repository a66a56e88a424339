import { type Address, parseAbi } from 'viem';
import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { forceInclusionDelaySeconds, readForceInclusionDelay } from '../../protocols/arbitrum.js';
import { readBridge, withdrawalDelaySeconds } from '../../protocols/opStack.js';
import {
  isUpgradeExecutor,
  readExecutorHolders,
  readUpgradeAuthority,
  type UpgradeAuthority,
} from '../../protocols/upgradeAuthority.js';
import { readIfPresent } from '../../rpc/probe.js';
import type { ChainReader } from '../../rpc/reader.js';
import { defineCheck, MeasurementError } from '../define.js';
import { address, duration, enumeration, integer } from '../params.js';

/** Views of OpenZeppelin's TimelockController and of a Safe; viem ships neither ABI. */
const governanceAbi = parseAbi([
  'function getMinDelay() view returns (uint256)',
  'function getThreshold() view returns (uint256)',
  'function getOwners() view returns (address[])',
]);

const DAY_MS = 86_400_000;

/** L2BEAT's exit-window bands (risk framework): < 7 d red, 7–30 d yellow, ≥ 30 d green. */
export function exitWindowBand(windowMs: number): 'red' | 'yellow' | 'green' {
  if (windowMs < 7 * DAY_MS) return 'red';
  return windowMs < 30 * DAY_MS ? 'yellow' : 'green';
}

/**
 * L2BEAT's exit window: upgrade delay − exit delay, where on Arbitrum-stack chains the exit delay
 * includes the force-inclusion delay — a user the sequencer censors must first wait it out before the
 * withdrawal even starts (l2beat/l2beat packages/config/src/common/riskView.ts: EXIT_WINDOW,
 * EXIT_WINDOW_NITRO and EXIT_WINDOW_PERMISSIONLESS_BOLD pass the self-sequencing delay as exitDelay).
 */
export function exitWindowMs(delays: {
  upgradeDelayMs: number;
  withdrawalDelayMs: number;
  forceInclusionDelayMs?: number;
}): number {
  return delays.upgradeDelayMs - delays.withdrawalDelayMs - (delays.forceInclusionDelayMs ?? 0);
}

/** A party that upgrades by itself: a key, a timelock or a Safe. */
export type Holder =
  | { kind: 'eoa'; address: Address }
  | { kind: 'timelock'; address: Address; delayMs: number }
  | { kind: 'safe'; address: Address; threshold: number; owners: number };

/**
 * Arbitrum's UpgradeExecutor: it upgrades on the word of any EXECUTOR_ROLE holder, so the weakest
 * holder (shortest delay; at equal delay a key, then the Safe needing fewest signatures) decides.
 */
export interface ExecutorAuthority {
  kind: 'executor';
  address: Address;
  holders: Holder[];
  weakest: Holder;
  /** Granted in the searched logs, no longer held at the head. */
  revoked: Address[];
  logs: { fromBlock: number; toBlock: number; requests: number };
}

export type Authority = Holder | ExecutorAuthority;

/** Most eth_getLogs requests spent reconstructing EXECUTOR_ROLE holders. */
const MAX_ROLE_LOG_REQUESTS = 100;

const holderDelayMs = (holder: Holder) => (holder.kind === 'timelock' ? holder.delayMs : 0);
const holderRank = (holder: Holder) =>
  holder.kind === 'eoa' ? 0 : holder.kind === 'safe' ? holder.threshold : 0;

/** The holder an attacker would go through: shortest delay, then a key before a Safe, then fewest signatures. */
export function weakestHolder(holders: Holder[]): Holder | undefined {
  return [...holders].sort((a, b) => holderDelayMs(a) - holderDelayMs(b) || holderRank(a) - holderRank(b))[0];
}

interface Multisig {
  address: Address;
  threshold: number;
  owners: number;
}

export interface GovernanceObservation {
  admin: Authority;
  /** The Safe behind a timelock, when declared (or the admin itself when it is a Safe). */
  multisig?: Multisig;
  withdrawalDelayMs: number;
  withdrawalDelaySource: string;
  /** Who can upgrade `proxy`, read from the chain (absent when no proxy was given). */
  upgrade?: UpgradeAuthority;
  /** Arbitrum: the SequencerInbox's force-inclusion delay, counted into the exit delay. */
  forceInclusion?: { delayMs: number; source: string };
}

/** The admin itself when it is a Safe; for an UpgradeExecutor, its Safe holder needing fewest signatures. */
function weakestSafe(admin: Authority): Multisig | undefined {
  if (admin.kind === 'safe') return admin;
  if (admin.kind !== 'executor') return undefined;
  const safes = admin.holders.filter((holder) => holder.kind === 'safe');
  return [...safes].sort((a, b) => a.threshold - b.threshold)[0];
}

async function readSafe(reader: ChainReader, address: Address): Promise<Multisig | undefined> {
  const [threshold, owners] = await Promise.all([
    readIfPresent(reader, { address, abi: governanceAbi, functionName: 'getThreshold' }),
    readIfPresent(reader, { address, abi: governanceAbi, functionName: 'getOwners' }),
  ]);
  if (threshold === undefined || owners === undefined) return undefined;
  return { address, threshold: Number(threshold), owners: owners.length };
}

/** Where EXECUTOR_ROLE grants are searched for, when the authority is an UpgradeExecutor. */
export interface RoleLogSearch {
  fromBlock: number;
  logRange: number;
}

async function identifyHolder(reader: ChainReader, address: Address): Promise<Holder | undefined> {
  const code = await reader.code(address);
  if (!code || code === '0x') return { kind: 'eoa', address };
  const delay = await readIfPresent(reader, { address, abi: governanceAbi, functionName: 'getMinDelay' });
  if (delay !== undefined) return { kind: 'timelock', address, delayMs: Number(delay) * 1000 };
  const safe = await readSafe(reader, address);
  return safe ? { kind: 'safe', ...safe } : undefined;
}

const unknownContract = (address: Address, role = '') =>
  new MeasurementError(
    `${address}${role} is a contract that is neither a TimelockController (getMinDelay), a Safe (getThreshold) nor an UpgradeExecutor (EXECUTOR_ROLE): its upgrade delay cannot be told`,
  );

/**
 * What kind of upgrade authority `address` is: a timelock, a Safe, a key (no code), or an
 * UpgradeExecutor, judged by the holders of its EXECUTOR_ROLE read from its role logs.
 */
export async function identifyAuthority(
  reader: ChainReader,
  address: Address,
  search: RoleLogSearch = { fromBlock: 0, logRange: 100_000 },
): Promise<Authority> {
  const holder = await identifyHolder(reader, address);
  if (holder) return holder;
  if (!(await isUpgradeExecutor(reader, address))) throw unknownContract(address);
  const found = await readExecutorHolders(reader, address, { ...search, maxRequests: MAX_ROLE_LOG_REQUESTS });
  const holders = await Promise.all(
    found.holders.map(async (account) => {
      const judged = await identifyHolder(reader, account);
      if (!judged) throw unknownContract(account, `, an EXECUTOR_ROLE holder of UpgradeExecutor ${address},`);
      return judged;
    }),
  );
  const weakest = weakestHolder(holders);
  if (!weakest) {
    throw new MeasurementError(
      `no account holds EXECUTOR_ROLE of UpgradeExecutor ${address} among the RoleGranted logs of blocks ${found.fromBlock}–${found.toBlock}: give executorFromBlock at or before the executor's deployment`,
    );
  }
  return {
    kind: 'executor',
    address,
    holders,
    weakest,
    revoked: found.revoked,
    logs: { fromBlock: found.fromBlock, toBlock: found.toBlock, requests: found.requests },
  };
}

function describeHolder(holder: Holder): string {
  if (holder.kind === 'timelock') return `timelock ${holder.address}`;
  return holder.kind === 'safe'
    ? `Safe ${holder.address} with no delay`
    : `a single key (${holder.address}) with no delay`;
}

export const exitWindow = defineCheck({
  type: 'governance.exit-window',
  concern: 'governance',
  requires: {
    contracts: {
      admin: { chainFrom: 'on' },
      safe: { chainFrom: 'on' },
      proxy: { chainFrom: 'on' },
      portal: 'l1',
      sequencerInbox: 'l1',
    },
  },
  summary: 'Exit window (upgrade delay − withdrawal delay) and the admin multisig threshold',
  description:
    'Identifies the upgrade authority `admin`: an OpenZeppelin TimelockController (upgrade delay = getMinDelay), a ' +
    "Safe or a plain key (no delay: an upgrade can land in the next block), or Arbitrum's UpgradeExecutor (the holders of its " +
    'EXECUTOR_ROLE, read from its RoleGranted/RoleRevoked logs from `executorFromBlock` and confirmed with hasRole, the weakest ' +
    'deciding) — and checks it on-chain: the EIP-1967 admin ' +
    'slot of `proxy` (default `portal`) and, when that admin is a ProxyAdmin, its owner() must be `admin`, else an ' +
    'unknown party can upgrade and the check fails (without a proxy it warns that the admin is only pinned). ' +
    'The withdrawal delay is `withdrawalDelay` ' +
    "or, with `portal`, the OP Stack bridge's withdrawal delay (legacy: the finalization period; fault proofs: " +
    "max(proof maturity, the respected game's max clock duration + dispute-game finality delay)); on Arbitrum, `sequencerInbox` adds the force-inclusion " +
    'delay (maxTimeVariation, or the delay buffer) to the exit delay as L2BEAT does. Exit window = upgrade delay − exit delay: how ' +
    'long users have to get out after a malicious upgrade is queued. Fails under `minExitWindow` (default 7d, the ' +
    "edge of L2BEAT's red band: < 7 d red, 7–30 d yellow, ≥ 30 d green) and when a Safe — the admin itself or " +
    '`safe`, the multisig behind the timelock — needs fewer than `minThreshold` signatures.',
  params: () =>
    z.object({
      admin: address('The upgrade authority: a TimelockController, a Safe, or an EOA.'),
      safe: address(
        'The Safe that controls the timelock (its proposer), for the threshold check.',
      ).optional(),
      portal: address(
        "OP Stack OptimismPortal on L1: the withdrawal delay is its bridge's finalization period.",
      ).optional(),
      withdrawalDelay: duration(
        'The withdrawal delay, when it is not read from a portal (e.g. 6d10h on Arbitrum One).',
      ).optional(),
      proxy: address(
        'An upgradeable proxy of the venue (EIP-1967): its admin slot, then the ProxyAdmin owner, must be `admin`. Defaults to `portal`.',
      ).optional(),
      sequencerInbox: address(
        "Arbitrum: the SequencerInbox on L1; its force-inclusion delay counts into the exit delay, as L2BEAT's does.",
      ).optional(),
      executorFromBlock: integer(
        "When the admin is an UpgradeExecutor: the L1 block its EXECUTOR_ROLE grants are read from (at or before the executor's deployment; a grant before it is not seen).",
        { min: 0, default: 0 },
      ),
      logRange: integer('Largest eth_getLogs block range per request when reading EXECUTOR_ROLE grants.', {
        min: 1,
        default: 100_000,
      }),
      on: enumeration(['l1', 'l2'] as const, 'Which chain the admin contracts live on.', 'l1'),
      minExitWindow: duration('Shortest acceptable exit window.', '7d'),
      minThreshold: integer('Fewest signatures a Safe may need.', { min: 1, default: 2 }),
    }),
  example: {
    admin: '$timelock',
    safe: '$securityCouncil',
    portal: '$portal',
    minExitWindow: '7d',
    minThreshold: 2,
  },
  validate(params) {
    if ((params.portal === undefined) === (params.withdrawalDelay === undefined)) {
      return 'give exactly one of portal (read the withdrawal delay from the bridge) or withdrawalDelay';
    }
    return undefined;
  },
  async read(ctx, params): Promise<GovernanceObservation> {
    const reader = params.on === 'l1' ? ctx.l1 : ctx.l2;
    const proxy = params.proxy ?? (params.on === 'l1' ? params.portal : undefined);
    const [admin, declaredSafe, withdrawal, upgrade, forceInclusion] = await Promise.all([
      identifyAuthority(reader, params.admin, {
        fromBlock: params.executorFromBlock,
        logRange: params.logRange,
      }),
      params.safe ? readSafe(reader, params.safe) : undefined,
      params.portal
        ? readBridge(ctx.l1, params.portal).then((bridge) => ({
            ms: withdrawalDelaySeconds(bridge) * 1000,
            source:
              bridge.proofSystem === 'fault-proofs'
                ? `portal ${params.portal} (fault proofs): max(proof maturity, game clock + dispute-game finality delay)`
                : `finalization period of portal ${params.portal} (${bridge.proofSystem})`,
          }))
        : { ms: params.withdrawalDelay ?? 0, source: 'withdrawalDelay in the checklist' },
      proxy ? readUpgradeAuthority(reader, proxy) : undefined,
      params.sequencerInbox
        ? readForceInclusionDelay(ctx.l1, params.sequencerInbox).then((delay) => ({
            delayMs: forceInclusionDelaySeconds(delay) * 1000,
            source: `SequencerInbox ${params.sequencerInbox}: ${delay.bufferedBlocks ?? delay.delayBlocks} L1 blocks${delay.bufferedBlocks === undefined ? '' : ' (delay buffer)'}, ${delay.delaySeconds}s`,
          }))
        : undefined,
    ]);
    if (params.safe && !declaredSafe) {
      throw new MeasurementError(`safe ${params.safe} does not answer getThreshold/getOwners: is it a Safe?`);
    }
    const multisig = declaredSafe ?? weakestSafe(admin);
    return {
      admin,
      multisig,
      withdrawalDelayMs: withdrawal.ms,
      withdrawalDelaySource: withdrawal.source,
      upgrade,
      forceInclusion,
    };
  },
  evaluate(params, observation: GovernanceObservation) {
    const { admin, multisig, withdrawalDelayMs, upgrade, forceInclusion } = observation;
    const upgrader = admin.kind === 'executor' ? admin.weakest : admin;
    const upgradeDelayMs = holderDelayMs(upgrader);
    const windowMs = exitWindowMs({
      upgradeDelayMs,
      withdrawalDelayMs,
      forceInclusionDelayMs: forceInclusion?.delayMs,
    });
    const band = exitWindowBand(windowMs);
    const who =
      admin.kind === 'executor'
        ? `UpgradeExecutor ${admin.address}, weakest of its ${admin.holders.length} EXECUTOR_ROLE holder(s): ${describeHolder(upgrader)}${upgrader.kind === 'timelock' ? '' : ': instant upgrades'}`
        : describeHolder(admin);
    const signers = multisig ? `; Safe ${multisig.threshold} of ${multisig.owners}` : '';
    const problems: string[] = [];
    if (upgrade && upgrade.authority.toLowerCase() !== params.admin.toLowerCase()) {
      const custody = upgrade.proxyAdminOwner
        ? `its EIP-1967 admin ${upgrade.proxyAdmin} is owned by ${upgrade.proxyAdminOwner}`
        : `its EIP-1967 admin is ${upgrade.proxyAdmin}`;
      problems.push(
        `an unknown party can upgrade ${upgrade.proxy}: ${custody}, not the pinned admin ${params.admin}`,
      );
    }
    if (windowMs < params.minExitWindow) {
      problems.push(
        windowMs <= 0
          ? `no exit window: an upgrade by ${who} lands ${formatDuration(-windowMs)} before a withdrawal started now can finish`
          : `exit window ${formatDuration(windowMs)} is under ${formatDuration(params.minExitWindow)}`,
      );
    }
    if (multisig && multisig.threshold < params.minThreshold) {
      problems.push(
        `Safe ${multisig.address} needs only ${multisig.threshold} of ${multisig.owners} signatures (min ${params.minThreshold})`,
      );
    }
    const forced = forceInclusion
      ? ` − force-inclusion delay ${formatDuration(forceInclusion.delayMs)} (${forceInclusion.source})`
      : '';
    const explanation = `upgrade delay ${formatDuration(upgradeDelayMs)} (${who}) − withdrawal delay ${formatDuration(withdrawalDelayMs)} (${observation.withdrawalDelaySource})${forced}`;
    const custody = upgrade
      ? `; upgrade authority read from ${upgrade.proxy}'s EIP-1967 admin${upgrade.proxyAdminOwner ? ' → ProxyAdmin owner' : ''}`
      : '';
    // Without a proxy to read, the admin is the checklist's word: the window may be someone else's.
    const concern = upgrade
      ? undefined
      : 'the admin is pinned in the checklist, not read from the chain: give proxy (or portal) so the check sees who can really upgrade';
    return {
      holds: problems.length === 0,
      observed: `exit window ${windowMs < 0 ? '−' : ''}${formatDuration(Math.abs(windowMs))} (${band})${signers}`,
      threshold: `>= ${formatDuration(params.minExitWindow)}${multisig ? `, Safe threshold >= ${params.minThreshold}` : ''}`,
      concern,
      message: `${problems.length ? `${problems.join('; ')}: ` : ''}${explanation}${custody}`,
      // The window is the headline; the upgrade authority and the Safe's threshold are judged too, so a
      // fail may lie within this limit.
      value: {
        value: windowMs / 1000,
        unit: 'seconds',
        limit: { value: params.minExitWindow / 1000, kind: 'min' },
      },
      evidence: {
        admin,
        multisig,
        upgradeDelayMs,
        withdrawalDelayMs,
        forceInclusionDelayMs: forceInclusion?.delayMs,
        upgrade,
        exitWindowMs: windowMs,
        band,
      },
    };
  },
});
