import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each test file holds its own database (≈1 GB embedded): two at a time on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    // A service started in a hook loads the demo area on its first start (tens of seconds on a busy machine).
    hookTimeout: 240_000,
  },
});
