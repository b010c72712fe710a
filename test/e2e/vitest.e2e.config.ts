import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the real demo stack on loopback ports chosen at run time, driven in the
 * system Chromium. Run with `npm run test:e2e`; `npm test` never picks these up (`*.e2e.ts`,
 * and the node project excludes test/e2e/**).
 */
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    name: 'e2e',
    environment: 'node',
    // The journeys (*.e2e.ts) and the demo server's own tests (*.test.ts), which need no browser.
    include: ['test/e2e/**/*.e2e.ts', 'test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    // One journey at a time: each starts its own stack and browser, and CI has 2 cores.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
