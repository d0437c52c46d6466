import { randomUUID } from 'node:crypto';
import type { EntityName } from '../../../domain/entities';
import { CareDeskError, parseOrThrow } from '../../../domain/errors';
import { validateChanges } from '../../../domain/mutations';
import { LIMITS, Mutation, type ConflictInfo, type MutationResult } from '../../../domain/sync/protocol';
import { META, type MetaTable } from './meta';
import type { RecordRef } from '../../../domain/console/contract';
import { mutationOf, recordKey, type ListedEntry, type OutboxTable, type Rejection } from './outboxTable';

/** An edit, a transition or a create as the console makes it; the outbox adds its id, client id, sequence and time. */
export interface MutationDraft {
  /** a record born on this desk: `changes` are its fields, checked already against its create operation (validateCreate) */
  op?: 'create';
  entity: EntityName;
  entityId: string;
  /** the customer the record belongs to, whose search keys and profile the edit changes */
  customerId: string | null;
  base: Record<string, unknown>;
  changes: Record<string, unknown>;
  reason: string;
  verificationId: string | null;
  createdAt?: string;
  /** a conflict the user asks a supervisor to decide (protocol 6): the store holds it for review */
  escalation?: { note: string };
  /** issue 16: made while no caller could be verified; the store holds it until a re-verification or a review */
  unverifiedHold?: true;
}

/** A mutation the central store could not fully merge, with the fields still waiting for the user. */
export interface OutboxConflict {
  mutationId: string;
  entity: EntityName;
  entityId: string;
  customerId: string | null;
  reason: string;
  createdAt: string;
  verificationId: string | null;
  conflicts: ConflictInfo[];
}

/** A mutation the central store refused, kept until the user has read why. */
export interface RejectedChange {
  mutationId: string;
  entity: EntityName;
  entityId: string;
  customerId: string | null;
  fields: string[];
  reason: string;
  createdAt: string;
  rejection: Rejection;
}

export interface OutboxCounts {
  pending: number;
  /** conflicting fields, one per row of the conflicts list */
  conflicts: number;
  rejected: number;
  /** kept by the central store for a supervisor's review */
  held: number;
}

/** The result code with which the central store asks for a mutation again: it stays pending. */
export const SEQUENCE_GAP = 'sequence_gap';
const KEPT_MINE = ' (conflict resolved: kept mine)';
const ESCALATED = ' (conflict escalated to a supervisor)';

interface OutboxDeps {
  table: OutboxTable;
  meta: MetaTable;
  /** brings the customer's search keys to its effective view, inside the caller's transaction */
  reindexCustomer: (customerId: string) => void;
  /** the change-log sequence of the cached copy of a record, or null when this cache holds none */
  storedSeq: (entity: EntityName, id: string) => number | null;
  now: () => Date;
}

/**
 * The durable outbox of DESIGN §5. Callers run these inside one cache transaction, so an edit and
 * the search index of its customer change together. Nothing here is dropped silently: a mutation
 * leaves the outbox when the central store applied it and this cache has pulled what it wrote
 * (`settle`), when the user resolved every conflicting field, or when the user dismissed its rejection. One the store held for review stays, shown as
 * held with the reason, and is asked again (`held`) until the store answers a supervisor's
 * decision: applied (it leaves), or declined (refused, with the supervisor's reason).
 */
