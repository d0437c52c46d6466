import type { Kysely } from 'kysely';

/**
 * The audit view's filters (audit/auditView.ts): one action newest first, and a period. Without
 * them a search for one action or one week reads the whole log, which grows with every audited
 * action (the hash chain keeps every row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_by_action').on('audit_log').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_by_at').on('audit_log').column('at').execute();
}
