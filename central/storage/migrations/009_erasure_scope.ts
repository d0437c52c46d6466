import type { Kysely } from 'kysely';

/**
 * What each erasure erased (issue 11: a caller asks for their contact data or the whole account,
 * domain/erasure.ts): the ledger carries it, so that a restore re-applies the same erasure. Erasures
 * before this migration erased whole accounts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('erasures').addColumn('scope', 'text', (c) => c.notNull().defaultTo('account')).execute();
}
