import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { CareDeskError } from '../../../domain/errors';
import { diskFull, isDiskFull } from './diskFull';
import { migrate, refuseNewerSchema } from './migrations';
import type { Db } from './sqlite';
import { WorkstationCache, type WorkstationCacheOptions } from './workstationCache';

export interface OpenCacheOptions extends WorkstationCacheOptions {
  file: string;
  /**
   * The 256-bit cache key from the vault. `null` opens a plain, unencrypted database: only for the
   * benchmark that measures what encryption costs, never for a user's cache.
   */
  key: Buffer | null;
  /** page size of a new cache file; an existing file keeps its own */
  pageSize?: number;
}

/** ChaCha20-Poly1305: every page is authenticated, so an altered cache fails to open instead of lying. */
export const CACHE_CIPHER = 'chacha20';

const UNREADABLE =
  'The local cache could not be opened: the key does not fit it or the file is damaged. It was left exactly as it is; ' +
  'sign in online to start a new cache.';

/**
 * The one place a cache database is opened (STYLE.md, after Signal's single `getSQLKey`): cipher and
 * raw key first, then a read of `sqlite_master` proves the key before anything is written, then the
 * connection settings and the numbered migrations. A key that does not fit, or a damaged file,
 * gives `cache_unreadable` and leaves every byte of the file as it was.
 */
export function openCache(options: OpenCacheOptions): WorkstationCache {
  const { file, key } = options;
  if (key && key.length !== 32) throw new CareDeskError('internal', 'a cache key is 32 bytes');
  const isNew = createPrivately(file);
  if (key) proveKeyBeforeRollback(file, key);
  const db = new Database(file);
  try {
    unlockWith(db, key);
    if (isNew && options.pageSize) db.pragma(`page_size = ${options.pageSize}`);
  } catch (err) {
    db.close();
    throw unreadable(err);
  }
  try {
    refuseNewerSchema(db);
    configure(db);
    migrate(db);
    return new WorkstationCache(db, options);
  } catch (err) {
    db.close();
    if (err instanceof CareDeskError) throw err;
    throw unreadable(err);
  }
}

/** Cipher and raw key, then a read of the schema: a key that does not fit fails here, before any write. */
function unlockWith(db: Db, key: Buffer | null): void {
  if (key) {
    db.pragma(`cipher = '${CACHE_CIPHER}'`);
    // a raw key (x'…'): the vault already derived it, so the cipher's own KDF is skipped
    db.pragma(`key = "x'${key.toString('hex')}'"`);
  }
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

/**
 * A first sync runs in rollback-journal mode (workstationCache.ts). If it was cut off, the hot
 * journal is replayed into the file by the next connection that reads it, with whatever key that
 * connection has: a wrong key would write garbage into the cache. So the journal is parked while a
 * read-only connection proves the key, and put back before the real connection replays it.
 */
function proveKeyBeforeRollback(file: string, key: Buffer): void {
  const journal = `${file}-journal`;
  const parked = `${file}-journal.parked`;
  if (existsSync(parked) && !existsSync(journal)) renameSync(parked, journal);
  if (!existsSync(journal)) return;
  renameSync(journal, parked);
  try {
    const probe = new Database(file, { readonly: true });
    try {
      unlockWith(probe, key);
    } catch (err) {
      // A wrong key fails page 1's authentication: SQLITE_NOTADB. Any later error (a schema read
      // half way through the cut transaction: "malformed") means page 1 opened with this key, so
      // the key is proven and the journal may be replayed; refusing here lost the cache (found by
      // the crash harness: 3 of 50 kills in a first pull).
      if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw unreadable(err);
    } finally {
      probe.close();
    }
  } finally {
    renameSync(parked, journal);
  }
}

/** Why the cache did not open: a full disk is named as such, not as a key that does not fit. */
function unreadable(err: unknown): CareDeskError {
  if (isDiskFull(err)) return diskFull(err);
  return new CareDeskError('cache_unreadable', `${UNREADABLE} (${err instanceof Error ? err.message : String(err)})`);
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: an edit the console calls queued is on disk, power cut or not (workstationCache.ts)
  db.pragma('synchronous = FULL');
  // SQLite3MC does not encrypt temporary files: sorts and temp tables stay in memory
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
  // a deleted or replaced row's bytes are overwritten in the page, not left in free space (an erased
  // customer, an old address); the phone index does the same for its own segments (migration 004)
  db.pragma('secure_delete = ON');
}

/** A new cache file is created readable by its owner only; SQLite gives its -wal and -shm the same mode. */
function createPrivately(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (existsSync(file) && statSync(file).size > 0) return false;
  if (!existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
  return true;
}
