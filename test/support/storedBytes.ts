import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sql } from 'kysely';
import { DATA_FILES } from '../../central/dataDir';
import { isPostgres } from '../../central/storage/database';
import type { CentralDb } from '../../central/storage/schema';

/**
 * The files in which a central store's database keeps its data at rest, for the tests that look for
 * what must never be there (a card number, an SSN) or must be gone (an erased customer): the SQLite
 * file and its WAL, or on PostgreSQL the files of the store's database. The server's WAL is shared by
 * every database of the test server, whose stores hold the same demo customers: that an erasure
 * leaves no WAL segment from before it is shown apart (test/central/postgres.pg.test.ts).
 */
export async function storedFiles(store: { dataDir: string; db: CentralDb }): Promise<string[]> {
  if (!isPostgres(store.db)) return ['', '-wal'].map((suffix) => join(store.dataDir, `${DATA_FILES.database}${suffix}`)).filter(existsSync);
  // the store's own tables, their indexes and their TOAST (values too long for a row), not the
  // server's catalogs: those describe the server (collations, languages), whose words may be a name's
  const { rows } = await sql<{ dir: string; path: string }>`
    select current_setting('data_directory') as dir, pg_relation_filepath(c.oid) as path
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
       or c.oid in (select reltoastrelid from pg_class t join pg_namespace tn on tn.oid = t.relnamespace where tn.nspname = 'public')
       or c.oid in (select indexrelid from pg_index where indrelid in (select reltoastrelid from pg_class t join pg_namespace tn on tn.oid = t.relnamespace where tn.nspname = 'public'))`.execute(store.db);
  const files: string[] = [];
  for (const { dir, path } of rows) {
    if (!path) continue;
    const full = join(dir, path);
    const folder = dirname(full);
    const name = basename(full);
    // its segments (name, name.1, ...) and forks (free space map, visibility map)
    for (const entry of readdirSync(folder)) if (entry === name || entry.startsWith(`${name}.`) || entry.startsWith(`${name}_`)) files.push(join(folder, entry));
  }
  return files.filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

/** Those files' bytes, one buffer. */
export async function storedBytes(store: { dataDir: string; db: CentralDb }): Promise<Buffer> {
  // a file rewritten away meanwhile (VACUUM FULL) is no longer there to hold anything
  const read = (file: string) => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  return Buffer.concat((await storedFiles(store)).map(read));
}
