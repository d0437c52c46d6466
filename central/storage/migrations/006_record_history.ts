import type { Kysely } from 'kysely';

/**
 * The history of each record (issue 10): one row per change the record store wrote, at the change's
 * sequence number, with who, when, the fields it set (names only) and the reason the user gave. The
 * reason is free text and may name the customer: it lives here, next to the record, where an erasure
 * reaches it (by `customer_id`), never in the hash-chained audit log, which must not be edited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('record_history')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('mutation_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('record_history_by_record').on('record_history').columns(['id', 'entity', 'seq']).execute();
  await db.schema.createIndex('record_history_by_customer').on('record_history').column('customer_id').execute();
}
