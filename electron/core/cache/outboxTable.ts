import type { EntityName } from '../../../domain/entities';
import { erasedContactPath } from '../../../domain/erasure';
import type { FieldIssue } from '../../../domain/errors';
import type { ConflictInfo, Mutation, MutationHold } from '../../../domain/sync/protocol';
import type { Db } from './sqlite';

/**
 * `held`: the central store keeps it for a supervisor's review; not applied, not refused.
 * `applied`: the store applied it, and this cache has not yet pulled the record as the store wrote
 * it: it stays over the cached record in the effective view (never sent again, never listed as
 * waiting) until it settles (Outbox.settle).
 */
export type OutboxStatus = 'pending' | 'conflict' | 'rejected' | 'held' | 'applied';
/** The states the user sees and acts on; an applied entry only keeps the view right. */
export type ListedStatus = Exclude<OutboxStatus, 'applied'>;

export interface Rejection {
  code: string;
  message: string;
  issues: FieldIssue[];
}

/** A mutation in the outbox with what the central store said about it so far. */
export interface OutboxEntry extends Mutation {
  customerId: string | null;
  status: OutboxStatus;
  /** for status `conflict`: the fields still waiting for the user */
  conflicts: ConflictInfo[];
  /** for status `rejected`: why */
  rejection: Rejection | null;
  /** for status `held`: why */
  hold: MutationHold | null;
  /** the push attempt that carried it and was not answered: it may have reached the central store */
  sentIn: string | null;
  /** for status `applied`: the store's head in the push answer, which the cursor must reach */
  settleAt: number | null;
  /** for status `applied`: the change-log sequence the store wrote the record at (null: it wrote nothing) */
  serverSeq: number | null;
}

/** An entry the console lists: one the user sees and acts on. */
export type ListedEntry = OutboxEntry & { status: ListedStatus };

interface OutboxRow {
  seq: number;
  id: string;
  op: 'create' | null;
  client_id: string;
  entity: EntityName;
  entity_id: string;
  customer_id: string | null;
  base: string;
  changes: string;
  reason: string;
  verification_id: string | null;
  created_at: string;
  status: OutboxStatus;
  conflicts: string | null;
  rejection: string | null;
  hold: string | null;
  sent_in: string | null;
  escalation: string | null;
  unverified_hold: number | null;
  settle_at: number | null;
  server_seq: number | null;
}

/** The entries the effective view is made of: those waiting to be sent, and those applied but not pulled yet. */
const OVERLAY = "status IN ('pending', 'applied')";
/** an edit held unverified (issue 16) while the store has not applied it: it never changes this desk's view */
const NOT_HELD_UNVERIFIED = "(unverified_hold IS NULL OR status = 'applied')";

