import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, SqliteDialect, sql, type Transaction } from 'kysely';
import { MIGRATIONS } from './migrations';
import type { CentralDb, CentralSchema } from './schema';

/**
 * Opens the store's SQLite file. This is the one place that knows the backend is SQLite: the
 * pragmas below, and the busy retry of `inTransaction`. Every query elsewhere is plain Kysely,
 * ready for the PostgreSQL dialect.
 */
/** The SQLite connection under each open database, for what only SQLite's own API does (a backup). */
const connections = new WeakMap<CentralDb, Database.Database>();

export async function openDatabase(file: string): Promise<CentralDb> {
  // the file holds PII: readable by the service account only (the WAL and shm files inherit the mode)
  closeSync(openSync(file, 'a', 0o600));
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // the CLI (add-user, seed-demo) may write while the server runs: wait for the lock, do not fail
  sqlite.pragma('busy_timeout = 10000');
  // FULL: a push is answered only after its transaction reached the disk (the WAL is synced at
  // every commit). NORMAL would survive a killed process but could lose the last acknowledged
  // commits to a power cut, and a desk that was told "applied" would never send them again.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('cache_size = -65536');
  // a deleted or replaced row's bytes are overwritten, not left in free space: an erased customer
  // (issue 11) or a corrected address must not linger in the file (a checkpoint then empties the WAL)
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<CentralSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  connections.set(db, sqlite);
  await migrate(db);
  return db;
}

async function migrate(db: CentralDb): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}

export type Tx = Transaction<CentralSchema>;

const BUSY = /^SQLITE_BUSY/;

/**
 * Runs `work` in one transaction. A transaction that began by reading and must then write can
 * meet another process's commit (SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait out);
 * it is then retried from the start, so `work` must have no effect outside the database.
 */
export async function inTransaction<T>(db: CentralDb, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !BUSY.test(code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Every page back in the database file and the WAL emptied (SQLite's `wal_checkpoint(TRUNCATE)`):
 * after an erasure, so that the old versions of its pages do not wait in the WAL. Waits for readers
 * up to the busy timeout. (PostgreSQL: a VACUUM of the tables an erasure touched takes its place.)
 */
export async function checkpoint(db: CentralDb): Promise<void> {
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

/**
 * A consistent copy of the database while it serves, through SQLite's online backup API, written
 * readable by its owner only. Only the database: the pepper, the card master keys, the CA and the
 * erasure ledger are backed up separately (central/README.md). (PostgreSQL: its own base backups.)
 */
export async function backupTo(db: CentralDb, file: string): Promise<void> {
  const sqlite = connections.get(db);
  if (!sqlite) throw new Error('no SQLite connection under this database');
  closeSync(openSync(file, 'w', 0o600));
  await sqlite.backup(file);
}

