import type { RecordTable } from './records';
import type { SearchIndex } from './searchIndex';
import type { Db } from './sqlite';

/**
 * A first sync loads the whole projection at once (DESIGN §7: 1M customers). Maintaining B-tree
 * indexes row by row makes every commit rewrite, and so re-encrypt, pages all over each index;
 * TOOLCHAIN.md measured 538 s against 71 s. So for its duration the secondary indexes of the
 * tables it fills are set aside (their definitions kept in the database, so a crash mid-sync
 * resumes), rows are only appended, and at the end every index is built in one pass over narrow
 * rows, duplicates and deletions are resolved, and the trigram index is rebuilt.
 */
const FILLED_TABLES = "('record', 'customer_search')";

export function setIndexesAside(db: Db): void {
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ${FILLED_TABLES} AND sql IS NOT NULL`)
    .all() as { name: string; sql: string }[];
  const keep = db.prepare('INSERT OR REPLACE INTO initial_sync_index (name, sql) VALUES (?, ?)');
  for (const index of indexes) {
    keep.run(index.name, index.sql);
    db.exec(`DROP INDEX ${quoteName(index.name)}`);
  }
  db.exec("INSERT INTO phone_search (phone_search) VALUES ('delete-all')");
}

export function buildIndexes(db: Db, records: RecordTable, search: SearchIndex): void {
  const existing = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[]);
  for (const index of db.prepare('SELECT name, sql FROM initial_sync_index').all() as { name: string; sql: string }[]) {
    if (!existing.has(index.name)) db.exec(index.sql);
  }
  for (const rid of [...supersededRows(db), ...deletedRows(db)]) {
    records.remove(rid);
    search.delete(rid);
  }
  db.exec("INSERT INTO phone_search (phone_search) VALUES ('rebuild')");
  db.exec('DELETE FROM initial_sync_index; DELETE FROM initial_sync_tombstone;');
}

interface KeyedRow {
  rid: number;
  seq: number;
  entity: string;
  id: string;
}

/** Older versions of records pulled more than once during the sync (one version per key remains). */
function supersededRows(db: Db): number[] {
  const sharedHashes = db.prepare('SELECT key_hash FROM record GROUP BY key_hash HAVING count(*) > 1').pluck().all() as number[];
  const rowsOf = db.prepare(
    'SELECT r.rid, r.seq, b.entity, b.id FROM record AS r CROSS JOIN record_body AS b ON b.rid = r.rid WHERE r.key_hash = ? ORDER BY r.seq DESC, r.rid DESC',
  );
  const superseded: number[] = [];
  for (const hash of sharedHashes) {
    const seen = new Set<string>();
    for (const row of rowsOf.all(hash) as KeyedRow[]) {
      const key = `${row.entity}\u0000${row.id}`;
      if (seen.has(key)) superseded.push(row.rid);
      seen.add(key);
    }
  }
  return superseded;
}

/** Versions older than a deletion received during the sync. */
function deletedRows(db: Db): number[] {
  return db
    .prepare(
      `SELECT r.rid FROM initial_sync_tombstone AS t
       CROSS JOIN record AS r ON r.key_hash = hash_record_key(t.entity, t.id)
       CROSS JOIN record_body AS b ON b.rid = r.rid AND b.entity = t.entity AND b.id = t.id
       WHERE r.seq < t.seq`,
    )
    .pluck()
    .all() as number[];
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
