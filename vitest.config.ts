import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // native add-ons (SQLite, keytar) are safest in child processes
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the whole suite must run: a skipped test fails the run
    allowOnly: false,
    passWithNoTests: false,
  },
});
