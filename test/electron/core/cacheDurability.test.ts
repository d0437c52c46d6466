import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openCache } from '../../../electron/core/cache';
import { openDatabase } from '../../../central/storage/database';
import { removeTempDirs, tempDir } from './helpers';

/**
 * SIGKILL tests (the crash harness) prove that a killed process loses nothing; a power cut also
 * loses what the OS had not written yet. Against that, both stores sync at every commit: an edit
 * the console called queued, and a push the central store answered, are on disk.
 */
afterAll(() => removeTempDirs());

describe('durability against a power cut', () => {
  it('the cache syncs every commit, in its steady WAL mode and during a first sync', () => {
    const cache = openCache({ file: join(tempDir(), 'cache.db'), key: Buffer.alloc(32, 3) });
    try {
      expect(cache.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
      cache.beginInitialSync();
      expect(cache.durability()).toEqual({ journalMode: 'delete', synchronous: 'FULL' });
      cache.finishInitialSync();
      expect(cache.durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    } finally {
      cache.close();
    }
  });

  it('the central store answers a write only once its WAL is synced', async () => {
    const db = await openDatabase(join(tempDir(), 'central.sqlite'));
    try {
      const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
      expect(rows[0]!.synchronous).toBe(2); // FULL
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db);
      expect(mode.rows[0]!.journal_mode).toBe('wal');
    } finally {
      await db.destroy();
    }
  });
});
