import type { Kysely } from 'kysely';

/**
 * The card vault (DESIGN §1, PCI DSS 3.5.1): card numbers, each encrypted under a data key of its
 * own, the data key stored only wrapped by a master key that lives outside the database. A separate
 * table from `records`, so that no pull, projection or change-log path can ever reach it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('card_vault')
    .addColumn('payment_method_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_dek', 'text', (c) => c.notNull())
    .addColumn('iv', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // a rotation walks the rows still under an old master key
  await db.schema.createIndex('card_vault_by_key').on('card_vault').columns(['key_id', 'payment_method_id']).execute();
  await db.schema.createIndex('card_vault_by_customer').on('card_vault').column('customer_id').execute();
}
