import type { Kysely } from 'kysely';

/**
 * The mail behind each inquiry ingested from email (issue 12): its Message-ID, unique, so the same
 * message ingested twice makes one inquiry, and its References, for a reply's In-Reply-To and
 * References headers. Central only: no pull reads it, so no desk ever holds it.
 * (`references_header`, not `references`: that is an SQL keyword.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inquiry_mail')
    .addColumn('inquiry_id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('references_header', 'text')
    .addColumn('ingested_at', 'text', (c) => c.notNull())
    .execute();
}
