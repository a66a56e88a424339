import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end tests boot anvil nodes and spawn the CLI; checks with a `wait` take seconds by design.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files mostly wait on anvil and on checks' deliberate waits, not on the CPU: three files at a
    // time (each with its own devnet on free ports) cut the suite from ~440 s to ~195 s on 2 cores, where
    // vitest's default (cores − 1) would run them one by one.
    maxWorkers: 3,
  },
});
