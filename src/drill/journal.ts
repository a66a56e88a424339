/**
 * The drill journal: what a withdrawal drill has done, written atomically *before* each transaction
 * is broadcast (with the signed transaction and its hash) and again when it is mined. It is what lets
 * a drill survive a crash or a kill without ever sending a second withdrawal.
 */
import type { Address, Hex } from 'viem';
import type { StateRead, StateStore } from '../state/store.js';

export const STAGES = ['initiate', 'prove', 'finalize'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRecord {
  txHash: Hex;
  /** The signed transaction: rebroadcast as is if a crash came between the journal write and the send. */
  raw: Hex;
  sentAt: string;
  minedAt?: string;
  blockNumber?: string;
  status?: 'success' | 'reverted';
}

export interface Drill {
  id: string;
  checklist: string;
  l1ChainId: number;
  l2ChainId: number;
  portal: Address;
  sender: Address;
  recipient: Address;
  amountWei: string;
  startedAt: string;
  status: 'open' | 'finalized' | 'failed';
  failure?: string;
  finishedAt?: string;
  withdrawalHash?: Hex;
  stages: Partial<Record<Stage, StageRecord>>;
  /**
   * Stages found done on chain by a transaction this drill did not send (proving and finalizing are
   * permissionless), with when the drill saw it.
   */
  doneOnChain?: Partial<Record<Stage, string>>;
}

export interface DrillJournal {
  version: 1;
  current?: Drill;
  /** Finished drills, newest last (bounded). */
  past: Drill[];
}

const PAST_LIMIT = 20;

export function validateJournal(data: unknown): DrillJournal | string {
  const j = data as Partial<DrillJournal> | null;
  if (!j || typeof j !== 'object' || j.version !== 1 || !Array.isArray(j.past))
    return 'not an l2preflight drill journal';
  const drills = [...j.past, ...(j.current ? [j.current] : [])];
  const ok = drills.every(
    (d) =>
      d &&
      typeof d.id === 'string' &&
      typeof d.sender === 'string' &&
      d.stages !== null &&
      typeof d.stages === 'object',
  );
  return ok ? (j as DrillJournal) : 'malformed drill records';
}

export const journalKey = (checklistKey: string) => [checklistKey, 'drill'];

/** The lock beside the journal (src/state/lock.ts): `<state>/<checklist>/drill.lock`. */
export const journalLockFile = (store: StateStore, checklistKey: string) =>
  store.fileFor(journalKey(checklistKey)).replace(/\.json$/, '.lock');

/** What a check may know of the drills (withdrawal.drill): the latest one, never the store itself. */
export type LatestDrill =
  | { kind: 'none' }
  | { kind: 'ok'; drill: Drill }
  /** The journal is there but cannot be read or trusted; it is left untouched for the drill to report. */
  | { kind: 'unusable'; reason: string };

/** The open drill, else the last finished one. Reads without moving the file: the journal is the drill's. */
export async function latestDrill(store: StateStore, checklistKey: string): Promise<LatestDrill> {
  const view = await store.peek(journalKey(checklistKey), validateJournal);
  if (view.kind === 'unusable') return view;
  const drill = view.kind === 'ok' ? (view.value.current ?? view.value.past.at(-1)) : undefined;
  return drill ? { kind: 'ok', drill } : { kind: 'none' };
}

export function readJournal(store: StateStore, checklistKey: string): Promise<StateRead<DrillJournal>> {
  return store.read(journalKey(checklistKey), validateJournal);
}

export class JournalWriter {
  constructor(
    private readonly store: StateStore,
    private readonly checklistKey: string,
    public journal: DrillJournal,
  ) {}

  get drill(): Drill {
    if (!this.journal.current) throw new Error('no open drill');
    return this.journal.current;
  }

  async save(): Promise<void> {
    await this.store.write(journalKey(this.checklistKey), this.journal);
  }

  async open(drill: Drill): Promise<void> {
    this.journal = { ...this.journal, current: drill };
    await this.save();
  }

  async update(change: (drill: Drill) => void): Promise<void> {
    change(this.drill);
    await this.save();
  }

  /** Moves the finished drill to the past (bounded), so the next run starts a fresh one. */
  async close(): Promise<void> {
    const done = this.drill;
    this.journal = { version: 1, past: [...this.journal.past, done].slice(-PAST_LIMIT) };
    await this.save();
  }
}
