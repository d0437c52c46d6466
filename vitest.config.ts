import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // a flow that runs only inside the copy of the tree test/operations/newField.test.ts makes
    exclude: ['test/e2e/**', 'node_modules/**', ...(process.env.CAREDESK_NEW_FIELD_FLOW ? [] : ['test/operations/*.flow.test.ts'])],
    // native add-ons (SQLite, keytar) are safest in child processes
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the whole suite must run: a skipped test fails the run
    allowOnly: false,
    passWithNoTests: false,
  },
});
