import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations';
import { PERSONAL_DATA_TABLES, type CentralDb, type CentralSchema } from './schema';

/**
 * Opens the store's database: an SQLite file (the embedded default: `npm start`, one-box installs)
 * or PostgreSQL (config.json `database`, DESIGN §2: a system of record the provider already runs,
 * with several central nodes on it). This is the one place that knows which: the pragmas and the
 * busy retry of SQLite, the pool, the write lock and the change notifications of PostgreSQL. Every
 * query elsewhere is plain Kysely; the few that reach into JSON text go through `jsonText` below.
 */
export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'postgres';
      /** e.g. postgresql://caredesk@db.internal:5432/caredesk; its password, if any, better in `password` (read from a file) */
      connectionString: string;
      password?: string;
      /** connections this node keeps (default 10) */
      poolMax?: number;
      /** verify the server's certificate against this CA (PEM): TLS to the database */
      caPem?: string;
    };

/** The SQLite connection under each open SQLite database, for what only SQLite's own API does (a backup). */
const connections = new WeakMap<CentralDb, Database.Database>();
/** How to open another connection to each open PostgreSQL database (LISTEN needs one of its own). */
const postgresTargets = new WeakMap<CentralDb, pg.ClientConfig>();
/** The pool under each open PostgreSQL database, for what Kysely does not carry (a VACUUM's notices). */
const postgresPools = new WeakMap<CentralDb, pg.Pool>();

export async function openDatabase(target: DatabaseTarget | string): Promise<CentralDb> {
  const t: DatabaseTarget = typeof target === 'string' ? { kind: 'sqlite', file: target } : target;
  const db = t.kind === 'sqlite' ? openSqlite(t.file) : openPostgres(t);
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

function openSqlite(file: string): CentralDb {
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
  return db;
}

/** int8 (counts, sequence numbers) and numeric as JS numbers: every such value here is an integer well below 2^53. */
const NUMERIC_TYPES = new Set([20, 1700]);
const pgTypes = { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (NUMERIC_TYPES.has(oid) ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser };

function openPostgres(t: Extract<DatabaseTarget, { kind: 'postgres' }>): CentralDb {
  const config: pg.ClientConfig = {
    connectionString: t.connectionString,
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.caPem ? { ssl: { ca: t.caPem, rejectUnauthorized: true } } : {}),
    types: pgTypes,
    application_name: 'caredesk-central',
  };
  const pool = new pg.Pool({ ...config, max: t.poolMax ?? 10 });
  // an idle connection the server dropped must not take the process down
  pool.on('error', () => undefined);
  const db = new Kysely<CentralSchema>({ dialect: new PostgresDialect({ pool }) });
  postgresTargets.set(db, config);
  postgresPools.set(db, pool);
  return db;
}

/** The connections of `db`'s PostgreSQL pool now, for the metrics (ops/metrics.ts); null on SQLite. */
export function poolStats(db: CentralDb): (() => { total: number; idle: number; waiting: number }) | null {
  const pool = postgresPools.get(db);
  return pool ? () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) : null;
}

/** Whether `db` (or a transaction on it) is PostgreSQL. */
export function isPostgres(db: CentralDb | Tx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function migrate(db: CentralDb): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
}

/**
 * The migrations this build knows that the database has not run (readiness: a node must not take
 * traffic on a schema older than its code, e.g. after a restore from an older backup). One small read.
 */
export async function pendingMigrations(db: CentralDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  const done = new Set(rows.map((r) => r.name));
  return Object.keys(MIGRATIONS).filter((name) => !done.has(name));
}

export type Tx = Transaction<CentralSchema>;

const BUSY = /^SQLITE_BUSY/;
/** PostgreSQL's serialization failure and deadlock: the transaction is retried from the start */
const PG_RETRY = new Set(['40001', '40P01']);
/**
 * A unique violation, retried only in a transaction that takes the write order late (below): there a
 * key another transaction inserts meanwhile (a replayed mutation id) is no longer kept out by the
 * lock, and the retry then reads it and answers as if it had come second.
 */
