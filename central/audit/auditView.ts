import { AUDIT_PAGE, AUDIT_SCOPES, CareDeskError, auditRowFor, readsCustomerNames, type AuditPage, type AuditQuery, type AuditScope, type StoredAuditRow } from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import type { CentralDb } from '../storage/schema';
import { teamMembersOf } from '../teams/teams';
import { appendAudit } from './auditLog';

/**
 * The audit view (DESIGN §3, issue 14): the log read through the reader's scope, which this store
 * applies to the query itself (never the desk), then each row through the field policy
 * (`auditRowFor`). Newest first, a page at a time. The read is itself audited with the scope, the
 * names of the filters used and the row count, never a filter's value.
 */
export async function searchAudit(ctx: Pick<StoreContext, 'db' | 'clock'>, session: SessionContext, query: AuditQuery): Promise<AuditPage> {
  const { user } = session;
  const scope: AuditScope | null = AUDIT_SCOPES[user.role];
  if (!scope) throw new CareDeskError('forbidden', `the ${user.role} role has no audit view`);
  const authors = await authorsIn(ctx.db, scope, user.id);
  const limit = query.limit ?? AUDIT_PAGE.default;

  let q = ctx.db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.seq', 'a.at', 'a.user_id', 'u.display_name', 'a.role', 'a.device_id', 'a.action', 'a.outcome', 'a.entity', 'a.entity_id', 'a.customer_id', 'a.fields', 'a.detail'])
    // a customer's record is read only for a reader who sees their name: the admin's page never loads one
    .$if(readsCustomerNames(user.role), (qb) => qb.leftJoin('records as c', (join) => join.onRef('c.id', '=', 'a.customer_id').on('c.entity', '=', 'customer')).select('c.data as customer'))
    .orderBy('a.seq', 'desc')
    .limit(limit + 1);
  if (authors) q = q.where('a.user_id', 'in', authors);
  if (query.userId) q = q.where('a.user_id', '=', query.userId);
  if (query.customerId) q = q.where('a.customer_id', '=', query.customerId);
  if (query.action) q = q.where('a.action', '=', query.action);
  if (query.from) q = q.where('a.at', '>=', query.from);
  if (query.to) q = q.where('a.at', '<=', query.to);
  if (query.before) q = q.where('a.seq', '<', query.before);
  const found = await q.execute();

  const page = found.slice(0, limit);
  const rows = page.map((r) =>
    auditRowFor(user.role, {
      seq: Number(r.seq),
      at: r.at,
      user: r.user_id ? { id: r.user_id, name: r.display_name ?? 'a removed user' } : null,
      role: r.role,
      deviceId: r.device_id,
      action: r.action,
      outcome: r.outcome,
      entity: r.entity,
      entityId: r.entity_id,
      customerId: r.customer_id,
      customerName: nameOf(r.customer ?? null),
      fields: JSON.parse(r.fields) as string[],
      detail: r.detail,
    } satisfies StoredAuditRow),
  );
  const filters = (['userId', 'customerId', 'action', 'from', 'to', 'before'] as const).filter((f) => query[f] !== undefined);
  await inTransaction(ctx.db, (tx) =>
    appendAudit(tx, ctx.clock(), {
      action: 'audit.read',
      outcome: 'ok',
      userId: user.id,
      role: user.role,
      deviceId: session.deviceId,
      detail: `scope ${scope}; filters: ${filters.join(', ') || 'none'}; ${rows.length} rows`,
    }),
  );
  return { scope, rows, next: found.length > limit ? rows.at(-1)!.seq : null };
}

/**
 * Whose rows the scope holds: the reader alone, the reader and the members of the teams they lead,
 * or everyone (null: no condition).
 */
async function authorsIn(db: CentralDb, scope: AuditScope, userId: string): Promise<string[] | null> {
  if (scope === 'all' || scope === 'all_without_values') return null;
  if (scope === 'own') return [userId];
  return [...new Set([userId, ...(await teamMembersOf(db, userId))])];
}

/** A customer's name from their stored record (an erased customer has none). */
function nameOf(data: string | null): string | null {
  if (!data) return null;
  const customer = JSON.parse(data) as { firstName?: unknown; lastName?: unknown };
  const name = [customer.firstName, customer.lastName].filter((part): part is string => typeof part === 'string' && part.length > 0).join(' ');
  return name || null;
}
