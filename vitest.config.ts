import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end tests boot anvil nodes and spawn the CLI; checks with a `wait` take seconds by design.
    // A timeout is a safety net for a hang, not a speed limit: a test of eight CLI runs took 15 s on a quiet
    // machine and 30 s (the old limit) with the machine busy, and failed for being slow, not wrong.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Test files mostly wait on anvil and on checks' deliberate waits, not on the CPU (a devnet file uses
    // 20–55 % of a core): four files at a time, each with its own devnet on free ports, on 2 cores. Three
    // took vitest 389 s for the suite, four 310 s, back to back on a quiet machine; vitest's default
    // (cores − 1) would run them one by one.
    maxWorkers: 4,
    // A worker runs its files one after another in one module graph instead of re-importing viem, zod and
    // src/ for each of them: vitest's import time for the suite fell from ~100 s to 19 s of CPU, and the
    // suite's CPU from 316 s to 208 s. Safe because no test file relies on fresh module state: devnets
    // are per file (or reset per file, test/helpers/sharedVenue.ts), and the CLI runs in child processes.
    isolate: false,
    // One devnet per worker for the check test files that ask for it (test/helpers/sharedVenue.ts).
    globalSetup: ['test/setup/sharedDevnet.ts'],
  },
});
