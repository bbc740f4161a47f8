import { defineConfig } from 'vitest/config';

/**
 * The browser suite (`npm run test:e2e`): the app in process, driven from a real headless Chromium
 * (`/usr/bin/chromium`, or CHROMIUM_PATH) through playwright-core. Nothing is loaded from outside
 * the machine. The web apps are built first when web/dist is missing or older than their sources.
 * CI runs it after the other suites.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/web-build.ts'],
    setupFiles: ['test/support/leaks.ts', 'test/support/contract.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 20_000,
  },
});
