/** `l2preflight drill withdraw CHECKLIST`: plan (default) or --execute a resumable withdrawal drill. */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { type Address, formatEther, formatGwei, type Hex, isHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { estimateInitiateWithdrawalGas } from 'viem/op-stack';
import { loadChecklist } from '../checklist/load.js';
import type { ChainConfig, Checklist } from '../checklist/model.js';
import { formatDuration, parseNativeAmount, UnitError } from '../core/units.js';
import { drillChains, publicClient } from '../drill/chains.js';
import { FailureLine } from '../drill/failureLine.js';
import { FailureStreak, LASTING_FOR_MS } from '../drill/failureStreak.js';
import { type Drill, JournalWriter, journalLockFile, readJournal, STAGES } from '../drill/journal.js';
import { pollFailure } from '../drill/pollFailure.js';
import { readBridgeFromUrl } from '../drill/readBridge.js';
import { advance, type DrillStep } from '../drill/run.js';
import { WaitLine } from '../drill/waitLine.js';
import { L2PreflightError, UsageError } from '../errors.js';
import { withdrawalDelaySeconds } from '../protocols/opStack.js';
import { Redactor } from '../rpc/redact.js';
import { type HeldLock, lockHolder, releaseOnSignals, tryLock } from '../state/lock.js';
import { checklistKey, StateStore, stateDirFor } from '../state/store.js';
import { durationOption } from './run.js';

export interface DrillCommandOptions {
  execute?: boolean;
  wait?: boolean;
  keyFile?: string;
  amount?: string;
  state?: string;
  /** --give-up-after: how long the same lasting failure is retried during --wait. */
  giveUpAfter?: string;
  write: (text: string) => void;
  log: (text: string) => void;
}

/** The drill was refused before anything was sent (wrong chain, over the cap, no funds): exit 2. */
class DrillRefused extends L2PreflightError {
  constructor(message: string, details: string[] = []) {
    super(message, { details, exitCode: 2 });
  }
}

/**
 * A poll whose reads failed (RPC down, a read reverted) without --wait, or with --wait once the failures
 * outlast the retries (failureStreak.ts): no verdict on the drill, exit 3.
 */
class DrillReadFailed extends L2PreflightError {
  constructor(message: string, detail: string) {
    super(message, { details: [detail], exitCode: 3 });
  }
}

/** Takes the journal's lock, or refuses (exit 2) naming the process that holds it. */
function lockJournal(store: StateStore, key: string, log: (text: string) => void): HeldLock {
  const attempt = tryLock(journalLockFile(store, key));
  if (attempt.kind === 'acquired') {
    const was = attempt.tookOverFrom;
    if (was)
      log(
        `took over the drill lock of pid ${was.pid} on ${was.host} (since ${was.since}): that process no longer runs`,
      );
    return attempt.lock;
  }
  const holder = attempt.holder;
  const who = holder
    ? `pid ${holder.pid} on ${holder.host}, since ${holder.since} (${formatDuration(Math.max(0, Date.now() - Date.parse(holder.since)))} ago)`
    : 'a process that has not written its name yet';
  throw new DrillRefused(`another drill is running on this journal: ${who}`, [
    `lock file ${attempt.file}`,
    'wait for it to finish, then run again: it resumes or reports that drill, and never sends a second withdrawal while one is open',
    ...(holder && holder.host !== hostname()
      ? [`it runs on another host: if ${holder.host} no longer runs it, delete the lock file`]
      : []),
  ]);
}

/** The plan's line for a drill running now (its lock), if one is. */
function running(file: string): string[] {
  const holder = lockHolder(file);
  return holder
    ? [
        `  running     pid ${holder.pid} on ${holder.host} since ${holder.since}: --execute refuses until it ends`,
      ]
    : [];
}

async function loadKey(options: DrillCommandOptions): Promise<Hex | undefined> {
  let key: string | undefined;
  if (options.keyFile) {
    try {
      key = (await readFile(options.keyFile, 'utf8')).trim();
    } catch {
      throw new UsageError(`--key-file: cannot read ${options.keyFile}`);
    }
  } else {
    key = process.env.L2PREFLIGHT_DRILL_KEY?.trim();
  }
  if (!key) return undefined;
  const hex = key.startsWith('0x') ? key : `0x${key}`;
  // Never echo the value: a near-miss of a private key is still a secret.
  if (!isHex(hex) || hex.length !== 66) {
    throw new UsageError(
      `${options.keyFile ? `the key in ${options.keyFile}` : 'L2PREFLIGHT_DRILL_KEY'} is not a 32-byte hex private key`,
    );
  }
  return hex as Hex;
}

type EvmChecklist = Checklist & { venue: Checklist['venue'] & { l2: ChainConfig } };

/** Drills are OP Stack withdrawals: a venue without an EVM L2 (dYdX v4) cannot run one. */
function requireL2(checklist: Checklist): EvmChecklist {
  if (!checklist.venue.l2) {
    throw new UsageError(
      `${checklist.file}: a drill needs an EVM L2 (venue.l2); ${checklist.venue.stack} has none`,
    );
  }
  return checklist as EvmChecklist;
}

async function verifyChains(checklist: EvmChecklist, redactor: Redactor): Promise<void> {
  const l1 = checklist.venue.l1;
  if (!l1) throw new UsageError(`${checklist.file}: a drill needs venue.l1 (the bridge is on L1)`);
  for (const [label, chain] of [
    ['l2', checklist.venue.l2],
    ['l1', l1],
  ] as const) {
    for (const url of chain.rpc) {
      redactor.addUrl(url);
      const client = publicClient({
        id: chain.chainId,
        name: label,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [url] } },
      });
      let id: number;
      try {
        id = await client.getChainId();
      } catch (error) {
        throw new DrillRefused(
          redactor.apply(
            `cannot reach the ${label} RPC ${url}: ${(error as { shortMessage?: string }).shortMessage ?? String(error)}`,
          ),
        );
      }
      if (id !== chain.chainId) {
        throw new DrillRefused(
          redactor.apply(
            `the ${label} RPC ${url} serves chain id ${id}, but ${checklist.file} declares ${chain.chainId}: refusing to sign anything`,
          ),
        );
      }
    }
  }
}

