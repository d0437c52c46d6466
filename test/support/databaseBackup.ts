import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DATA_FILES } from '../../central/dataDir';
import { restoreDatabase } from '../../central/erasure/restore';
import { backupTo, isPostgres } from '../../central/storage/database';
import type { CentralDb } from '../../central/storage/schema';
import { postgresBinDir } from './postgres';

/**
 * A backup and a restore of a central store's database as its operator makes them: on SQLite the
 * store's `backup` (SQLite's online backup API) and `restore --from`; on PostgreSQL `pg_dump` (plain
 * SQL, so a test can read what it holds) and, the store stopped, the database dropped, created again
 * and loaded with `psql`, then `restore` without `--from`, which gives the store a new generation and
 * re-applies the erasure ledger. Returns what `restore` returns: the erasures re-applied.
 */
export async function backupDatabase(store: { db: CentralDb; dataDir: string }, file: string): Promise<void> {
  if (!isPostgres(store.db)) return backupTo(store.db, file);
  execFileSync(join(postgresBinDir(), 'pg_dump'), ['--format=plain', '--no-owner', '--file', file, databaseUrl(store.dataDir)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function restoreBackup(dataDir: string, file: string): Promise<number> {
  const url = databaseUrlOrNull(dataDir);
  if (!url) return restoreDatabase(dataDir, file);
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await client.query(`drop database ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  execFileSync(join(postgresBinDir(), 'psql'), ['--quiet', '--set', 'ON_ERROR_STOP=1', '--file', file, url], { stdio: ['ignore', 'ignore', 'pipe'] });
  return restoreDatabase(dataDir, null);
}

function databaseUrlOrNull(dataDir: string): string | null {
  try {
    const config = JSON.parse(readFileSync(join(dataDir, DATA_FILES.config), 'utf8')) as { database?: { url: string } };
    return config.database?.url ?? null;
  } catch {
    return null;
  }
}

function databaseUrl(dataDir: string): string {
  const url = databaseUrlOrNull(dataDir);
  if (!url) throw new Error(`${dataDir} names no PostgreSQL database`);
  return url;
}
