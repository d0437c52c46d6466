import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/support/slowFirstSequencer';

/** What every project shares. */
const common = {
  // native add-ons (SQLite, keytar) are safest in child processes
  pool: 'forks',
  // one child process runs many files and imports the store's modules once, not once per file (that
  // import was a quarter of the run's time in CI). So no test may mock a module (`vi.mock` would miss
  // the copy another file already loaded): tests use real parts, and restore any spy or timer they change.
  isolate: false,
  // and each file leaves the environment as it found it
  setupFiles: 'test/support/restoreEnv.ts',
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // the whole suite must run: a skipped test fails the run
  allowOnly: false,
  passWithNoTests: false,
} as const;

/**
 * The central store's tests again on PostgreSQL (issue 15): every central-store integration test,
 * the crash and fault suites and a desk's snapshot first sync, against a real server the project's
 * global setup starts (test/support/postgresGlobalSetup.ts), each store on a database of its own.
 */
const POSTGRES_SUITES = [
  'test/central/**/*.test.ts',
  'test/crash/*.test.ts',
  'test/electron/core/faultProxy.integration.test.ts',
  // a desk's first sync by snapshot: the central side pages one indexed scan, which differs by backend
  'test/electron/core/snapshot*.integration.test.ts',
];
/** what is about SQLite itself (its file's bytes, migrating an old SQLite file) or the data dir, not the database */
const SQLITE_ONLY = ['test/central/secureDelete.test.ts', 'test/central/mutationIdMigration.test.ts', 'test/central/dataDir.test.ts'];
/** what only PostgreSQL has (several nodes on one database; its schema against SQLite's): `*.pg.test.ts`, in the postgres project alone */
const POSTGRES_ONLY = 'test/**/*.pg.test.ts';

export default defineConfig({
  test: {
    // two files at a time even on a 2-core machine (vitest's default there is one): most tests wait on
    // sockets, TLS and timers rather than the CPU, and each has its own store, ports and data dirs
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        test: {
          ...common,
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          // a flow that runs only inside the copy of the tree test/operations/newField.test.ts makes
          exclude: ['test/e2e/**', 'node_modules/**', POSTGRES_ONLY, ...(process.env.CAREDESK_NEW_FIELD_FLOW ? [] : ['test/operations/*.flow.test.ts'])],
        },
      },
      {
        test: {
          ...common,
          name: 'postgres',
          include: POSTGRES_SUITES,
          exclude: ['node_modules/**', ...SQLITE_ONLY],
          env: { CAREDESK_TEST_BACKEND: 'postgres' },
          globalSetup: ['test/support/postgresGlobalSetup.ts'],
          setupFiles: ['test/support/restoreEnv.ts', 'test/support/postgresSetup.ts'],
        },
      },
    ],
  },
});