function timeline(drill: Drill, sla: { proveMs?: number; finalizeMs?: number }): string {
  const at = (s?: string) => (s ? Date.parse(s) : undefined);
  const start = at(drill.stages.initiate?.sentAt);
  const lines = [
    `drill ${drill.id}: ${formatEther(BigInt(drill.amountWei))} ETH from ${drill.sender} (L2 ${drill.l2ChainId}) to ${drill.recipient} (L1 ${drill.l1ChainId}) — ${drill.status}`,
  ];
  for (const stage of STAGES) {
    const record = drill.stages[stage];
    const seenDone = drill.doneOnChain?.[stage];
    const mined = at(record?.minedAt ?? seenDone);
    const elapsed = start !== undefined && mined !== undefined ? mined - start : undefined;
    const limit = stage === 'prove' ? sla.proveMs : stage === 'finalize' ? sla.finalizeMs : undefined;
    const verdict =
      elapsed !== undefined && limit !== undefined
        ? elapsed <= limit
          ? `within SLA ${formatDuration(limit)}`
          : `OVER SLA ${formatDuration(limit)}`
        : '';
    lines.push(
      `  ${stage.padEnd(9)} ${record ? `${record.txHash} ${record.minedAt ? `mined ${record.minedAt}` : `sent ${record.sentAt}, not mined yet`}` : seenDone ? `done on chain by another transaction (seen ${seenDone})` : 'not yet'}${elapsed !== undefined ? ` (+${formatDuration(elapsed)} ${verdict})` : ''}`,
    );
  }
  if (drill.failure) lines.push(`  failed: ${drill.failure}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Prove and finalize cannot be estimated before a withdrawal exists; their gas is typical of the
 * OP Stack portal (prove ~300k with its Merkle proof, finalize ~150k), priced at today's L1 gas.
 */
const TYPICAL_L1_GAS = { prove: 300_000n, finalize: 150_000n } as const;

async function estimateCosts(
  chains: ReturnType<typeof drillChains>,
  from: Address | undefined,
  to: Address | undefined,
  amountWei: bigint,
) {
  const l2 = publicClient(chains.l2);
  const l1 = publicClient(chains.l1);
  const [l2Price, l1Price] = await Promise.all([l2.getGasPrice(), l1.getGasPrice()]);
  let initiate = 'gas estimated once the key is known';
  if (from && to) {
    try {
      const gas = await estimateInitiateWithdrawalGas(l2, {
        account: from,
        chain: chains.l2,
        request: { gas: 21_000n, to, value: amountWei },
      });
      initiate = `~${gas} gas ≈ ${formatEther(gas * l2Price)} ETH at ${formatGwei(l2Price)} gwei`;
    } catch (error) {
      initiate = `gas not estimable now (${(error as { shortMessage?: string }).shortMessage ?? 'estimation failed'})`;
    }
  }
  const l1Total = TYPICAL_L1_GAS.prove + TYPICAL_L1_GAS.finalize;
  return {
    initiate,
    l1: `prove ~${TYPICAL_L1_GAS.prove} + finalize ~${TYPICAL_L1_GAS.finalize} gas (typical) ≈ ${formatEther(l1Total * l1Price)} ETH at ${formatGwei(l1Price)} gwei`,
  };
}

export async function drillWithdrawCommand(file: string, options: DrillCommandOptions): Promise<number> {
  const lastingForMs =
    durationOption('--give-up-after', options.giveUpAfter, { zero: 'allowed' }) ?? LASTING_FOR_MS;
  const checklist = requireL2(await loadChecklist(file));
  const config = checklist.drill;
  if (!config)
    throw new UsageError(`${file} has no drill section`, [
      'add drill: { amount, maxAmount, portal, sla } (see README "Withdrawal drill")',
    ]);
  const l1 = checklist.venue.l1;
  if (!l1) throw new UsageError(`${file}: a drill needs venue.l1 (the bridge is on L1)`);
  let amountWei = config.amountWei;
  if (options.amount) {
    try {
      amountWei = parseNativeAmount(options.amount);
    } catch (error) {
      if (error instanceof UnitError) throw new UsageError(`--amount: ${error.message}`);
      throw error;
    }
  }
  if (amountWei > config.maxAmountWei) {
    throw new DrillRefused(
      `the drill amount ${formatEther(amountWei)} ETH is over the checklist's drill.maxAmount ${formatEther(config.maxAmountWei)} ETH: refusing`,
    );
  }
  const key = await loadKey(options);
  const account = key ? privateKeyToAccount(key) : undefined;
  const redactor = new Redactor();
  if (key) redactor.add(key, '<key>');
  await verifyChains(checklist, redactor);

  const bridge = await readBridgeFromUrl(l1, config.portal);
  const chains = drillChains({
    l1,
    l2: checklist.venue.l2,
    portal: config.portal,
    proposals:
      bridge.proofSystem === 'fault-proofs'
        ? { disputeGameFactory: bridge.proposals }
        : { l2OutputOracle: bridge.proposals },
  });
  const store = new StateStore(stateDirFor(file, options.state));
  // Only --execute writes the journal: it owns it from before the first read until it exits.
  const lock = options.execute ? lockJournal(store, checklistKey(file), options.log) : undefined;
  const stopWatchingSignals = lock ? releaseOnSignals(lock) : undefined;
  try {
    const stored = await readJournal(store, checklistKey(file));
    if (stored.kind === 'set-aside') {
      throw new DrillRefused(
        `the drill journal was unusable (${stored.reason}); it was set aside to ${stored.setAsideTo}`,
        ['check the chain for an open withdrawal from the sender before starting a new drill'],
      );
    }
    const journal = new JournalWriter(
      store,
      checklistKey(file),
      stored.kind === 'ok' ? stored.value : { version: 1, past: [] },
    );
    const open = journal.journal.current;

    if (!options.execute) {
      const sender = account?.address ?? open?.sender;
      const costs = await estimateCosts(
        chains,
        sender ?? config.recipient,
        config.recipient ?? sender,
        amountWei,
      );
      options.write(
        [
          `drill plan for ${checklist.venue.name} (${file})`,
          `  chains      L2 ${checklist.venue.l2.chainId} and L1 ${l1.chainId}: every RPC answered with the declared chain id`,
          `  sender      ${sender ?? '(set L2PREFLIGHT_DRILL_KEY or --key-file to see it)'}`,
          `  recipient   ${config.recipient ?? sender ?? '(the sender)'} on L1`,
          `  amount      ${formatEther(amountWei)} ETH (cap ${formatEther(config.maxAmountWei)} ETH)`,
          `  bridge      portal ${config.portal} ${bridge.version} (${bridge.proofSystem}), ${bridge.portalPaused || bridge.superchainPaused ? 'PAUSED' : 'open'}`,
          '  stages',
          `    initiate  on L2: L2ToL1MessagePasser.initiateWithdrawal; one L2 block; ${costs.initiate}`,
          `    prove     on L1, once ${bridge.proofSystem === 'fault-proofs' ? 'a dispute game' : 'an output root'} covers the withdrawal (latest is ${bridge.latestProposal ? `${formatDuration(Date.now() - bridge.latestProposal.timestamp * 1000)} old` : 'missing'})${config.sla.proveMs ? `; SLA ${formatDuration(config.sla.proveMs)}` : ''}`,
          `    finalize  on L1, ${formatDuration(withdrawalDelaySeconds(bridge) * 1000)} after proving${bridge.proofSystem === 'fault-proofs' ? ' (once the game has resolved and its finality airgap passed)' : ''}${config.sla.finalizeMs ? `; SLA ${formatDuration(config.sla.finalizeMs)} in all` : ''}`,
          `  L1 gas      ${costs.l1}`,
          open
            ? `  open drill  ${open.id} (${open.status}); --execute resumes it, it never starts a second one`
            : '  open drill  none; --execute starts one',
          ...running(journalLockFile(store, checklistKey(file))),
          '',
        ].join('\n'),
      );
      if (open) options.write(timeline(open, config.sla));
      return 0;
    }

    if (!account)
      throw new UsageError(
        '--execute needs the drill key: set L2PREFLIGHT_DRILL_KEY or pass --key-file FILE',
      );
    if (open && open.sender.toLowerCase() !== account.address.toLowerCase()) {
      throw new DrillRefused(
        `an open drill ${open.id} belongs to ${open.sender}, not to this key's ${account.address}: finish it with its own key`,
      );
    }
    if (!open) {
      const l2Balance = await publicClient(chains.l2).getBalance({ address: account.address });
      if (l2Balance <= amountWei) {
        throw new DrillRefused(
          `the sender ${account.address} holds ${formatEther(l2Balance)} ETH on L2, not enough for ${formatEther(amountWei)} ETH plus gas`,
        );
      }
      await journal.open({
        id: new Date().toISOString(),
        checklist: file,
        l1ChainId: l1.chainId,
        l2ChainId: checklist.venue.l2.chainId,
        portal: config.portal,
        sender: account.address,
        recipient: (config.recipient ?? account.address) as Address,
        amountWei: amountWei.toString(),
        startedAt: new Date().toISOString(),
        status: 'open',
        stages: {},
      });
      options.log(`drill ${journal.drill.id} opened: withdrawing ${formatEther(amountWei)} ETH`);
    } else {
      options.log(`resuming drill ${open.id}`);
    }

    const runtime = {
      chains,
      account,
      journal,
      proofSystem:
        bridge.proofSystem === 'fault-proofs' ? ('fault-proofs' as const) : ('output-oracle' as const),
      portal: config.portal,
      log: (line: string) => options.log(redactor.apply(line)),
    };
    const waiting = new WaitLine(Date.parse(journal.drill.startedAt));
    const failures = new FailureStreak(Date.now, lastingForMs);
    const failureLine = new FailureLine();
    for (;;) {
      let step: DrillStep;
      try {
        step = await advance(runtime);
        failures.clear();
        failureLine.clear();
      } catch (error) {
        // A failed read says nothing about the withdrawal: the journal resumes it at the next poll.
        const failure = pollFailure(error);
        if (failure === undefined) throw error;
        if (!options.wait)
          throw new DrillReadFailed(
            redactor.apply(`could not read the chains: ${failure.says}`),
            'the drill is still open: run the command again to resume it',
          );
        const after = failures.fail(failure);
        if ('giveUp' in after)
          throw new DrillReadFailed(
            redactor.apply(`drill withdraw --wait gave up: ${after.giveUp}`),
            'the drill is still open in its journal: fix what failed and run `drill withdraw --wait` again to resume it',
          );
        const line = failureLine.next(failure.says, after.retryInMs);
        if (line) options.log(redactor.apply(line));
        await new Promise((r) => setTimeout(r, after.retryInMs));
        continue;
      }
      if (step.kind === 'waiting') {
        const line = waiting.next(step.reason);
        if (line) options.log(line);
        if (!options.wait) break;
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      break;
    }
    const drill = journal.drill;
    options.write(redactor.apply(timeline(drill, config.sla)));
    if (drill.status !== 'open') await journal.close();
    return drill.status === 'failed' ? 1 : 0;
  } finally {
    stopWatchingSignals?.();
    lock?.release();
  }
}
