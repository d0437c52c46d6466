import { IsoDateTime } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { purgeStaleLeads } from '../leads/retention';
import { checkpoint, inTransaction, type Tx } from '../storage/database';
import type { CentralSchema } from '../storage/schema';
import { disableInactiveUsers } from '../admin/inactivity';

/**
 * The end of retention (issue 11): billing records an erasure kept at their legal minimum
 * (`retained_records`, domain/erasure.ts ERASURE_RULES) are purged once their `retain_until` has
 * passed by the store's clock. Run by the serving store at start and then every hour
 * (`scheduleRetentionPurge`, which purges stale leads too: leads/retention.ts), and by the
 * `purge-retained` command.
 */

/** Keeps an erased customer's record at its legal minimum until `retain_until` (this module owns the table). */
export async function retainRecord(tx: Tx, row: CentralSchema['retained_records']): Promise<void> {
  await tx.insertInto('retained_records').values(row).execute();
}

/** Retention is counted in years: an hour late is nothing, and the check reads two short columns. */
export const RETENTION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionPurge {
  /** records deleted */
  purged: number;
  /** the erasure requests whose records went, for the operator and the audit row */
  requests: string[];
  /**
   * records kept because their `retain_until` is not a time (a damaged or hand-edited row): never
   * purged on a guess — an empty string or a six-digit year would sort as "past" — and named here
   */
  unreadable: { entity: string; id: string }[];
}

/**
 * Deletes, in one transaction, every retained record whose `retain_until` is at or before now, with
 * one `erasure.retention_purged` audit row (counts and ids, never a value); then checkpoints, so that
 * with `secure_delete` the rows' bytes are gone from the file, not waiting in the WAL.
 */
export async function purgeRetained(ctx: Pick<StoreContext, 'db' | 'clock'>): Promise<RetentionPurge> {
  const now = ctx.clock();
  if (Number.isNaN(now.getTime())) throw new Error('the store clock gave no valid time: no retained record purged');
  const result = await inTransaction(ctx.db, async (tx) => {
    const rows = await tx.selectFrom('retained_records').select(['entity', 'id', 'request_id', 'retain_until']).execute();
    const due: typeof rows = [];
    const unreadable: RetentionPurge['unreadable'] = [];
    for (const row of rows) {
      const until = IsoDateTime.safeParse(row.retain_until).success ? Date.parse(row.retain_until) : NaN;
      if (Number.isNaN(until)) unreadable.push({ entity: row.entity, id: row.id });
      else if (until <= now.getTime()) due.push(row);
    }
    for (const row of due) await tx.deleteFrom('retained_records').where('entity', '=', row.entity).where('id', '=', row.id).execute();
    const requests = [...new Set(due.map((r) => r.request_id))].sort();
    if (due.length) {
      const perEntity = new Map<string, number>();
      for (const row of due) perEntity.set(row.entity, (perEntity.get(row.entity) ?? 0) + 1);
      await appendAudit(tx, now, {
        action: 'erasure.retention_purged',
        outcome: 'ok',
        entity: 'erasureRequest',
        entityId: requests.length === 1 ? requests[0] : null,
        fields: [...perEntity.keys()].sort(),
        detail: purgeDetail(due.length, perEntity, requests, unreadable.length),
      });
    }
    return { purged: due.length, requests, unreadable };
  });
  if (result.purged) await checkpoint(ctx.db);
  return result;
}

/** `3 retained records purged at the end of retention (billingAccount 1, invoice 2) from 1 erasure: <request id>` */
function purgeDetail(purged: number, perEntity: Map<string, number>, requests: string[], unreadable: number): string {
  const counts = [...perEntity].sort(([a], [b]) => a.localeCompare(b)).map(([entity, n]) => `${entity} ${n}`).join(', ');
  const kept = unreadable ? `; ${unreadable} kept, their retain-until unreadable` : '';
  const head = `${purged} retained records purged at the end of retention (${counts})${kept} from ${requests.length} erasure(s): `;
  // the audit row holds 500 characters: as many request ids as fit, then how many more
  let ids = '';
  for (const [i, id] of requests.entries()) {
    const more = requests.length - i;
    const next = `${ids ? `${ids}, ` : ''}${id}`;
    if (head.length + next.length + ` and ${more} more`.length > 500) return `${head}${ids} and ${more} more`;
    ids = next;
  }
  return head + ids;
}

export interface RetentionSchedule {
  stop(): Promise<void>;
}

/**
 * The serving store's purge: once now (awaited, so a store started after a retention ended serves
 * nothing past it), then every `intervalMs`. A failed run is reported and tried again at the next.
 */
export async function scheduleRetentionPurge(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed' | 'leadRetentionDays'>,
  options: { intervalMs?: number; report?: (message: string) => void } = {},
): Promise<RetentionSchedule> {
  const report = options.report ?? ((message: string) => console.error(`retention purge: ${message}`));
  const run = async () => {
    try {
      const { unreadable } = await purgeRetained(ctx);
      // leads never converted go at the end of their purpose, on the same schedule (leads/retention.ts)
      await purgeStaleLeads(ctx);
      // accounts unused for 90 days are disabled on the same schedule (PCI DSS 8.2.6, admin/inactivity.ts); each is an audit row
      await disableInactiveUsers(ctx);
      if (unreadable.length) report(`${unreadable.length} retained record(s) kept, their retain-until unreadable: ${unreadable.map((r) => `${r.entity} ${r.id}`).join(', ')}`);
    } catch (err) {
      report(err instanceof Error ? err.message : String(err));
    }
  };
  await run();
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= run().finally(() => {
      running = null;
    });
  }, options.intervalMs ?? RETENTION_PURGE_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