export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  enqueue(draft: MutationDraft): Mutation {
    const clientId = this.deps.meta.get(META.clientId);
    if (!clientId) throw new CareDeskError('internal', 'this cache has no client id yet: register it with the central store before editing');
    const seq = Math.max(Number(this.deps.meta.get(META.lastMutationSeq) ?? 0), this.deps.table.maxSeq()) + 1;
    const mutation = parseOrThrow(Mutation, {
      id: randomUUID(),
      ...(draft.op ? { op: draft.op } : {}),
      clientId,
      seq,
      entity: draft.entity,
      entityId: draft.entityId,
      base: draft.base,
      changes: draft.op === 'create' ? draft.changes : validateChanges(draft.entity, draft.changes),
      reason: draft.reason,
      verificationId: draft.verificationId,
      createdAt: draft.createdAt ?? this.deps.now().toISOString(),
      ...(draft.escalation ? { escalation: draft.escalation } : {}),
      ...(draft.unverifiedHold ? { unverifiedHold: true } : {}),
    });
    this.deps.table.insert(mutation, draft.customerId);
    this.deps.meta.set(META.lastMutationSeq, String(seq));
    if (draft.customerId) this.deps.reindexCustomer(draft.customerId);
    return mutation;
  }

  pending(limit: number): Mutation[] {
    return this.deps.table.withStatus('pending', limit).map(mutationOf);
  }

  /**
   * Files what the central store said about pushed mutations, its head then being `head` (the push
   * answer's); returns the records whose view or listed changes changed. An applied mutation is not
   * dropped at once: until this cache pulls the record as the store wrote it, the cached copy is
   * older than the edit, and without the edit over it the view would go back to the old value — a
   * second edit of the field made then would be based on that value and conflict with the desk's
   * own first edit. It stays as `applied` (confirmed: not sent again, not listed as waiting) until
   * `settle` drops it.
   */
  recordResults(results: readonly MutationResult[], head: number): RecordRef[] {
    const touched = new Map<string, RecordRef>();
    for (const result of results) {
      const entry = this.deps.table.byId(result.id);
      // a held one asked again: answered held until a supervisor decides, then applied or declined
      if (!entry || (entry.status !== 'pending' && entry.status !== 'held')) continue;
      if (entry.status === 'held' && result.status === 'held') continue;
      if (result.status === 'applied') {
        this.deps.table.setApplied(result.id, head, result.serverSeq);
      } else if (result.status === 'conflict') {
        this.deps.table.setStatus(result.id, 'conflict', result.conflicts, null);
      } else if (result.status === 'held') {
        // not applied, not refused: the store keeps it for a supervisor, and so does this outbox
        const hold = result.held ?? { reason: 'verification.expired' as const, message: 'held by the central store for review' };
        this.deps.table.setStatus(result.id, 'held', null, null, hold);
      } else if (result.rejection?.code === SEQUENCE_GAP) {
        continue;
      } else {
        const rejection = result.rejection ?? { code: 'rejected', message: 'the central store refused this change', issues: [] };
        this.deps.table.setStatus(result.id, 'rejected', null, rejection);
      }
      touched.set(recordKey(entry.entity, entry.entityId), { entity: entry.entity, id: entry.entityId, customerId: entry.customerId });
    }
    for (const customerId of new Set([...touched.values()].map((r) => r.customerId))) if (customerId) this.deps.reindexCustomer(customerId);
    return [...touched.values()];
  }

  /**
   * Drops the applied entries this cache no longer needs, its cursor being `cursor`. One whose record
   * the cache holds goes when that copy is at or past where the store wrote it (`serverSeq`): the
   * cursor passing the push answer's head is not enough, since a record changed again later comes
   * once, at its latest sequence, in a later page, and dropping the edit before would show the value
   * before it meanwhile. One whose record the cache does not hold (outside the role's projection) or
   * that wrote nothing goes when the cursor reaches the head the push answer reported. A deleted
   * record takes its entries with it (applyPull). Returns the records whose view changed.
   */
  settle(cursor: number | null): RecordRef[] {
    const settled: RecordRef[] = [];
    for (const entry of this.deps.table.withStatus('applied')) {
      const stored = this.deps.storedSeq(entry.entity, entry.entityId);
      const done = entry.serverSeq !== null && stored !== null ? stored >= entry.serverSeq : cursor !== null && cursor >= entry.settleAt!;
      if (!done) continue;
      this.deps.table.remove(entry.id);
      settled.push({ entity: entry.entity, id: entry.entityId, customerId: entry.customerId });
    }
    for (const customerId of new Set(settled.map((r) => r.customerId))) if (customerId) this.deps.reindexCustomer(customerId);
    return settled;
  }

  conflicts(): OutboxConflict[] {
    return this.deps.table.withStatus('conflict').map((entry) => ({
      mutationId: entry.id,
      entity: entry.entity,
      entityId: entry.entityId,
      customerId: entry.customerId,
      reason: entry.reason,
      createdAt: entry.createdAt,
      verificationId: entry.verificationId,
      conflicts: entry.conflicts,
    }));
  }

  /**
   * The user's decision on one conflicting field. 'theirs' accepts the central store's value;
   * 'mine' sends the edit again as a new mutation whose base is the value the user has now seen.
   * Returns that new mutation, if any.
   */
  resolveConflict(mutationId: string, field: string, keep: 'mine' | 'theirs'): Mutation | null {
    return this.settleConflict(mutationId, field, keep === 'mine' ? KEPT_MINE : null);
  }

  /**
   * The user asks a supervisor to decide a conflicting field (protocol 6): my value is sent again
   * against theirs, as when keeping mine, but marked as an escalation with the user's note, which
   * the central store holds for review rather than applying. The field leaves the conflicts list.
   */
  escalateConflict(mutationId: string, field: string, note: string): Mutation {
    return this.settleConflict(mutationId, field, ESCALATED, { note })!;
  }

  /** Takes one field out of a conflict; with `suffix`, sends my value again against theirs (its reason says how). */
  private settleConflict(mutationId: string, field: string, suffix: string | null, escalation?: { note: string }): Mutation | null {
    const entry = this.deps.table.byId(mutationId);
    const conflict = entry?.status === 'conflict' ? entry.conflicts.find((c) => c.field === field) : undefined;
    if (!entry || !conflict) throw new CareDeskError('not_found', `no conflict on ${field} for that change`);
    let resent: Mutation | null = null;
    if (suffix !== null) {
      resent = this.enqueue({
        entity: entry.entity,
        entityId: entry.entityId,
        customerId: entry.customerId,
        base: { [field]: conflict.theirs ?? null },
        changes: { [field]: conflict.mine ?? null },
        reason: `${entry.reason.slice(0, LIMITS.maxReasonLength - suffix.length)}${suffix}`,
        verificationId: entry.verificationId,
        ...(escalation ? { escalation } : {}),
      });
    }
    const remaining = entry.conflicts.filter((c) => c.field !== field);
    if (remaining.length) this.deps.table.setStatus(mutationId, 'conflict', remaining, null);
    else this.deps.table.remove(mutationId);
    return resent;
  }

  /** The held mutations, to ask the central store again for a supervisor's decision (a resend is answered with it). */
  held(limit: number): Mutation[] {
    return this.deps.table.withStatus('held', limit).map(mutationOf);
  }

  rejected(): RejectedChange[] {
    return this.deps.table.withStatus('rejected').map((entry) => ({
      mutationId: entry.id,
      entity: entry.entity,
      entityId: entry.entityId,
      customerId: entry.customerId,
      fields: Object.keys(entry.changes),
      reason: entry.reason,
      createdAt: entry.createdAt,
      rejection: entry.rejection!,
    }));
  }

  dismissRejected(mutationId: string): void {
    if (this.deps.table.byId(mutationId)?.status !== 'rejected') throw new CareDeskError('not_found', 'no rejected change with that id');
    this.deps.table.remove(mutationId);
  }

  /**
   * The user takes back a change the central store has not seen: it leaves the outbox and the record
   * shows what the store last said. One handed to a push that was not answered may have been applied
   * already, so it stays until the store's answer (refused `discard.sent`); the numbers after it close
   * up, so the store's sequence has no gap.
   */
  discardPending(mutationId: string): RecordRef {
    const entry = this.deps.table.byId(mutationId);
    if (entry?.status !== 'pending') throw new CareDeskError('not_found', 'no change waiting to send with that id');
    if (entry.sentIn) {
      throw new CareDeskError('conflict', 'This change was being sent when the line dropped and may have reached the central store: its answer at the next contact decides (change the field again then, if needed).');
    }
    const freed = this.deps.table.withdraw(entry);
    if (Number(this.deps.meta.get(META.lastMutationSeq) ?? 0) >= freed) this.deps.meta.set(META.lastMutationSeq, String(freed - 1));
    if (entry.customerId) this.deps.reindexCustomer(entry.customerId);
    return { entity: entry.entity, id: entry.entityId, customerId: entry.customerId };
  }

  /** Marks mutations as carried by push `attempt` (see OutboxTable.markSent). */
  markSent(ids: readonly string[], attempt: string): void {
    this.deps.table.markSent(ids, attempt);
  }

  /** Push `attempt` failed before anything was sent. */
  unmarkSent(attempt: string): void {
    this.deps.table.unmarkSent(attempt);
  }

  counts(): OutboxCounts {
    return this.deps.table.counts();
  }

  ofRecord(entity: EntityName, entityId: string): ListedEntry[] {
    return this.deps.table.ofRecord(entity, entityId);
  }
}
