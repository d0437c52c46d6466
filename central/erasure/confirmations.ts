import { visibleEntities, type Role } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { SessionContext } from '../identity/sessions';
import type { Tx } from '../storage/database';

/**
 * Which desks must confirm an erasure, and their confirmations (issue 11: every desk purges, and the
 * certificate shows each one). A desk holds customer data when its user's role sees customers and
 * its device is still enrolled; each such desk (sync client) is pending until it reports the
 * customer purged, which a desk offline at the time does at its next contact.
 */
export async function expectConfirmations(tx: Tx, requestId: string): Promise<number> {
  const clients = await tx
    .selectFrom('clients')
    .innerJoin('users', 'users.id', 'clients.user_id')
    .innerJoin('devices', 'devices.id', 'clients.device_id')
    .select(['clients.client_id', 'clients.device_id', 'users.role'])
    .where('devices.revoked_at', 'is', null)
    .execute();
  const holding = clients.filter((c) => visibleEntities(c.role as Role).includes('customer'));
  for (const c of holding) await tx.insertInto('erasure_acks').values({ request_id: requestId, client_id: c.client_id, device_id: c.device_id, confirmed_at: null }).execute();
  return holding.length;
}

/** A desk's report that it purged these customers: its pending confirmations of their erasures, confirmed, each with an audit row. */
export async function confirmPurges(tx: Tx, session: SessionContext, clientId: string, customerIds: readonly string[], now: Date): Promise<void> {
  if (customerIds.length === 0) return;
  const pending = await tx
    .selectFrom('erasure_acks')
    .innerJoin('erasures', 'erasures.request_id', 'erasure_acks.request_id')
    .select(['erasure_acks.request_id', 'erasures.customer_id'])
    .where('erasure_acks.client_id', '=', clientId)
    .where('erasure_acks.confirmed_at', 'is', null)
    .where('erasures.customer_id', 'in', [...customerIds])
    .execute();
  for (const row of pending) {
    await tx.updateTable('erasure_acks').set({ confirmed_at: now.toISOString() }).where('request_id', '=', row.request_id).where('client_id', '=', clientId).execute();
    await appendAudit(tx, now, {
      action: 'erasure.device_confirmed',
      userId: session.user.id,
      role: session.user.role,
      deviceId: session.deviceId,
      entity: 'erasureRequest',
      entityId: row.request_id,
      customerId: row.customer_id,
      outcome: 'ok',
    });
  }
}
