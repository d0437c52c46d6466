import type { HoldReason, Mutation } from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { SessionContext } from '../identity/sessions';
import type { Tx } from '../storage/database';

/**
 * Mutations held for a supervisor's review instead of applied (this module owns `held_mutations`).
 * A held edit changes nothing in `records`; the row keeps the whole mutation as received, so a review
 * (a later issue: no review screen or route exists yet) can apply or decline it. The row holds the
 * edit's new values, which are PII: an erasure must strip them like any other copy (DESIGN §8).
 */
export interface HoldRequest {
  mutation: Mutation;
  customerId: string | null;
  reason: HoldReason;
  /** the store's clock when the push arrived */
  receivedAt: Date;
  verifiedAt: string | null;
  /** for the audit row: why, without values */
  detail: string;
}

/** Stores the held mutation and its audit row, in the caller's transaction (the push's own). */
export async function holdMutation(tx: Tx, session: SessionContext, hold: HoldRequest): Promise<void> {
  const { mutation: m } = hold;
  await tx
    .insertInto('held_mutations')
    .values({
      mutation_id: m.id,
      client_id: m.clientId,
      seq: m.seq,
      user_id: session.user.id,
      device_id: session.deviceId,
      entity: m.entity,
      entity_id: m.entityId,
      customer_id: hold.customerId,
      verification_id: m.verificationId,
      mutation: JSON.stringify(m),
      reason: hold.reason,
      received_at: hold.receivedAt.toISOString(),
      verified_at: hold.verifiedAt,
      status: 'held',
      reviewed_by: null,
      reviewed_at: null,
    })
    .execute();
  await appendAudit(tx, hold.receivedAt, {
    action: 'record.update_held',
    outcome: 'held',
    userId: session.user.id,
    role: session.user.role,
    deviceId: session.deviceId,
    entity: m.entity,
    entityId: m.entityId,
    customerId: hold.customerId,
    // field names only, as for every record.update row
    fields: Object.keys(m.changes),
    detail: `mutation ${m.id}: ${hold.reason}; ${hold.detail}`,
  });
}

/** An erased customer's held edits go: they hold the values the edit would have set. */
export async function forgetHeldMutations(tx: Tx, customerId: string): Promise<void> {
  await tx.deleteFrom('held_mutations').where('customer_id', '=', customerId).execute();
}

