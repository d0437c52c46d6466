import { sql, type Kysely } from 'kysely';

/**
 * A mutation is applied once per mutation id, whatever sequence number carries it (sync/push.ts):
 * the hash of its content tells a resend (same content, answered with the first outcome) from a
 * reused id (other content, refused), and the id is unique.
 *
 * Before this, a resend under a new sequence number was applied again and recorded again. Those
 * later rows go, so that the index can be made: the first outcome is the one a resend gets back now,
 * and a replay of a later (client, seq) is answered by its id.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('client_mutations').addColumn('content_hash', 'text').execute();
  await sql`
    delete from client_mutations
    where exists (
      select 1 from client_mutations earlier
      where earlier.mutation_id = client_mutations.mutation_id
        and (earlier.client_id < client_mutations.client_id
          or (earlier.client_id = client_mutations.client_id and earlier.seq < client_mutations.seq))
    )`.execute(db);
  await db.schema.createIndex('client_mutations_by_mutation_id').unique().on('client_mutations').column('mutation_id').execute();
}
