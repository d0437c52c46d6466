import { inject } from 'vitest';

// each test file of the postgres project: the server its central stores make their databases on
// (test/support/testDatabase.ts reads it from the environment, which child processes inherit too)
process.env.CAREDESK_TEST_POSTGRES_URL = inject('postgresUrl');
