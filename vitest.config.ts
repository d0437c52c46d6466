import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // a flow that runs only inside the copy of the tree test/operations/newField.test.ts makes
    exclude: ['test/e2e/**', 'node_modules/**', ...(process.env.CAREDESK_NEW_FIELD_FLOW ? [] : ['test/operations/*.flow.test.ts'])],
    // native add-ons (SQLite, keytar) are safest in child processes
    pool: 'forks',
    // two files at a time even on a 2-core machine (vitest's default there is one): most tests wait on
    // sockets, TLS and timers rather than the CPU, and each has its own store, ports and data dirs
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the whole suite must run: a skipped test fails the run
    allowOnly: false,
    passWithNoTests: false,
  },
});
