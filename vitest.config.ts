import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end tests boot anvil nodes and spawn the CLI; checks with a `wait` take seconds by design.
    // A timeout is a safety net for a hang, not a speed limit: a test of eight CLI runs took 15 s on a quiet
    // machine and 30 s (the old limit) with the machine busy, and failed for being slow, not wrong.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Test files mostly wait on anvil, on the CLI's child processes and on checks' deliberate waits, not
    // on this process's CPU: eight files at a time on 2 cores. With isolate: false below, the suite
    // (1 030 tests) took 210 s at four and 175 s at eight, both on a machine other work kept busy; twelve
    // made a devnet test outlive its venue's freshness window. vitest's default (cores − 1) would run the
    // files one by one.
    maxWorkers: 8,
    // A worker runs its files one after another in one module graph instead of re-importing viem, zod and
    // src/ for each of them: vitest's import time for the suite fell from ~100 s to 19 s of CPU, and the
    // suite's CPU from 316 s to 208 s. Safe because no test file relies on fresh module state: devnets
    // are per file (or reset per file, test/helpers/sharedVenue.ts), and the CLI runs in child processes.
    isolate: false,
    // One devnet per worker for the check test files that ask for it (test/helpers/sharedVenue.ts).
    globalSetup: ['test/setup/sharedDevnet.ts'],
  },
});
