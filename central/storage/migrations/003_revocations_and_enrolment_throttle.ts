import { sql, type Kysely } from 'kysely';

/**
 * Revocations every process of the store can see (identity/revocations.ts), and failed enrolments
 * for the enrolment rate limit (identity/enrolmentThrottle.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // one row per ended set of sessions, numbered by `revocation_seq` in meta: a process serving event
  // streams reads what another process (the admin CLI, another node) revoked, in order
  await sql`insert into meta (key, value) values ('revocation_seq', '0')`.execute(db);
  await db.schema
    .createTable('revocations')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    /** JSON array of the ended sessions' token hashes */
    .addColumn('sessions', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revocations_by_time').on('revocations').column('at').execute();

  await db.schema
    .createTable('enrolment_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enrolment_failures_by_source').on('enrolment_failures').columns(['source', 'at']).execute();
  await db.schema.createIndex('enrolment_failures_by_time').on('enrolment_failures').column('at').execute();
}
