/**
 * Drives one withdrawal drill through initiate → prove → finalize, as far as the chains allow now.
 * The chain is the source of truth for where a withdrawal stands (viem's getWithdrawalStatus); the
 * journal says which transactions this drill signed, so a resumed drill finishes those instead of
 * sending new ones. It never initiates a second withdrawal while one is open.
 */
import {
  type Account,
  type Address,
  type Chain,
  formatEther,
  type Hash,
  type Hex,
  type PublicClient,
  TransactionNotFoundError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  type Transport,
} from 'viem';
import {
  buildProveWithdrawal,
  finalizeWithdrawal,
  getL2Output,
  getWithdrawalStatus,
  getWithdrawals,
  initiateWithdrawal,
  type ProveWithdrawalParameters,
  proveWithdrawal,
} from 'viem/op-stack';
import { errorMessage } from '../core/errors.js';
import type { DrillChains, DrillL2Chain } from './chains.js';
import { publicClient, walletClient } from './chains.js';
import { faultProofWithdrawalStatus } from './faultProofs.js';
import type { Drill, JournalWriter, Stage } from './journal.js';

/** Test-only: L2PREFLIGHT_CRASH_AT=<stage>:<journaled|sent|mined> kills the process there (SIGKILL). */
function crashPoint(point: string): void {
  if (process.env.L2PREFLIGHT_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

/**
 * Test-only: L2PREFLIGHT_PAUSE_AT=<stage>:ready stops the process (SIGSTOP) once it has decided to send
 * that stage, so a test can let another party get there first and then continue it (SIGCONT).
 */
function pausePoint(point: string): void {
  if (!process.env.L2PREFLIGHT_PAUSE_AT?.split(',').includes(point)) return;
  process.stderr.write(`paused at ${point}\n`);
  process.kill(process.pid, 'SIGSTOP');
}

export type DrillStep =
  | { kind: 'waiting'; reason: string }
  | { kind: 'finalized' }
  | { kind: 'failed'; reason: string };

export interface DrillRuntime {
  chains: DrillChains;
  /** Fault-proof portals (OptimismPortal2 ≥ 3) prove against dispute games, read in chain time. */
  proofSystem?: 'output-oracle' | 'fault-proofs';
  portal?: Address;
  account: Account;
  journal: JournalWriter;
  log: (line: string) => void;
}

interface Clients {
  l1: PublicClient<Transport, Chain>;
  l2: PublicClient<Transport, DrillL2Chain>;
}

/** What a proof adds to a prove transaction; buildProveWithdrawal returns it (with account and chain). */
type ProofArgs = Pick<
  ProveWithdrawalParameters,
  'l2OutputIndex' | 'outputRootProof' | 'withdrawalProof' | 'withdrawal'
>;

const now = () => new Date().toISOString();

/** A rejection handler: undefined for viem's "the node has no such thing" (a null answer), else rethrows. */
const unlessNotFound =
  (notFound: new (...args: never[]) => Error) =>
  (error: unknown): undefined => {
    if (error instanceof notFound) return undefined;
    throw error;
  };

/** Makes sure a journaled transaction is mined: it may be mined, pending, or never broadcast. */
async function ensureMined(
  rt: DrillRuntime,
  stage: Stage,
  client: PublicClient,
): Promise<TransactionReceipt> {
  const record = rt.journal.drill.stages[stage];
  if (!record) throw new Error(`no ${stage} transaction in the journal`);
  // Only the node saying it has no such transaction means "not known": a read that failed says nothing,
  // and rebroadcasting on it would claim, at every poll of an outage, that the transaction was lost.
  let receipt = await client
    .getTransactionReceipt({ hash: record.txHash })
    .catch(unlessNotFound(TransactionReceiptNotFoundError));
  if (!receipt) {
    const known = await client
      .getTransaction({ hash: record.txHash })
      .catch(unlessNotFound(TransactionNotFoundError));
    if (!known) {
      rt.log(
        `${stage}: the journaled transaction ${record.txHash} never reached the network; broadcasting the same signed transaction`,
      );
      await client.sendRawTransaction({ serializedTransaction: record.raw }).catch((error: unknown) => {
        // A lagging backend said it had neither receipt nor transaction, another has it: the same signed
        // bytes are "already known" (pending) or their nonce "too low" (mined). Wait for the receipt.
        if (!/already known|known transaction|nonce too low/i.test(errorMessage(error))) throw error;
      });
    }
    receipt = await client.waitForTransactionReceipt({
      hash: record.txHash,
      pollingInterval: 250,
      timeout: 120_000,
    });
  }
  if (!record.minedAt) {
    const mined = receipt;
    await rt.journal.update((d) => {
      d.stages[stage] = {
        ...record,
        minedAt: now(),
        blockNumber: mined.blockNumber.toString(),
        status: mined.status,
      };
    });
    crashPoint(`${stage}:mined`);
  }
  return receipt;
}

/** Sends one stage's transaction through a wallet whose transport journals it before broadcasting. */
async function send(
  rt: DrillRuntime,
  stage: Stage,
  chain: DrillChains['l1'],
  client: PublicClient,
  act: (wallet: ReturnType<typeof walletClient>) => Promise<Hash>,
): Promise<TransactionReceipt> {
  const wallet = walletClient(chain, rt.account, async (raw: Hex, hash: Hex) => {
    await rt.journal.update((d) => {
      d.stages[stage] = { txHash: hash, raw, sentAt: now() };
    });
    crashPoint(`${stage}:journaled`);
  });
  const hash = await act(wallet);
  rt.log(`${stage}: sent ${hash}`);
  crashPoint(`${stage}:sent`);
  return ensureMined(rt, stage, client);
}

/**
 * viem judges "ready" by the wall clock; the portal judges by L1 block time, which can trail it (a
 * devnet's interval miner, a slow L1). A revert saying "not yet" during gas estimation sent nothing:
 * it means wait, not fail.
 */
const NOT_YET =
  /finalization period has not elapsed|output root .* not .* proposed|cannot get output|has not matured yet|air-gap|has not been validated/i;

async function sendUnlessNotYet(
  ...args: Parameters<typeof send>
): Promise<TransactionReceipt | { notYet: string }> {
  try {
    return await send(...args);
  } catch (error) {
    const text = `${(error as { details?: string }).details ?? ''} ${(error as Error).message}`;
    const match = NOT_YET.exec(text);
    if (match) return { notYet: match[0] };
    throw error;
  }
}

/**
 * Proving and finalizing are permissionless: another process or anyone may get there first, and then
 * our transaction reverts ("already been proven", "already been finalized"). That is progress, never a
 * crash — once the chain's own status confirms the stage is done; the journal records when we saw it.
 */
const ALREADY_DONE = /already been proven|already been finalized|AlreadyFinalized|AlreadyProven/i;
const DONE_WHEN: Record<'prove' | 'finalize', readonly string[]> = {
  prove: ['waiting-to-finalize', 'ready-to-finalize', 'finalized'],
  finalize: ['finalized'],
};

async function doneByAnother(
  rt: DrillRuntime,
  stage: 'prove' | 'finalize',
  status: () => Promise<string>,
  why: string,
): Promise<boolean> {
  const now = await status();
  if (!DONE_WHEN[stage].includes(now)) return false;
  rt.log(`${stage}: already done on chain (${why}); the withdrawal is ${now}, moving on`);
  await noteDoneOnChain(rt, stage);
  return true;
}

/** Records that the chain shows a stage done that this drill sent no transaction for. */
async function noteDoneOnChain(rt: DrillRuntime, stage: 'prove' | 'finalize'): Promise<void> {
  if (rt.journal.drill.stages[stage] || rt.journal.drill.doneOnChain?.[stage]) return;
  await rt.journal.update((d) => {
    d.doneOnChain = { ...d.doneOnChain, [stage]: now() };
  });
}

/** Rethrows unless the error is an "already done" revert that the chain's status confirms. */
async function progressIfAlreadyDone(
  rt: DrillRuntime,
  stage: 'prove' | 'finalize',
  status: () => Promise<string>,
  error: unknown,
): Promise<undefined> {
  const text = `${(error as { details?: string }).details ?? ''} ${(error as Error).message}`;
  const match = ALREADY_DONE.exec(text);
  if (match && (await doneByAnother(rt, stage, status, match[0]))) return undefined;
  throw error;
}

async function fail(rt: DrillRuntime, reason: string): Promise<DrillStep> {
  await rt.journal.update((d) => {
    d.status = 'failed';
    d.failure = reason;
    d.finishedAt = now();
  });
  return { kind: 'failed', reason };
}

type Withdrawal = ReturnType<typeof getWithdrawals>[number];

/**
 * The prove stage once a proposal covers the withdrawal, alike on both proof systems: completes a
 * transaction this drill already sent, else builds the proof and sends it — unless the chain shows the
 * stage done by another party. Returns the step to stop at, 'proved' when our proof landed, or
 * undefined to read the withdrawal's status again.
 */
async function proveWhenReady(
  rt: DrillRuntime,
  clients: Clients,
  readStatus: () => Promise<string>,
  buildArgs: () => Promise<ProofArgs>,
): Promise<DrillStep | 'proved' | undefined> {
  const drill: Drill = rt.journal.drill;
  if (drill.stages.prove && !drill.stages.prove.minedAt) {
    const proved = await ensureMined(rt, 'prove', clients.l1);
    if (proved.status !== 'success')
      return fail(rt, `the prove transaction ${proved.transactionHash} reverted`);
    return undefined;
  }
  const args = await buildArgs();
  pausePoint('prove:ready');
  // OptimismPortal2 lets a submitter prove again against a newer game, even a finalized withdrawal:
  // where the legacy portal reverts "already been proven", it would take a second proof and its gas.
  // So look again right before sending.
  if (await doneByAnother(rt, 'prove', readStatus, 'done by another transaction while this one was prepared'))
    return undefined;
  const proved = await send(rt, 'prove', rt.chains.l1, clients.l1, (wallet) =>
    proveWithdrawal(wallet, {
      ...args,
      account: rt.account,
      chain: rt.chains.l1,
      targetChain: rt.chains.l2,
    }),
  ).catch((error) => progressIfAlreadyDone(rt, 'prove', readStatus, error));
  if (!proved) return undefined;
  if (proved.status !== 'success') {
    // mined, but reverted: someone else's proof may have landed first
    if (await doneByAnother(rt, 'prove', readStatus, 'our transaction reverted')) return undefined;
    return fail(rt, `the prove transaction ${proved.transactionHash} reverted`);
  }
  return 'proved';
}

/**
 * The finalize stage once the portal allows it, alike on both proof systems: completes a transaction
 * this drill already sent, else sends one; another party's finalization is progress. Returns the step
 * to stop at, or undefined to read the withdrawal's status again.
 */
async function finalizeWhenReady(
  rt: DrillRuntime,
  clients: Clients,
  withdrawal: Withdrawal,
  readStatus: () => Promise<string>,
): Promise<DrillStep | undefined> {
  const drill: Drill = rt.journal.drill;
  if (drill.stages.finalize && !drill.stages.finalize.minedAt) {
    const finalized = await ensureMined(rt, 'finalize', clients.l1);
    if (finalized.status !== 'success')
      return fail(rt, `the finalize transaction ${finalized.transactionHash} reverted`);
    return undefined;
  }
  pausePoint('finalize:ready');
  const finalized = await sendUnlessNotYet(rt, 'finalize', rt.chains.l1, clients.l1, (wallet) =>
    finalizeWithdrawal(wallet, {
      account: rt.account,
      chain: rt.chains.l1,
      targetChain: rt.chains.l2,
      withdrawal,
    }),
  ).catch((error) => progressIfAlreadyDone(rt, 'finalize', readStatus, error));
  if (!finalized) return undefined;
  if ('notYet' in finalized)
    return { kind: 'waiting', reason: `L1 time has not caught up yet (${finalized.notYet})` };
  if (finalized.status !== 'success') {
    if (await doneByAnother(rt, 'finalize', readStatus, 'our transaction reverted')) return undefined;
    return fail(rt, `the finalize transaction ${finalized.transactionHash} reverted`);
  }
  return undefined;
}

/** The prove → finalize stages against a dispute game (fault proofs), driven by the portal's own checks. */
async function advanceOnGames(
  rt: DrillRuntime,
  clients: Clients,
  initiated: TransactionReceipt,
  withdrawal: Withdrawal,
  portal: Address,
): Promise<DrillStep> {
  const drill: Drill = rt.journal.drill;
  const readGameStatus = () =>
    faultProofWithdrawalStatus({
      chains: rt.chains,
      portal,
      withdrawalHash: withdrawal.withdrawalHash,
      submitter: rt.account.address,
      l2BlockNumber: initiated.blockNumber,
    });
  const readStatus = async () => (await readGameStatus()).status;
  for (;;) {
    const status = await readGameStatus();
    if (status.status === 'void') return fail(rt, status.reason);
    if (status.status === 'waiting-to-prove') {
      if (drill.stages.prove && !drill.stages.prove.minedAt) {
        await ensureMined(rt, 'prove', clients.l1);
        continue;
      }
      return { kind: 'waiting', reason: status.reason };
    }
    if (status.status === 'ready-to-prove') {
      const { game } = status;
      const step = await proveWhenReady(rt, clients, readStatus, () =>
        buildProveWithdrawal(clients.l2, {
          account: rt.account,
          // The output viem's getL2Output makes of a game; its `game` form would also want the game's
          // metadata and extraData, which building a proof does not read.
          output: {
            outputIndex: game.index,
            outputRoot: game.rootClaim,
            timestamp: game.timestamp,
            l2BlockNumber: game.l2BlockNumber,
            usesSuperRoots: false,
          },
          withdrawal,
        }),
      );
      if (step === 'proved')
        rt.log(`prove: proven against dispute game #${game.index} (L2 block ${game.l2BlockNumber})`);
      else if (step) return step;
      continue;
    }
    if (status.status === 'waiting-to-finalize') {
      if (drill.stages.prove && !drill.stages.prove.minedAt) await ensureMined(rt, 'prove', clients.l1);
      await noteDoneOnChain(rt, 'prove');
      return { kind: 'waiting', reason: status.reason };
    }
    if (status.status === 'ready-to-finalize') {
      const step = await finalizeWhenReady(rt, clients, withdrawal, readStatus);
      if (step) return step;
      continue;
    }
    return finish(rt, clients);
  }
}

/** The withdrawal is finalized on L1: closes the journal's drill. */
async function finish(rt: DrillRuntime, clients: Clients): Promise<DrillStep> {
  const drill = rt.journal.drill;
  if (drill.stages.finalize && !drill.stages.finalize.minedAt) await ensureMined(rt, 'finalize', clients.l1);
  await noteDoneOnChain(rt, 'prove');
  await noteDoneOnChain(rt, 'finalize');
  await rt.journal.update((d) => {
    d.status = 'finalized';
    d.finishedAt = now();
  });
  rt.log(`finalized: ${formatEther(BigInt(drill.amountWei))} ETH withdrawn to ${drill.recipient} on L1`);
  return { kind: 'finalized' };
}

/** Advances the open drill by as many stages as are ready now. */
export async function advance(rt: DrillRuntime): Promise<DrillStep> {
  const clients: Clients = { l1: publicClient(rt.chains.l1), l2: publicClient(rt.chains.l2) };
  const drill: Drill = rt.journal.drill;

  const initiated = drill.stages.initiate
    ? await ensureMined(rt, 'initiate', clients.l2)
    : await send(rt, 'initiate', rt.chains.l2, clients.l2, (wallet) =>
        initiateWithdrawal(wallet, {
          account: rt.account,
          chain: rt.chains.l2,
          request: { gas: 21_000n, to: drill.recipient, value: BigInt(drill.amountWei) },
        }),
      );
  if (initiated.status !== 'success')
    return fail(rt, `the initiating transaction ${initiated.transactionHash} reverted`);
  const [withdrawal] = getWithdrawals(initiated);
  if (!withdrawal) return fail(rt, 'the initiating transaction emitted no withdrawal');
  if (!drill.withdrawalHash)
    await rt.journal.update((d) => {
      d.withdrawalHash = withdrawal.withdrawalHash;
    });

  if (rt.proofSystem === 'fault-proofs' && rt.portal)
    return advanceOnGames(rt, clients, initiated, withdrawal, rt.portal);

  const readStatus = () => getWithdrawalStatus(clients.l1, { receipt: initiated, targetChain: rt.chains.l2 });
  for (;;) {
    const status = await readStatus();
    if (status === 'waiting-to-prove') {
      return {
        kind: 'waiting',
        reason: `waiting for an output root that covers L2 block ${initiated.blockNumber}`,
      };
    }
    if (status === 'ready-to-prove') {
      const step = await proveWhenReady(rt, clients, readStatus, async () => {
        const output = await getL2Output(clients.l1, {
          l2BlockNumber: initiated.blockNumber,
          targetChain: rt.chains.l2,
        });
        return buildProveWithdrawal(clients.l2, { account: rt.account, output, withdrawal });
      });
      if (step && step !== 'proved') return step;
      continue;
    }
    if (status === 'waiting-to-finalize') {
      if (drill.stages.prove && !drill.stages.prove.minedAt) await ensureMined(rt, 'prove', clients.l1);
      await noteDoneOnChain(rt, 'prove');
      return { kind: 'waiting', reason: 'proven; waiting for the finalization period to pass' };
    }
    if (status === 'ready-to-finalize') {
      const step = await finalizeWhenReady(rt, clients, withdrawal, readStatus);
      if (step) return step;
      continue;
    }
    // finalized
    if (drill.stages.finalize && !drill.stages.finalize.minedAt)
      await ensureMined(rt, 'finalize', clients.l1);
    await noteDoneOnChain(rt, 'prove');
    await noteDoneOnChain(rt, 'finalize');
    await rt.journal.update((d) => {
      d.status = 'finalized';
      d.finishedAt = now();
    });
    rt.log(`finalized: ${formatEther(BigInt(drill.amountWei))} ETH withdrawn to ${drill.recipient} on L1`);
    return { kind: 'finalized' };
  }
}
