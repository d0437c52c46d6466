import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DATA_FILES } from '../../central/dataDir';

/**
 * Which backend the central stores of this test run use (issue 15): SQLite, the embedded default,
 * or PostgreSQL when the run says so (`CAREDESK_TEST_BACKEND=postgres`, set by vitest's `postgres`
 * project, whose global setup starts a real server: test/support/postgresGlobalSetup.ts).
 */
export function testBackend(): 'sqlite' | 'postgres' {
  return process.env.CAREDESK_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * A new, empty database on the run's PostgreSQL server (the postgres project's global setup starts
 * it), named `<prefix>_…` and unique in the run; returns its URL.
 */
export async function createTestDatabase(prefix: string): Promise<URL> {
  const admin = process.env.CAREDESK_TEST_POSTGRES_URL;
  if (!admin) throw new Error('no PostgreSQL server: CAREDESK_TEST_POSTGRES_URL is unset (the postgres project of vitest.config.ts starts one)');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url;
}

/**
 * Points a central store's data dir at a new, empty PostgreSQL database when this run is on
 * PostgreSQL (its config.json gains `database`, kept with what else it holds); does nothing on SQLite.
 * Call it before the store first opens the data dir.
 */
export async function useTestDatabase(dataDir: string): Promise<void> {
  if (testBackend() !== 'postgres') return;
  const url = await createTestDatabase('central');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DATA_FILES.config);
  const config = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...config, database: { url: url.toString() } }, null, 2));
}