const PG_UNIQUE_VIOLATION = '23505';
/**
 * The key of the advisory lock every writing transaction takes on PostgreSQL. Writers are serialised,
 * as SQLite serialises them: the change sequence and the audit chain's head are each taken by one
 * transaction at a time, so numbers stay gapless and commit in their order — a pull that read head n
 * has every change up to n, none still to commit below it (DESIGN §5).
 */
const WRITE_LOCK = 0x0ca4ede5;

/** The PostgreSQL transactions that hold the write lock (above). */
const holdingWriteOrder = new WeakSet<Tx>();

export interface TransactionOptions {
  /**
   * When the transaction takes the write lock on PostgreSQL. `first` (the default): before `work`
   * runs, so `work` reads and writes as if alone. `late`: `work` reads first, locking the rows it
   * will change (`forUpdate`), and the lock comes with the first write that needs the order — a
   * change sequence number or an audit row (`takeWriteOrder`) — and is held from there to the commit:
   * the lock then covers the writes, not the reads and checks before them (issue 15, the load bench).
   * Only for work whose reads are of rows it locks or of facts another writer cannot move under it.
   * A transaction that took the lock first and then writes a row a late one has locked, while that one
   * waits for the lock, is a deadlock: PostgreSQL ends one of them after `deadlock_timeout` (1 s) and it
   * is retried (below) — rare (an erasure or a supervisor's decision on a record being edited), and slow
   * only then.
   */
  writeOrder?: 'first' | 'late';
}

/**
 * Runs `work` in one transaction. A transaction that began by reading and must then write can
 * meet another process's commit (SQLite: SQLITE_BUSY_SNAPSHOT, which busy_timeout does not wait out;
 * PostgreSQL: a serialization failure or a deadlock); it is then retried from the start, so `work`
 * must have no effect outside the database. On PostgreSQL it takes the write lock (above), held until
 * it commits, whichever node it runs on: first, or late (`TransactionOptions`).
 */
