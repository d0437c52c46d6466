import type { Kysely } from 'kysely';

/**
 * Mutations the store held for a supervisor's review instead of applying them
 * (verification/heldMutations.ts): the whole mutation as received, why it was held, and, once a
 * review exists, who decided what.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('held_mutations')
    .addColumn('mutation_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('verification_id', 'text')
    /** the mutation as the desk sent it (JSON): what a reviewer would apply */
    .addColumn('mutation', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    /** the store's clock when the push arrived, and when the verification it carries was made */
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    /** held, then (later) applied or declined by a reviewer */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .execute();
  await db.schema.createIndex('held_mutations_by_status').on('held_mutations').columns(['status', 'received_at']).execute();
  await db.schema.createIndex('held_mutations_by_customer').on('held_mutations').column('customer_id').execute();
}
