import { type Address, parseAbi } from 'viem';
import { z } from 'zod';
import { address, duration, enumeration, integer } from '../../checklist/params.js';
import { formatDuration } from '../../checklist/units.js';
import type { ChainReader } from '../../engine/reader.js';
import { readBridge, withdrawalDelaySeconds } from '../../venues/opStack.js';
import { defineCheck, MeasurementError } from '../define.js';

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

export type Authority =
  | { kind: 'eoa'; address: Address }
  | { kind: 'timelock'; address: Address; delayMs: number }
  | { kind: 'safe'; address: Address; threshold: number; owners: number };

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
}

async function readSafe(reader: ChainReader, address: Address): Promise<Multisig | undefined> {
  const [threshold, owners] = await Promise.all([
    reader.readContract({ address, abi: governanceAbi, functionName: 'getThreshold' }),
    reader.readContract({ address, abi: governanceAbi, functionName: 'getOwners' }),
  ]).catch(() => [undefined, undefined] as const);
  if (threshold === undefined || owners === undefined) return undefined;
  return { address, threshold: Number(threshold), owners: owners.length };
}

/** What kind of upgrade authority `address` is: a timelock, a Safe, or a key (no code). */
export async function identifyAuthority(reader: ChainReader, address: Address): Promise<Authority> {
  const code = await reader.code(address);
  if (!code || code === '0x') return { kind: 'eoa', address };
  const delay = await reader
    .readContract({ address, abi: governanceAbi, functionName: 'getMinDelay' })
    .catch(() => undefined);
  if (delay !== undefined) return { kind: 'timelock', address, delayMs: Number(delay) * 1000 };
  const safe = await readSafe(reader, address);
  if (safe) return { kind: 'safe', ...safe };
  throw new MeasurementError(
    `${address} is a contract that is neither a TimelockController (getMinDelay) nor a Safe (getThreshold): its upgrade delay cannot be told`,
  );
}

export const exitWindow = defineCheck({
  type: 'governance.exit-window',
  requires: { contracts: { admin: { chainFrom: 'on' }, safe: { chainFrom: 'on' }, portal: 'l1' } },
  summary: 'Exit window (upgrade delay − withdrawal delay) and the admin multisig threshold',
  description:
    'Identifies the upgrade authority `admin`: an OpenZeppelin TimelockController (upgrade delay = getMinDelay), a ' +
    'Safe or a plain key (no delay: an upgrade can land in the next block). The withdrawal delay is `withdrawalDelay` ' +
    "or, with `portal`, the OP Stack bridge's withdrawal delay (legacy: the finalization period; fault proofs: max(proof maturity, the respected game's max clock duration + dispute-game finality delay)). Exit window = upgrade delay − withdrawal delay: how " +
    'long users have to get out after a malicious upgrade is queued. Fails under `minExitWindow` (default 7d, the ' +
    "edge of L2BEAT's red band: < 7 d red, 7–30 d yellow, ≥ 30 d green) and when a Safe — the admin itself or " +
    '`safe`, the multisig behind the timelock — needs fewer than `minThreshold` signatures.',
  params: z.object({
    admin: address('The upgrade authority: a TimelockController, a Safe, or an EOA.'),
    safe: address('The Safe that controls the timelock (its proposer), for the threshold check.').optional(),
    portal: address(
      "OP Stack OptimismPortal on L1: the withdrawal delay is its bridge's finalization period.",
    ).optional(),
    withdrawalDelay: duration(
      'The withdrawal delay, when it is not read from a portal (e.g. 6d10h on Arbitrum One).',
    ).optional(),
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
    if (!reader) throw new MeasurementError('the admin lives on L1, but the checklist declares no venue.l1');
    if (params.portal && !ctx.l1)
      throw new MeasurementError('portal is on L1, but the checklist declares no venue.l1');
    const [admin, declaredSafe, withdrawal] = await Promise.all([
      identifyAuthority(reader, params.admin),
      params.safe ? readSafe(reader, params.safe) : undefined,
      params.portal && ctx.l1
        ? readBridge(ctx.l1, params.portal).then((bridge) => ({
            ms: withdrawalDelaySeconds(bridge) * 1000,
            source:
              bridge.proofSystem === 'fault-proofs'
                ? `portal ${params.portal} (fault proofs): max(proof maturity, game clock + dispute-game finality delay)`
                : `finalization period of portal ${params.portal} (${bridge.proofSystem})`,
          }))
        : { ms: params.withdrawalDelay ?? 0, source: 'withdrawalDelay in the checklist' },
    ]);
    if (params.safe && !declaredSafe) {
      throw new MeasurementError(`safe ${params.safe} does not answer getThreshold/getOwners: is it a Safe?`);
    }
    const multisig = declaredSafe ?? (admin.kind === 'safe' ? admin : undefined);
    return { admin, multisig, withdrawalDelayMs: withdrawal.ms, withdrawalDelaySource: withdrawal.source };
  },
  evaluate(params, observation: GovernanceObservation) {
    const { admin, multisig, withdrawalDelayMs } = observation;
    const upgradeDelayMs = admin.kind === 'timelock' ? admin.delayMs : 0;
    const windowMs = upgradeDelayMs - withdrawalDelayMs;
    const band = exitWindowBand(windowMs);
    const who =
      admin.kind === 'timelock'
        ? `timelock ${admin.address}`
        : admin.kind === 'safe'
          ? `Safe ${admin.address} with no delay`
          : `a single key (${admin.address}) with no delay`;
    const signers = multisig ? `; Safe ${multisig.threshold} of ${multisig.owners}` : '';
    const problems: string[] = [];
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
    const explanation = `upgrade delay ${formatDuration(upgradeDelayMs)} (${who}) − withdrawal delay ${formatDuration(withdrawalDelayMs)} (${observation.withdrawalDelaySource})`;
    return {
      holds: problems.length === 0,
      observed: `exit window ${windowMs < 0 ? '−' : ''}${formatDuration(Math.abs(windowMs))} (${band})${signers}`,
      threshold: `>= ${formatDuration(params.minExitWindow)}${multisig ? `, Safe threshold >= ${params.minThreshold}` : ''}`,
      message: `${problems.length ? `${problems.join('; ')}: ` : ''}${explanation}`,
      value: { value: windowMs / 1000, unit: 'seconds' },
      evidence: { admin, multisig, upgradeDelayMs, withdrawalDelayMs, exitWindowMs: windowMs, band },
    };
  },
});
