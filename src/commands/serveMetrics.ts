/**
 * What `serve` adds to the Prometheus text: a few probe series after each run's report, and the
 * process's own counters on /metrics. Counters live here; the HTTP layer only increments them.
 */

/** How a probe was answered: its own run, a run another scrape had started, or the last run's result. */
export type ProbeHow = 'run' | 'shared' | 'cached';

export interface ProbeFacts {
  how: ProbeHow;
  /** The deadline the run was given (the first scrape's, for a shared run). */
  deadlineMs: number;
  /** HTTP requests and JSON-RPC calls the run made (the same figures for a cached answer). */
  httpRequests: number;
  rpcCalls: number;
}

function gauge(name: string, help: string, value: number, type = 'gauge'): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`];
}

/** The series that follow a run's report in a /probe answer. */
export function probeSeries(facts: ProbeFacts): string {
  return `${[
    ...gauge(
      'l2preflight_probe_cached',
      '1 when this answer is the last run of the checklist, repeated inside --min-interval; 0 for a fresh run.',
      facts.how === 'cached' ? 1 : 0,
    ),
    ...gauge(
      'l2preflight_probe_deadline_seconds',
      'The deadline the run had: the scrape timeout minus --timeout-offset.',
      facts.deadlineMs / 1000,
    ),
    ...gauge(
      'l2preflight_probe_http_requests',
      'HTTP requests the run sent to RPC endpoints.',
      facts.httpRequests,
    ),
    ...gauge('l2preflight_probe_rpc_calls', 'JSON-RPC calls those requests carried.', facts.rpcCalls),
  ].join('\n')}\n`;
}

const labelValue = (value: string) =>
  value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** The process's counters, rendered for /metrics. */
export class ServeMetrics {
  private readonly probes = new Map<string, number>();
  private readonly runs = new Map<string, number>();
  private readonly httpRequests = new Map<string, number>();
  private readonly unknown = { count: 0 };
  private readonly failed = new Map<string, number>();
  inFlight = 0;
  private readonly startedAt = Date.now() / 1000;

  answered(checklist: string, facts: ProbeFacts): void {
    const key = `${checklist}\u0000${facts.how}`;
    this.probes.set(key, (this.probes.get(key) ?? 0) + 1);
    if (facts.how !== 'run') return;
    this.runs.set(checklist, (this.runs.get(checklist) ?? 0) + 1);
    this.httpRequests.set(checklist, (this.httpRequests.get(checklist) ?? 0) + facts.httpRequests);
  }

  unknownChecklist(): void {
    this.unknown.count += 1;
  }

  probeFailed(checklist: string): void {
    this.failed.set(checklist, (this.failed.get(checklist) ?? 0) + 1);
  }

  render(): string {
    const perChecklist = (name: string, help: string, values: Map<string, number>) => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} counter`,
      ...[...values].map(([checklist, value]) => `${name}{checklist="${labelValue(checklist)}"} ${value}`),
    ];
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return `${[
      '# HELP l2preflight_serve_probes_total Probes answered, by checklist and how (run, shared, cached).',
      '# TYPE l2preflight_serve_probes_total counter',
      ...[...this.probes].map(([key, value]) => {
        const [checklist = '', how = ''] = key.split('\u0000');
        return `l2preflight_serve_probes_total{checklist="${labelValue(checklist)}",how="${how}"} ${value}`;
      }),
      ...perChecklist('l2preflight_serve_runs_total', 'Checklist runs started by probes.', this.runs),
      ...perChecklist(
        'l2preflight_serve_rpc_http_requests_total',
        'HTTP requests to RPC endpoints made by those runs (rate() of it is the RPC load serve causes).',
        this.httpRequests,
      ),
      ...perChecklist(
        'l2preflight_serve_probe_failures_total',
        'Probes answered 500: the checklist could not be loaded or the run failed.',
        this.failed,
      ),
      ...gauge(
        'l2preflight_serve_unknown_checklist_total',
        'Probes for a checklist name that is not in --checklists (answered 404).',
        this.unknown.count,
        'counter',
      ),
      ...gauge('l2preflight_serve_probes_in_flight', 'Probes being answered now.', this.inFlight),
      ...gauge('process_start_time_seconds', 'Start time of the process in Unix seconds.', this.startedAt),
      ...gauge(
        'process_cpu_seconds_total',
        'User and system CPU time spent, in seconds.',
        (cpu.user + cpu.system) / 1e6,
        'counter',
      ),
      ...gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
      ...gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', memory.heapUsed),
    ].join('\n')}\n`;
  }
}
