import { sql, type Kysely } from 'kysely';

/**
 * A first sync's snapshot (domain/sync/snapshot.ts) reads the records that belong to no customer
 * (leads, unlinked inquiries, held edits) in keyset pages by (id, entity) after the customers'
 * aggregates. This partial index holds only those records, so each page is one range of it, not a
 * walk of every record; both SQLite and PostgreSQL use it for a query that restates its WHERE term.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('records_without_customer').on('records').columns(['id', 'entity']).where(sql.ref('customer_id'), 'is', null).execute();
}
