import Database from 'better-sqlite3-multiple-ciphers';
import type { WorkstationCache } from '../../electron/core/cache';

/**
 * A full disk under a cache, as SQLite meets one: `PRAGMA max_page_count` set to the pages the
 * file has now, so the next write that needs one more page fails with SQLITE_FULL (pages freed
 * inside the file are still reused, as on a real volume). The limit belongs to one connection, so
 * it is set on the cache's own; a new connection (the cache closed and opened again) has room.
 * Production code has no such knob: the test reaches the handle the cache keeps to itself.
 */
export function fillDisk(cache: WorkstationCache): void {
  const db = cacheConnection(cache);
  const pages = Number(db.pragma('page_count', { simple: true }));
  db.pragma(`max_page_count = ${pages}`);
  if (Number(db.pragma('max_page_count', { simple: true })) !== pages) throw new Error('max_page_count was not applied');
}

/** Space is back: SQLite's own ceiling again. */
export function freeDisk(cache: WorkstationCache): void {
  cacheConnection(cache).pragma('max_page_count = 4294967294');
}

export function cacheConnection(cache: WorkstationCache): Database.Database {
  const db = (cache as unknown as { handle: unknown }).handle;
  if (!(db instanceof Database) || !db.open) throw new Error("the cache's open connection was not found (WorkstationCache.handle)");
  return db;
}
