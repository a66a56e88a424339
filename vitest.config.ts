import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end tests boot anvil nodes and spawn the CLI; checks with a `wait` take seconds by design.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
