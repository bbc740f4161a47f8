import { defineConfig } from 'vitest/config';

/**
 * The failure suite (`npm run test:chaos`): several real processes under faults, the security
 * sweep and schema fuzzing. Slower than `npm test`, bounded in time, run by CI after it.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/leaks.ts', 'test/support/contract.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
