import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../central/storage/database';
import { MIGRATIONS } from '../../central/storage/migrations';
import type { CentralSchema } from '../../central/storage/schema';

/** Migration 005 on a store that ran before it, where a resend under a new sequence number was recorded twice. */
describe('migration 005: one row per mutation id', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caredesk-migration-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first row of each mutation id and makes the id unique', async () => {
    const file = join(dir, 'central.sqlite');
    const names = Object.keys(MIGRATIONS);
    const before = names[names.indexOf('005_mutation_ids') - 1]!;
    const old = new Kysely<CentralSchema>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => MIGRATIONS } }).migrateTo(before);
    expect(error).toBeUndefined();
    const row = (client_id: string, seq: number, mutation_id: string) => ({ client_id, seq, mutation_id, result: `{"seq":${seq}}`, at: '2026-12-01T00:00:00.000Z' });
    await old
      .insertInto('client_mutations')
      .values([row('c1', 1, 'm-a'), row('c1', 2, 'm-b'), row('c1', 3, 'm-a'), row('c2', 1, 'm-a'), row('c2', 2, 'm-c')] as never)
      .execute();
    await old.destroy();

    const db = await openDatabase(file);
    try {
      const rows = await db.selectFrom('client_mutations').select(['client_id', 'seq', 'mutation_id', 'content_hash']).orderBy('client_id').orderBy('seq').execute();
      expect(rows).toEqual([
        { client_id: 'c1', seq: 1, mutation_id: 'm-a', content_hash: null },
        { client_id: 'c1', seq: 2, mutation_id: 'm-b', content_hash: null },
        { client_id: 'c2', seq: 2, mutation_id: 'm-c', content_hash: null },
      ]);
      await expect(db.insertInto('client_mutations').values({ ...row('c3', 1, 'm-b'), content_hash: null }).execute()).rejects.toThrow(/UNIQUE/);
    } finally {
      await db.destroy();
    }
  });
});
