import type Database from 'better-sqlite3-multiple-ciphers';

/** The handle type, named once. Only the cache folder holds a handle (STYLE.md: one module owns the cache). */
export type Db = Database.Database;

/** Whether a first sync is running: secondary indexes are set aside and rows are appended (see initialSync.ts). */
export interface SyncMode {
  initial: boolean;
}
