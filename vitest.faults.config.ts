import { defineConfig } from 'vitest/config';

// The long fault matrix (`npm run faults`): one file, cases one after another, minutes not seconds.
export default defineConfig({
  test: {
    include: ['test/faults/*.faults.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
