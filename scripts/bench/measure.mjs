/**
 * Measuring whole processes: wall time from spawn to exit, the proxy's request and call counts for
 * that process, and for `run --watch` the process's resident memory after every iteration.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** Output kept from a process, enough to explain a failure without holding a 200-check report twice. */
const KEEP_CHARS = 64 * 1024;

/**
 * @typedef {{ requests: number, calls: number }} Traffic
 * @typedef {{ stats(): Traffic } | undefined} Counter
 */

/** Runs one process to its end and times it. */
export function timeProcess(command, args, { env, cwd, counter }) {
  return new Promise((resolve, reject) => {
    const before = counter?.stats();
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      if (stdout.length < KEEP_CHARS) stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < KEEP_CHARS) stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const ms = performance.now() - started;
      const after = counter?.stats();
      resolve({
        ms,
        code: code ?? signal,
        stdout,
        stderr,
        traffic: before && after ? difference(after, before) : undefined,
        requestLog: requestsSince(counter, before),
      });
    });
  });
}

/** @param {Traffic} after @param {Traffic} before */
function difference(after, before) {
  return { requests: after.requests - before.requests, calls: after.calls - before.calls };
}

/**
 * What a process sent, request by request: each request's size and its calls per method. Sizes say
 * whether the calls were batched; methods say what they read.
 */
function requestsSince(counter, before) {
  if (!counter?.methodsSince || !before) return undefined;
  const requests = counter.methodsSince(before.logged);
  const methods = {};
  for (const request of requests) {
    for (const method of request) methods[method] = (methods[method] ?? 0) + 1;
  }
  return { batchSizes: requests.map((r) => r.length), methods };
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

/** Resident set size of a live process in bytes (Linux /proc), undefined once it has gone. */
async function rssOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `run --watch` with `--format json` (one report per run on stdout, each ending in a `}` line),
 * samples RSS after every report (`onSample(count, bytes)`), and stops the process with SIGINT after
 * `iterations` reports.
 * @returns {Promise<{ samples: number[], iterations: number, ms: number, code: unknown, traffic?: Traffic, stderr: string }>}
 */
export function watchMemory(command, args, { env, cwd, counter, iterations, stallMs, onSample }) {
  return new Promise((resolve, reject) => {
    const before = counter?.stats();
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const samples = [];
    let seen = 0;
    let partial = '';
    let stderr = '';
    let stopping = false;
    let stall = setTimeout(onStall, stallMs);
    // A run that never reports (or a process that ignores SIGINT) must not hang the benchmark.
    function onStall() {
      stopping = true;
      child.kill('SIGKILL');
    }
    // Samples are read in order, each before the next report can arrive (a run takes far longer than
    // a read of /proc), and the last one before the process is told to stop.
    let sampling = Promise.resolve();
    child.stdout.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line !== '}' || stopping) continue;
        seen += 1;
        clearTimeout(stall);
        stall = setTimeout(onStall, stallMs);
        sampling = sampling
          .then(() => rssOf(child.pid))
          .then((rss) => {
            if (rss !== undefined) samples.push(rss);
            onSample?.(samples.length, rss);
          });
        if (seen >= iterations) {
          stopping = true;
          sampling.then(() => child.kill('SIGINT'));
        }
      }
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < KEEP_CHARS) stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', async (code, signal) => {
      clearTimeout(stall);
      await sampling;
      const after = counter?.stats();
      resolve({
        samples,
        iterations: seen,
        ms: performance.now() - started,
        code: code ?? signal,
        stderr,
        traffic: before && after ? difference(after, before) : undefined,
      });
    });
  });
}

/**
 * RSS growth after warm-up. The first tenth of the iterations is warm-up; growth compares the tenth
 * right after it with the last tenth. Judged on the floor (each tenth's lowest sample, what is left
 * after a collection) because a leak raises the floor, while the median swings by tens of MB with
 * when the garbage collector last ran (1 000 iterations on the devnet: medians 176 then 159 MB,
 * floors 152.2 then 153.5 MB). Both are kept.
 */
export function rssGrowth(samples) {
  if (samples.length === 0) return undefined;
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const afterWarmUp = samples.length > tenth ? samples.slice(tenth, 2 * tenth) : samples;
  const last = samples.slice(-tenth);
  return {
    warmUpIterations: tenth,
    afterWarmUpBytes: summarize(afterWarmUp).median,
    finalBytes: summarize(last).median,
    peakBytes: Math.max(...samples),
    medianGrowthBytes: summarize(last).median - summarize(afterWarmUp).median,
    floorAfterWarmUpBytes: Math.min(...afterWarmUp),
    floorFinalBytes: Math.min(...last),
    growthBytes: Math.min(...last) - Math.min(...afterWarmUp),
  };
}
