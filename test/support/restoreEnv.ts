import { afterAll } from 'vitest';

/**
 * Test files share their child process (vitest.config.ts: isolate false), so what one leaves in the
 * environment the next would inherit — a Vite build sets NODE_ENV to production, for one. Each file
 * gets back, once it ends, the environment it started with.
 */
const started = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) if (!(name in started)) delete process.env[name];
  Object.assign(process.env, started);
});
