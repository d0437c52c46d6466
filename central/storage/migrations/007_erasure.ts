import type { Kysely } from 'kysely';

/**
 * Erasure (issue 11). `erasures`: one row per completed erasure, the evidence its certificate is
 * built from (record ids, entities, field names, categories; what was kept and on which basis; the
 * approver; the time) and never a value. `retained_records`: billing records the law requires,
 * kept at their legal minimum out of every view until `retain_until`. `client_mutations` learns the
 * customer of each mutation, so that an erasure can strip the values a conflict result holds; the
 * values of results stored before this migration are stripped now, once (their status stays).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('erasures')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text', (c) => c.notNull())
    .addColumn('erased', 'text', (c) => c.notNull())
    .addColumn('retained', 'text', (c) => c.notNull())
    .addColumn('head_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('retained_records')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('retain_until', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retained_records_key', ['id', 'entity'])
    .execute();
  await db.schema.alterTable('client_mutations').addColumn('customer_id', 'text').execute();
  await db.schema.createIndex('client_mutations_by_customer').on('client_mutations').column('customer_id').execute();
  // a result's conflicts keep their fields and who changed them; the values go (dialect-neutral: done here, not in SQL)
  const stored = db as unknown as Kysely<{ client_mutations: { mutation_id: string; result: string } }>;
  const rows = await stored.selectFrom('client_mutations').select(['mutation_id', 'result']).where('result', 'like', '%"conflicts":[{%').execute();
  for (const row of rows) {
    const result = JSON.parse(row.result) as { conflicts: Record<string, unknown>[] };
    result.conflicts = result.conflicts.map((c) => ({ ...c, base: null, mine: null, theirs: null }));
    await stored.updateTable('client_mutations').set({ result: JSON.stringify(result) }).where('mutation_id', '=', row.mutation_id).execute();
  }
}
