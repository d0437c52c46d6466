import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL's ANALYZE keeps samples of each column's values (most common values, histogram bounds)
 * in pg_statistic: a customer's name or email from `records.data` would live on there after an
 * erasure, out of reach of the rows' own deletion. The columns that hold customer values therefore
 * keep no statistics (they are never filtered by value: every lookup goes by id, customer or sequence).
 * SQLite keeps no such samples (its sqlite_stat1 counts rows): nothing to do there.
 */
export const VALUE_COLUMNS = [
  ['records', 'data'],
  ['record_history', 'reason'],
  ['client_mutations', 'result'],
  ['held_mutations', 'mutation'],
  ['held_mutations', 'reason'],
  ['retained_records', 'data'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of VALUE_COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set statistics 0`.execute(db);
}