export async function inTransaction<T>(db: CentralDb, work: (tx: Tx) => Promise<T>, { writeOrder = 'first' }: TransactionOptions = {}): Promise<T> {
  const postgres = isPostgres(db);
  for (let attempt = 1; ; attempt++) {
    try {
      if (!postgres) return await db.transaction().execute(work);
      return await db.transaction().execute(async (tx) => {
        if (writeOrder === 'first') await takeWriteOrder(tx);
        return work(tx);
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const retry = typeof code === 'string' && (postgres ? PG_RETRY.has(code) || (writeOrder === 'late' && code === PG_UNIQUE_VIOLATION) : BUSY.test(code));
      if (attempt >= 5 || !retry) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Takes the write lock for the rest of `tx` (PostgreSQL; once), before a write that needs the one
 * order of writers: a change sequence number, an audit row, or a check that reads what another
 * writer may be changing. SQLite's transaction holds its write lock from its first write anyway.
 */
export async function takeWriteOrder(tx: Tx): Promise<void> {
  if (!isPostgres(tx) || holdingWriteOrder.has(tx)) return;
  await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(tx);
  holdingWriteOrder.add(tx);
}

/** The channel a PostgreSQL node announces its commits on (NOTIFY), for every node's store watch. */
const STORE_CHANNEL = 'caredesk_store';

/**
 * Tells every other node, once this transaction commits, that the change log or the revocations
 * moved (PostgreSQL NOTIFY, delivered at commit, dropped with a rollback). SQLite has no such
 * channel: its other processes see the counters at their next poll.
 */
export async function announceCommit(tx: Tx): Promise<void> {
  if (isPostgres(tx)) await sql`select pg_notify(${STORE_CHANNEL}, '')`.execute(tx);
}

/**
 * Calls `onCommit` when another transaction on the database announced a commit (`announceCommit`):
 * a connection of its own LISTENs. Null on SQLite, where the store watch's poll is all there is.
 */
export async function listenForCommits(db: CentralDb, onCommit: () => void, onError: (err: unknown) => void): Promise<{ close(): Promise<void> } | null> {
  const config = postgresTargets.get(db);
  if (!config) return null;
  let client: pg.Client | null = null;
  let closed = false;
  const connect = async (): Promise<void> => {
    const c = new pg.Client(config);
    c.on('notification', () => onCommit());
    c.on('error', (err) => {
      onError(err);
      // reconnect: the poll covers what passes meanwhile
      if (!closed) setTimeout(() => void connect().catch(onError), 1_000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${STORE_CHANNEL}`);
    if (closed) await c.end();
    else client = c;
  };
  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * A JSON value's text at `path` inside a TEXT column of JSON (SQLite `json_extract`, PostgreSQL
 * `#>>`), for the few queries that look inside a record: e.g. `jsonText(tx, 'data', 'serviceAddress', 'zip')`.
 */
export function jsonText(db: CentralDb | Tx, column: string, ...path: string[]) {
  return isPostgres(db) ? sql<string | null>`(${sql.ref(column)}::jsonb #>> ${`{${path.join(',')}}`})` : sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
}

/** Whether the JSON array at `arrayKey` of a TEXT column of JSON holds an object whose `key` is `value`. */
export function jsonArrayHas(db: CentralDb | Tx, column: string, arrayKey: string, key: string, value: string) {
  return isPostgres(db)
    ? sql<boolean>`exists (select 1 from jsonb_array_elements(${sql.ref(column)}::jsonb -> ${arrayKey}) as e where e ->> ${key} = ${value})`
    : sql<boolean>`exists (select 1 from json_each(${sql.ref(column)}, ${`$.${arrayKey}`}) e where json_extract(e.value, ${`$.${key}`}) = ${value})`;
}

/**
 * After an erasure or a purge, so that what went leaves no bytes behind. SQLite (with
 * `secure_delete`, which overwrote the rows) puts every page back in the database file and empties
 * the WAL (`wal_checkpoint(TRUNCATE)`), so that the old versions of its pages do not wait there;
 * waits for readers up to the busy timeout. PostgreSQL keeps a deleted row's bytes in its page until
 * the table is rewritten: the tables that can hold a customer's values are rewritten (VACUUM FULL,
 * each locked for the time it takes, again until it kept no dead row: `rewriteTable`), then a
 * checkpoint and a WAL segment switch, twice, let the server drop the WAL segments that held
 * them — removed, not recycled, when the server runs with `wal_recycle = off` (central/README.md,
 * Erasure on PostgreSQL). The role needs `pg_checkpoint`
 * and EXECUTE on `pg_switch_wal()`.
 */
export async function checkpoint(db: CentralDb): Promise<void> {
  if (!isPostgres(db)) {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return;
  }
  const pool = postgresPools.get(db)!;
  for (const table of PERSONAL_DATA_TABLES) await rewriteTable(pool, table);
  for (let i = 0; i < 2; i++) {
    await sql`select pg_switch_wal()`.execute(db);
    await sql`checkpoint`.execute(db);
  }
}

/**
 * Rewrites `table` (VACUUM FULL) until it kept no dead row. It keeps one that a transaction still open
 * might see — one that began before the erasure committed (the autovacuum's ANALYZE, a pull's read) —
 * and says so ("N dead row versions cannot be removed yet"): then it waits and rewrites again, for at
 * most 30 s, after which the next erasure or purge's rewrite takes them.
 */
async function rewriteTable(pool: pg.Pool, table: string): Promise<void> {
  const client = await pool.connect();
  let kept = 0;
  const onNotice = (notice: { message?: string; detail?: string }) => {
    const match = /(\d+) dead row versions cannot be removed yet/.exec(`${notice.message ?? ''} ${notice.detail ?? ''}`);
    if (match) kept += Number(match[1]);
  };
  client.on('notice', onNotice);
  try {
    for (const deadline = Date.now() + 30_000; ; ) {
      kept = 0;
      await client.query(`vacuum (full, verbose) ${client.escapeIdentifier(table)}`);
      if (kept === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.off('notice', onNotice);
    client.release();
  }
}

/**
 * A consistent copy of the database while it serves, through SQLite's online backup API, written
 * readable by its owner only. Only the database: the pepper, the card master keys, the CA and the
 * erasure ledger are backed up separately (central/README.md). (PostgreSQL: its own base backups.)
 */
export async function backupTo(db: CentralDb, file: string): Promise<void> {
  const sqlite = connections.get(db);
  if (!sqlite) throw new Error('backup copies an SQLite database; back up PostgreSQL with its own tools (pg_basebackup, pg_dump)');
  closeSync(openSync(file, 'w', 0o600));
  await sqlite.backup(file);
}

