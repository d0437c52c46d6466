import type { Kysely } from 'kysely';

/**
 * Each desk's confirmation of an erasure (issue 11): one row per erasure and desk (client) that held
 * the customer's data when it was erased, pending until that desk reports it has purged the customer
 * (a push's `purged`). The certificate lists them, pending ones too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('erasure_acks')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addPrimaryKeyConstraint('erasure_acks_key', ['request_id', 'client_id'])
    .execute();
}
