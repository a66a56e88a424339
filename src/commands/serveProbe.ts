/**
 * The probe behind `serve`'s /probe: finds a checklist by name in the configured directory (never a
 * path from the request), runs it as `run` does (history, stateful checks, --notify), shares one run
 * among concurrent scrapes, and repeats the last result inside the minimum interval so that however
 * many Prometheus replicas scrape, the RPC endpoints see at most one run per interval.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSession, type RunCommandOptions, runOnce, type Session } from './run.js';
import { type ProbeFacts, probeSeries } from './serveMetrics.js';

export interface ProberOptions {
  /** Directory of checklists; /probe?checklist=NAME serves NAME.yaml (or NAME.yml) from it. */
  dir: string;
  /** Where run history lives (default: `.l2preflight/` in `dir`, as `run` keeps it). */
  stateDir: string;
  minIntervalMs: number;
  /** The settings every run shares (parsed once from the command line, as `run` parses them). */
  settings: Session['settings'];
  /** The `run` options every run shares (notify, timeouts, version, warnings). */
  runOptions: Omit<RunCommandOptions, 'write' | 'format'>;
}

export interface ProbeAnswer {
  /** The Prometheus text: the run's report (as `run --format prometheus`) and the probe's series. */
  text: string;
  facts: ProbeFacts;
}

interface Finished {
  report: string;
  startedAt: number;
  facts: Omit<ProbeFacts, 'how'>;
}

/** A name the directory holds as `NAME.yaml`/`NAME.yml` (or given with that extension), else undefined. */
export async function findChecklist(dir: string, name: string): Promise<string | undefined> {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => entry.name);
  // Compared with the directory's own listing: a name with a slash or dots can only match a file in it.
  const file = files.find((f) => f === name || f.replace(/\.ya?ml$/, '') === name);
  return file === undefined ? undefined : join(dir, file);
}

export class Prober {
  private readonly running = new Map<string, Promise<Finished>>();
  private readonly last = new Map<string, Finished>();

  constructor(
    private readonly options: ProberOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Answers a probe of `file` (from findChecklist) with a run that has `deadlineMs`. */
  async probe(file: string, deadlineMs: number): Promise<ProbeAnswer> {
    const shared = this.running.get(file);
    if (shared) return answer(await shared, 'shared');
    const last = this.last.get(file);
    if (last && this.now() - last.startedAt < this.options.minIntervalMs) return answer(last, 'cached');
    const fresh = this.runFresh(file, deadlineMs).finally(() => this.running.delete(file));
    this.running.set(file, fresh);
    return answer(await fresh, 'run');
  }

  /** Runs still going (SIGTERM waits for them). */
  inFlight(): Promise<unknown>[] {
    return [...this.running.values()];
  }

  private async runFresh(file: string, deadlineMs: number): Promise<Finished> {
    const startedAt = this.now();
    // Loaded for every run: an edited checklist takes effect at the next run, as with `run`.
    let report = '';
    const session = await openSession(
      file,
      { ...this.options.settings, format: 'prometheus', deadlineMs, deadlinePerRun: true },
      {
        ...this.options.runOptions,
        format: 'prometheus',
        write: (text) => {
          report += text;
        },
      },
      this.options.stateDir,
    );
    const { traffic } = await runOnce(session);
    const finished: Finished = {
      report,
      startedAt,
      facts: { deadlineMs, httpRequests: traffic.httpRequests, rpcCalls: traffic.rpcCalls },
    };
    this.last.set(file, finished);
    return finished;
  }
}

function answer(finished: Finished, how: ProbeFacts['how']): ProbeAnswer {
  const facts = { ...finished.facts, how };
  return { text: finished.report + probeSeries(facts), facts };
}
