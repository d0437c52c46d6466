import { HeldEdit, Mutation, type HoldReason, type User } from '../../domain';
import type { AuditEntry } from '../audit/auditLog';
import type { Actor } from '../identity/sessions';
import { takeWriteOrder, type Tx } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';

/**
 * Edits held for a supervisor's review instead of applied (this module owns `held_mutations`), each
 * with the `heldEdit` record its reviewers' desks are sent (domain/entities/review.ts). A held edit
 * changes nothing of the record it edits; its row keeps the whole mutation as received, which a
 * supervisor's decision applies or declines (heldEditDecision.ts). Row and record hold the edit's new
 * values, which are PII: an erasure removes both (DESIGN §8; the record by ERASURE_RULES).
 */
export interface HoldRequest {
  mutation: Mutation;
  /** its changes as validated: what applying it would write */
  changes: Record<string, unknown>;
  customerId: string;
  reason: HoldReason;
  /** the store's clock when the push arrived */
  receivedAt: Date;
  verifiedAt: string | null;
  /** the record's `heldNote`: the store's words, or the rep's to the supervisor */
  note: string;
  /** for the audit row: why, without values (a rep's note may quote them) */
  detail: string;
  /** `caller.unverified` only: when it runs out unless released or applied (domain unverifiedHoldExpiry) */
  expiresAt?: string;
}

/** Stores the held mutation, its heldEdit record and its audit row, in the caller's transaction (the push's own). */
export async function holdMutation(tx: Tx, actor: Actor, hold: HoldRequest): Promise<void> {
  const { mutation: m, customerId, receivedAt } = hold;
  const { user } = actor;
  // a hold is queued, numbered and audited in the one order of writers, from its first row
  await takeWriteOrder(tx);
  await tx
    .insertInto('held_mutations')
    .values({
      mutation_id: m.id,
      client_id: m.clientId,
      seq: m.seq,
      user_id: user.id,
      device_id: actor.deviceId,
      entity: m.entity,
      entity_id: m.entityId,
      customer_id: customerId,
      verification_id: m.verificationId,
      mutation: JSON.stringify(m),
      reason: hold.reason,
      received_at: receivedAt.toISOString(),
      verified_at: hold.verifiedAt,
      status: 'held',
      reviewed_by: null,
      reviewed_at: null,
    })
    .execute();
  const heldEdit = HeldEdit.parse({
    id: m.id,
    customerId,
    recordEntity: m.entity,
    recordId: m.entityId,
    changes: hold.changes,
    // what it was made against, of the fields it changes: what a decision compares with the record then
    base: Object.fromEntries(Object.keys(hold.changes).filter((path) => path in m.base).map((path) => [path, m.base[path]])),
    reason: m.reason,
    heldFor: hold.reason,
    heldNote: hold.note,
    requestedBy: user.id,
    requestedByName: user.displayName,
    heldAt: receivedAt.toISOString(),
    verifiedAt: hold.verifiedAt,
    status: 'held',
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    decisionReason: null,
    ...(hold.expiresAt ? { expiresAt: hold.expiresAt } : {}),
  } satisfies HeldEdit);
  await writeRecords(tx, [{ op: 'create', entity: 'heldEdit', id: m.id, customerId, data: heldEdit, fields: Object.keys(heldEdit) }], {
    at: receivedAt,
    by: user.id,
    mutationId: m.id,
    audit: {
      action: 'record.update_held',
      outcome: 'held',
      userId: user.id,
      role: user.role,
      deviceId: actor.deviceId,
      entity: m.entity,
      entityId: m.entityId,
      customerId,
      // field names only, as for every record.update row
      fields: Object.keys(m.changes),
      detail: `mutation ${m.id}: ${hold.reason}; ${hold.detail}`,
    },
  });
}

/** A held edit as a decision reads it: the mutation as received, who sent it from which device, and its record. */
export interface HeldMutation {
  mutation: Mutation;
  requestedBy: string;
  deviceId: string;
  /** `held` until a supervisor applies or declines it */
  status: string;
  heldEdit: HeldEdit;
}

export async function readHeldMutation(tx: Tx, id: string): Promise<HeldMutation | undefined> {
  const row = await tx.selectFrom('held_mutations').select(['mutation', 'user_id', 'device_id', 'status']).where('mutation_id', '=', id).executeTakeFirst();
  const record = row && (await readRecord(tx, 'heldEdit', id));
  // an edit held before heldEdit records existed has none, and no reviewer's queue shows it
  if (!row || !record?.data) return undefined;
  return { mutation: Mutation.parse(JSON.parse(row.mutation)), requestedBy: row.user_id, deviceId: row.device_id, status: row.status, heldEdit: HeldEdit.parse(record.data) };
}

const DECISION_FIELDS = ['status', 'decidedBy', 'decidedByName', 'decidedAt', 'decisionReason'];

/** How an applied unverified edit came to be applied, and with which verification: the record says so (protocol 8). */
export type ReleaseMark = Pick<HeldEdit, 'appliedAfter' | 'releaseVerificationId'>;

/**
 * A supervisor's decision on a held edit, in the decision's transaction: the row and the record say
 * who decided what and when, with the decision's audit row. Returns the record as decided.
 */
export async function recordDecision(
  tx: Tx,
  held: HeldMutation,
  decision: { status: 'applied' | 'declined' | 'expired'; by: User | null; at: Date; reason: string | null; audit: AuditEntry; mark?: ReleaseMark },
): Promise<HeldEdit> {
  const at = decision.at.toISOString();
  await tx.updateTable('held_mutations').set({ status: decision.status, reviewed_by: decision.by?.id ?? null, reviewed_at: at }).where('mutation_id', '=', held.heldEdit.id).execute();
  const heldEdit = HeldEdit.parse({
    ...held.heldEdit,
    status: decision.status,
    decidedBy: decision.by?.id ?? null,
    decidedByName: decision.by?.displayName ?? null,
    decidedAt: at,
    decisionReason: decision.reason,
    ...decision.mark,
  } satisfies HeldEdit);
  await writeRecords(tx, [{ op: 'update', entity: 'heldEdit', id: heldEdit.id, customerId: heldEdit.customerId, data: heldEdit, fields: [...DECISION_FIELDS, ...Object.keys(decision.mark ?? {})] }], {
    at: decision.at,
    // null: the store's own doing (an expiry)
    by: decision.by?.id ?? null,
    reason: decision.reason,
    audit: decision.audit,
  });
  return heldEdit;
}

/** An erased customer's held edits go: they hold the values the edit would have set (their heldEdit records go with the customer's other records). */
export async function forgetHeldMutations(tx: Tx, customerId: string): Promise<void> {
  await tx.deleteFrom('held_mutations').where('customer_id', '=', customerId).execute();
}
