import { isDeepStrictEqual } from 'node:util';
import {
  ValidationError,
  applyChanges,
  customerIdOf,
  erasedContactPath,
  getPath,
  mergeFields,
  mutationNeedsVerifiedCaller,
  onlineOnlyViolations,
  validateChanges,
  stampConsents,
  statusChange,
  stepStamp,
  stepViolation,
  writeViolations,
  type ConflictInfo,
  type FieldConflict,
  type FieldIssue,
  type Mutation,
} from '../../domain';
import type { Actor } from '../identity/sessions';
import { takeWriteOrder, type Tx } from '../storage/database';
import { readRecord, recordHistory, writeRecords, type StoredRecord } from '../storage/recordStore';
import { CALLER_VERIFICATION, verificationCoverage } from '../verification/callerVerification';
import { holdMutation } from '../review/heldMutations';
import { holdUnverified } from '../review/unverifiedHolds';
import type { LedgerEntry } from '../erasure/ledger';
import { reviewE911AfterAddressChange } from '../serviceLines/e911Review';
import { versionInForce } from '../policy/policyVersions';
import { applyCreate } from './applyCreate';
import { runStepEffect, stepGuardViolation } from './stepRules';
import { held, rejected, type MutationOutcome } from './mutationOutcome';


/**
 * A change to a field that a contact erasure erased, made from a value the desk saw before it (its
 * base is not what the store holds now): refused, so that no desk writes erased data back (issue 11).
 * One made after the desk saw the erasure (base equal to now) is an ordinary edit.
 */
