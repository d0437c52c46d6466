import type { Kysely } from 'kysely';

/**
 * Privacy-policy versions and their acknowledgements (issue 14; central/policy/ owns both tables).
 * Central only: no pull reads them. A version's number is its key (the store numbers them from 1,
 * and never updates or deletes a row: a published version is immutable). An acknowledgement is one
 * per user and version, with the store's time and the device the user signed in on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_by_user_id', 'text')
    .execute();
  await db.schema
    .createTable('policy_acknowledgements')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_acknowledgements_pk', ['user_id', 'version'])
    .execute();
  await db.schema.createIndex('policy_acknowledgements_by_version').on('policy_acknowledgements').columns(['version']).execute();
}