/** Rows of the `outbox` table; the rules about them live in outbox.ts. */
export class OutboxTable {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO outbox (seq, id, op, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, escalation, unverified_hold)
         VALUES (@seq, @id, @op, @clientId, @entity, @entityId, @customerId, @base, @changes, @reason, @verificationId, @createdAt, 'pending', @escalation, @unverifiedHold)`,
      ),
      byId: db.prepare('SELECT * FROM outbox WHERE id = ?'),
      withStatus: db.prepare('SELECT * FROM outbox WHERE status = ? ORDER BY seq LIMIT ?'),
      // the entries the user sees: an applied one is no longer theirs to act on
      ofRecord: db.prepare("SELECT * FROM outbox WHERE entity = ? AND entity_id = ? AND status <> 'applied' ORDER BY seq"),
      // the view: pending edits and applied ones this cache has not pulled yet (OVERLAY), oldest first
      // an edit held unverified (issue 16) changes this desk's view only once the store has applied it
      pendingChangesOf: db.prepare(`SELECT changes FROM outbox WHERE entity = ? AND entity_id = ? AND ${OVERLAY} AND op IS NULL AND ${NOT_HELD_UNVERIFIED} ORDER BY seq`).pluck(),
      pendingCreate: db.prepare(`SELECT * FROM outbox WHERE entity = ? AND entity_id = ? AND ${OVERLAY} AND op = 'create' ORDER BY seq LIMIT 1`),
      pendingCreatesOf: db.prepare(`SELECT * FROM outbox WHERE entity = ? AND ${OVERLAY} AND op = 'create' ORDER BY seq`),
      pendingCreatesOfCustomer: db.prepare(`SELECT * FROM outbox WHERE customer_id = ? AND entity = ? AND ${OVERLAY} AND op = 'create' ORDER BY seq`),
      allPendingChanges: db.prepare(`SELECT entity, entity_id, changes FROM outbox WHERE ${OVERLAY} AND op IS NULL AND ${NOT_HELD_UNVERIFIED} ORDER BY seq`),
      setStatus: db.prepare('UPDATE outbox SET status = ?, conflicts = ?, rejection = ?, hold = ? WHERE id = ?'),
      setApplied: db.prepare("UPDATE outbox SET status = 'applied', conflicts = NULL, rejection = NULL, hold = NULL, settle_at = ?, server_seq = ? WHERE id = ?"),
      removeApplied: db.prepare("DELETE FROM outbox WHERE status = 'applied'"),
      remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
      removeOfCustomer: db.prepare('DELETE FROM outbox WHERE customer_id = ?'),
      removeOfRecord: db.prepare('DELETE FROM outbox WHERE entity = ? AND entity_id = ?'),
      ofCustomerRecord: db.prepare("SELECT id, changes FROM outbox WHERE entity = 'customer' AND entity_id = ?"),
      maxSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck(),
      numberingOrder: db.prepare("SELECT id, seq, status = 'pending' AS pending FROM outbox ORDER BY pending, seq"),
      setSeq: db.prepare('UPDATE outbox SET seq = ? WHERE id = ?'),
      markSent: db.prepare("UPDATE outbox SET sent_in = ? WHERE id = ? AND status = 'pending' AND sent_in IS NULL"),
      unmarkSent: db.prepare('UPDATE outbox SET sent_in = NULL WHERE sent_in = ?'),
      pendingAfter: db.prepare("SELECT id, seq FROM outbox WHERE status = 'pending' AND seq > ? ORDER BY seq"),
      counts: db.prepare(
        `SELECT coalesce(sum(status = 'pending'), 0) AS pending,
                coalesce(sum(CASE WHEN status = 'conflict' THEN json_array_length(conflicts) ELSE 0 END), 0) AS conflicts,
                coalesce(sum(status = 'rejected'), 0) AS rejected,
                coalesce(sum(status = 'held'), 0) AS held
         FROM outbox`,
      ),
    };
  }

  insert(mutation: Mutation, customerId: string | null): void {
    this.statements.insert.run({
      ...mutation,
      op: mutation.op ?? null,
      customerId,
      base: JSON.stringify(mutation.base),
      changes: JSON.stringify(mutation.changes),
      escalation: mutation.escalation ? JSON.stringify(mutation.escalation) : null,
      unverifiedHold: mutation.unverifiedHold ? 1 : null,
    });
  }

  byId(id: string): OutboxEntry | null {
    const row = this.statements.byId.get(id) as OutboxRow | undefined;
    return row ? toEntry(row) : null;
  }

  withStatus<S extends OutboxStatus>(status: S, limit = -1): (OutboxEntry & { status: S })[] {
    return (this.statements.withStatus.all(status, limit) as OutboxRow[]).map(toEntry) as (OutboxEntry & { status: S })[];
  }

  /** Every entry of one record the user sees (all but applied ones), oldest first. */
  ofRecord(entity: EntityName, entityId: string): ListedEntry[] {
    return (this.statements.ofRecord.all(entity, entityId) as OutboxRow[]).map(toEntry) as ListedEntry[];
  }

  /** The create of a record born on this desk, while this cache has no copy of it from the store (pending, or applied and not pulled yet). */
  pendingCreate(entity: EntityName, entityId: string): OutboxEntry | null {
    const row = this.statements.pendingCreate.get(entity, entityId) as OutboxRow | undefined;
    return row ? toEntry(row) : null;
  }

  pendingCreatesOf(entity: EntityName): OutboxEntry[] {
    return (this.statements.pendingCreatesOf.all(entity) as OutboxRow[]).map(toEntry);
  }

  pendingCreatesOfCustomer(entity: EntityName, customerId: string): OutboxEntry[] {
    return (this.statements.pendingCreatesOfCustomer.all(customerId, entity) as OutboxRow[]).map(toEntry);
  }

  /** The changes of a record's edits (not its create) that make its view: pending, and applied but not pulled yet; oldest first. */
  pendingChangesOf(entity: EntityName, entityId: string): Record<string, unknown>[] {
    return (this.statements.pendingChangesOf.all(entity, entityId) as string[]).map((json) => JSON.parse(json) as Record<string, unknown>);
  }

  /** Every edit of the view (pendingChangesOf), by `entity \0 id`: read once per pull, so re-applying edits costs a map lookup per row. */
  allPendingChanges(): Map<string, Record<string, unknown>[]> {
    const byRecord = new Map<string, Record<string, unknown>[]>();
    for (const row of this.statements.allPendingChanges.iterate() as Iterable<{ entity: string; entity_id: string; changes: string }>) {
      const key = recordKey(row.entity, row.entity_id);
      const list = byRecord.get(key) ?? [];
      list.push(JSON.parse(row.changes) as Record<string, unknown>);
      byRecord.set(key, list);
    }
    return byRecord;
  }

  /** The store applied it at `serverSeq`, its head then `settleAt`: kept over the cached record until it settles. */
  setApplied(id: string, settleAt: number, serverSeq: number | null): void {
    this.statements.setApplied.run(settleAt, serverSeq, id);
  }

  /** Every applied entry (after a store restore their numbers belong to a log that is gone). */
  removeApplied(): number {
    return this.statements.removeApplied.run().changes;
  }

  setStatus(id: string, status: ListedStatus, conflicts: ConflictInfo[] | null, rejection: Rejection | null, hold: MutationHold | null = null): void {
    this.statements.setStatus.run(status, conflicts ? JSON.stringify(conflicts) : null, rejection ? JSON.stringify(rejection) : null, hold ? JSON.stringify(hold) : null, id);
  }

  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  /** Every entry of an erased customer, whatever its state: none may hold their values or be sent again. */
  removeOfCustomer(customerId: string): number {
    return this.statements.removeOfCustomer.run(customerId).changes;
  }

  /** Every entry of one record, in any state (the record is gone: erased, or its retention ended). */
  removeOfRecord(entity: EntityName, entityId: string): number {
    return this.statements.removeOfRecord.run(entity, entityId).changes;
  }

  /** Edits of the customer's record, in any state, that change a field a contact erasure erased (domain/erasure.ts). */
  removeErasedContactEdits(customerId: string): number {
    const rows = this.statements.ofCustomerRecord.all(customerId) as { id: string; changes: string }[];
    const erasing = rows.filter((row) => Object.keys(JSON.parse(row.changes) as Record<string, unknown>).some(erasedContactPath));
    for (const row of erasing) this.statements.remove.run(row.id);
    return erasing.length;
  }

  /** Marks pending entries as carried by push `attempt`; one an earlier unanswered attempt carried keeps that one's mark. */
  markSent(ids: readonly string[], attempt: string): void {
    for (const id of ids) this.statements.markSent.run(attempt, id);
  }

  /** Push `attempt` sent nothing after all: what it marked may be taken back again. */
  unmarkSent(attempt: string): void {
    this.statements.unmarkSent.run(attempt);
  }

  /**
   * Takes a pending entry that never left this desk out of the outbox, and the pending entries after
   * it one number down: the central store, which never saw its number, expects the next one there.
   * Returns the number freed at the end.
   */
  withdraw(entry: OutboxEntry): number {
    this.statements.remove.run(entry.id);
    const after = this.statements.pendingAfter.all(entry.seq) as { id: string; seq: number }[];
    // in order, so each row steps into the number the previous one left
    for (const row of after) this.statements.setSeq.run(row.seq - 1, row.id);
    return after.length ? after[after.length - 1]!.seq : entry.seq;
  }

  maxSeq(): number {
    return this.statements.maxSeq.get() as number;
  }

  /**
   * Numbers the pending entries again from `first`, in their order, for a central store whose client
   * sequence went back (a restore: WorkstationCache.startOver). The others (answered already, never
   * sent again) take the numbers just below `first`, so that they use none the store will expect.
   * Returns the last number handed out (`first - 1` when nothing is pending).
   */
  renumberFrom(first: number): number {
    const rows = this.statements.numberingOrder.all() as { id: string; seq: number; pending: number }[];
    const pending = rows.filter((row) => row.pending).length;
    const start = first - (rows.length - pending);
    // seq is the primary key: every row steps first below every number, old and new, so no two ever meet
    const floor = Math.min(start, ...rows.map((row) => row.seq)) - 1;
    rows.forEach((row, i) => this.statements.setSeq.run(floor - i, row.id));
    rows.forEach((row, i) => this.statements.setSeq.run(start + i, row.id));
    return first + pending - 1;
  }

  counts(): { pending: number; conflicts: number; rejected: number; held: number } {
    return this.statements.counts.get() as { pending: number; conflicts: number; rejected: number; held: number };
  }
}

export function recordKey(entity: string, id: string): string {
  return `${entity}\u0000${id}`;
}

/** The mutation as it goes on the wire, without the outbox's own fields. */
export function mutationOf({ customerId: _c, status: _s, conflicts: _k, rejection: _r, hold: _h, sentIn: _t, settleAt: _a, serverSeq: _q, ...mutation }: OutboxEntry): Mutation {
  return mutation;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    ...(row.op ? { op: row.op } : {}),
    clientId: row.client_id,
    seq: row.seq,
    entity: row.entity,
    entityId: row.entity_id,
    base: JSON.parse(row.base) as Record<string, unknown>,
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    reason: row.reason,
    verificationId: row.verification_id,
    createdAt: row.created_at,
    ...(row.escalation ? { escalation: JSON.parse(row.escalation) as Mutation['escalation'] } : {}),
    ...(row.unverified_hold ? { unverifiedHold: true as const } : {}),
    customerId: row.customer_id,
    status: row.status,
    conflicts: row.conflicts ? (JSON.parse(row.conflicts) as ConflictInfo[]) : [],
    rejection: row.rejection ? (JSON.parse(row.rejection) as Rejection) : null,
    hold: row.hold ? (JSON.parse(row.hold) as MutationHold) : null,
    sentIn: row.sent_in,
    settleAt: row.settle_at,
    serverSeq: row.server_seq,
  };
}