function erasedContactWriteBack(m: Mutation, current: Record<string, unknown>, changes: Record<string, unknown>): FieldIssue[] {
  if (m.entity !== 'customer' || typeof current.erasedContactAt !== 'string') return [];
  return Object.keys(changes)
    .filter((path) => erasedContactPath(path) && !isDeepStrictEqual(m.base[path], getPath(current, path)))
    .map((field) => ({ field, rule: 'erasure.contact_erased', message: `${field} was erased at the customer's request after this change was made` }));
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/** Whether a change that set `changed` set `field` too: the same path, or one inside the other. */
const touches = (changed: string, field: string) => changed === field || changed.startsWith(`${field}.`) || field.startsWith(`${changed}.`);

/**
 * Each conflict with the change that set the value it met: who, when and the reason they gave, from
 * the record's history (the latest change of that field). A record never changed since it was loaded
 * (seeded data) has no history: the record's own last writer and time then, without a reason.
 */
async function withTheirChanges(tx: Tx, stored: StoredRecord, conflicts: readonly FieldConflict[]): Promise<ConflictInfo[]> {
  if (!conflicts.length) return [];
  const history = (await recordHistory(tx, stored.entity, stored.id)).reverse();
  return conflicts.map((c) => {
    const change = history.find((h) => h.fields.some((f) => touches(f, c.field)));
    return change
      ? { ...c, changedBy: change.userName, changedAt: change.at, changeReason: change.reason }
      : { ...c, changedBy: stored.updatedByName, changedAt: stored.updatedAt, changeReason: null };
  });
}

export interface ApplyOptions {
  /**
   * A supervisor decided to apply this held edit (review/heldEditDecision.ts), or the rep released
   * their unverified one after verifying the caller online (review/heldEditRelease.ts): the caller
   * verification it was held for, or the rep's request for a decision, was weighed there, and is not
   * weighed again. Every other check still runs, against the record as it is now.
   */
  reviewed?: boolean;
}

/**
 * Applies one mutation inside `tx` (DESIGN §5): the role's write set first (so a role learns
 * nothing of records it may not change), then the record, the values, the caller verification
 * (an edit that arrives after its verification ran out is held for review, not applied), a rep's
 * escalation of a conflict (held for a supervisor to decide, protocol 6), and finally the
 * field-level three-way merge against what the store holds now.
 */
export async function applyMutation(tx: Tx, session: Actor, m: Mutation, now: Date, { reviewed = false }: ApplyOptions = {}): Promise<MutationOutcome> {
  if (m.op === 'create' && m.unverifiedHold) {
    const issue = { field: 'unverifiedHold', rule: 'hold.unverified_not_allowed', message: 'only a correction of an existing record may be held unverified' };
    return { result: rejected(m, 'forbidden', issue.message, [issue]), customerId: null, wrote: false };
  }
  // a create is checked against every record of its kind (an id taken, a lead's duplicate): in the one order of writers
  if (m.op === 'create') {
    await takeWriteOrder(tx);
    return applyCreate(tx, session, m, now);
  }
  const { user } = session;
  // what only an online operation changes (an E911 address) never comes through an outbox, whatever the role: a modified desk
  const onlineOnly = onlineOnlyViolations(m.entity, Object.keys(m.changes));
  if (onlineOnly.length) return { result: rejected(m, 'forbidden', onlineOnly.map((i) => i.message).join('; '), onlineOnly), customerId: null, wrote: false };
  const violations = writeViolations(m.entity, user.role, Object.keys(m.changes));
  if (violations.length) return { result: rejected(m, 'forbidden', `not allowed to change ${violations.map((v) => v.field).join(', ')}`, violations), customerId: null, wrote: false };

  // the record stays as read until this commits: a change on another node waits for it (PostgreSQL)
  const stored = await readRecord(tx, m.entity, m.entityId, { forUpdate: true });
  if (!stored || stored.data === null) return { result: rejected(m, 'not_found', `no ${m.entity} ${m.entityId}`), customerId: null, wrote: false };
  const customerId = stored.customerId;
  const current = stored.data;
  const refuse = (code: string, message: string, issues: FieldIssue[] = []): MutationOutcome => ({ result: rejected(m, code, message, issues), customerId, wrote: false });

  let changes: Record<string, unknown>;
  try {
    changes = validateChanges(m.entity, m.changes);
  } catch (err) {
    if (err instanceof ValidationError) return refuse('validation', err.message, err.issues);
    throw err;
  }

  const writeBack = erasedContactWriteBack(m, current, changes);
  if (writeBack.length) return refuse('erased', `this customer's contact data was erased at their request (${String(current.erasedContactAt)}); the change was made from what was erased`, writeBack);

  // a lifecycle step's guard and effect reach past this record (a legal hold, an erasure): checked in the one order of writers
  if (statusChange(m.entity, current, changes)) await takeWriteOrder(tx);
  const step = stepViolation(m.entity, current, changes, user);
  if (step) return refuse('forbidden', step.message, [step]);
  const guard = await stepGuardViolation(tx, m.entity, current, changes, customerId);
  if (guard) return refuse('forbidden', guard.message, [guard]);

  // a correction held unverified during an outage (issue 16): held, never applied, whatever it carries
  if (m.unverifiedHold && !reviewed) return holdUnverified(tx, session, m, changes, customerId, now);

  if (!reviewed && mutationNeedsVerifiedCaller(m.entity, Object.keys(changes), undefined, user.role)) {
    // judged by when the store receives the edit (`now`), never by the desk's createdAt
    const coverage = await verificationCoverage(tx, { verificationId: m.verificationId, userId: user.id, customerId, receivedAt: now });
    if (!coverage.covered && !coverage.expired) {
      return refuse('verification_required', `verify the caller before changing their record (a verification lasts ${minutes(CALLER_VERIFICATION.validityMs)} minutes)`);
    }
    if (!coverage.covered) {
      const late = minutes(now.getTime() - Date.parse(coverage.verifiedAt));
      const note = `received ${late} minutes after the caller was verified`;
      // an expired verification is one of this record's customer (verificationCoverage)
      await holdMutation(tx, session, { mutation: m, changes, customerId: customerId!, reason: 'verification.expired', receivedAt: now, verifiedAt: coverage.verifiedAt, note, detail: note });
      const message = `held for a supervisor's review: the central store received this change ${late} minutes after the caller was verified (a verification covers ${minutes(CALLER_VERIFICATION.validityMs)} minutes)`;
      return { result: held(m, 'verification.expired', message), customerId, wrote: false };
    }
  }

  if (m.escalation && !reviewed) {
    // a held edit is reviewed from the customer's record and goes with their erasure: a record of no customer has neither
    if (!customerId) return refuse('validation', "only a change of a customer's records can be sent to a supervisor: resolve this conflict yourself", [{ field: 'escalation', rule: 'escalation.no_customer', message: 'this record belongs to no customer' }]);
    // the rep's note may quote the values: the heldEdit record keeps it, the audit row does not
    await holdMutation(tx, session, { mutation: m, changes, customerId, reason: 'conflict.escalated', receivedAt: now, verifiedAt: null, note: m.escalation.note, detail: 'the rep asked a supervisor to decide a conflict' });
    return { result: held(m, 'conflict.escalated', "held for a supervisor's review: a supervisor decides between your change and the one it met"), customerId, wrote: false };
  }

  const merge = mergeFields(m.base, changes, (path) => getPath(current, path));
  const conflicts = await withTheirChanges(tx, stored, merge.conflicts);
  let serverSeq: number | null = null;
  let erasure: LedgerEntry | null = null;
  if (Object.keys(merge.apply).length) {
    // who took a stamped step and when: the store's own fields, from the pusher and its clock
    let next = { ...applyChanges(current, merge.apply), ...stepStamp(m.entity, current, merge.apply, user, now.toISOString()) };
    if (m.entity === 'customer') next = { ...next, updatedAt: now.toISOString() };
    // each consent given now carries the privacy-policy version in force at the store, never a desk's word (issue 14)
    if (m.entity === 'customer' && Object.keys(merge.apply).some((path) => path.startsWith('consents.'))) {
      next = { ...next, ...stampConsents(current, Object.keys(merge.apply), await versionInForce(tx)) };
    }
    // a record linked to a customer by this change (an inquiry) belongs to them from now on, so that their erasure reaches it
    const [seq] = await writeRecords(tx, [{ op: 'update', entity: m.entity, id: m.entityId, customerId: customerIdOf(m.entity, next), data: next, fields: Object.keys(merge.apply) }], {
      at: now,
      by: user.id,
      reason: m.reason,
      mutationId: m.id,
    });
    serverSeq = seq!;
    // E911 follows the service address: the store flags the lines left behind itself (serviceLines/e911Review.ts)
    if (m.entity === 'customer' && 'serviceAddress' in merge.apply) await reviewE911AfterAddressChange(tx, session, { customerId: m.entityId, serviceAddress: next.serviceAddress, mutationId: m.id, now });
    erasure = await runStepEffect(tx, session, m.entity, m.entityId, current, merge.apply, customerId, now);
  }
  return {
    result: {
      id: m.id,
      seq: m.seq,
      status: conflicts.length ? 'conflict' : 'applied',
      applied: [...Object.keys(merge.apply), ...merge.unchanged],
      conflicts,
      rejection: null,
      held: null,
      serverSeq,
    },
    customerId,
    wrote: serverSeq !== null,
    ...(erasure ? { erasure } : {}),
  };
}
