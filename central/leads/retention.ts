import { sql } from 'kysely';
import type { StoreContext } from '../context';
import { checkpoint, inTransaction, jsonText } from '../storage/database';
import { writeRecords } from '../storage/recordStore';

/** Rows a purge tombstones in one transaction at most: a backlog goes in several. */
const BATCH = 1_000;

/**
 * The end of a lead's purpose (issue 12): a lead never converted — open or closed — is kept for the
 * server policy's `leadRetentionDays` from its creation, then purged the way an erasure purges: a
 * tombstone the desks delete at their next pull (with the lead's outbox entries, and a WAL
 * checkpoint), `secure_delete` on the store, and a checkpoint here. One `lead.retention_purged` audit
 * row per batch, with the count and ids, never a value. A converted lead is the customer's and goes
 * with the customer's erasure. Run by the serving store's retention schedule and the
 * `purge-retained` command; a restored backup brings back no stale lead for long, since the next run
 * purges it again (nothing to keep in the erasure ledger).
 */
export async function purgeStaleLeads(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed' | 'leadRetentionDays'>): Promise<{ purged: number }> {
  const now = ctx.clock();
  if (Number.isNaN(now.getTime())) throw new Error('the store clock gave no valid time: no lead purged');
  const cutoff = new Date(now.getTime() - ctx.leadRetentionDays * 86_400_000).toISOString();
  let purged = 0;
  let head = 0;
  for (;;) {
    const batch = await inTransaction(ctx.db, async (tx) => {
      const stale = await sql<{ id: string }>`
        select id from records
        where entity = 'lead' and data is not null
          and ${jsonText(tx, 'data', 'status')} <> 'converted'
          and ${jsonText(tx, 'data', 'createdAt')} <= ${cutoff}
        limit ${BATCH}`.execute(tx);
      const ids = stale.rows.map((r) => r.id);
      if (ids.length === 0) return { ids, head: 0 };
      const seqs = await writeRecords(
        tx,
        ids.map((id) => ({ op: 'delete' as const, entity: 'lead' as const, id, customerId: null, fields: [] })),
        {
          at: now,
          by: null,
          audit: {
            action: 'lead.retention_purged',
            outcome: 'ok',
            entity: 'lead',
            entityId: ids.length === 1 ? ids[0] : null,
            detail: `${ids.length} leads purged, older than ${ctx.leadRetentionDays} days and never converted: ${ids.join(', ')}`.slice(0, 500),
          },
        },
      );
      return { ids, head: Math.max(...seqs) };
    });
    if (batch.ids.length === 0) break;
    purged += batch.ids.length;
    head = batch.head;
    if (batch.ids.length < BATCH) break;
  }
  if (purged) {
    ctx.feed.publish({ kind: 'advanced', head });
    await checkpoint(ctx.db);
  }
  return { purged };
}
