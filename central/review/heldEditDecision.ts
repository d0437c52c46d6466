import { CareDeskError, HELD_EDIT_CHANGED_SINCE, HELD_EDIT_DECLINED, HELD_EDIT_RULES, type ErrorCode, type HeldEditDecisionRequest, type HeldEditDecisionResult, type MutationResult } from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import { appendToLedger, type LedgerEntry } from '../erasure/ledger';
import type { Actor, SessionContext } from '../identity/sessions';
import { userOf } from '../identity/users';
import { changeHead } from '../storage/changeLog';
import { checkpoint, inTransaction, type Tx } from '../storage/database';
import { applyMutation } from '../sync/applyMutation';
import { rejected } from '../sync/mutationOutcome';
import { answerHeldMutation } from '../sync/push';
import { readHeldMutation, recordDecision, type HeldMutation } from './heldMutations';
import { expireIfDue } from './unverifiedHolds';

/**
 * `heldEdit.decide` (issue 14): a supervisor other than the requester applies an edit the store held
 * for review, or declines it, in one transaction with the decision's audit row. Applying it is the
 * requester's edit going through at last, as they made it (their role now, the device they sent it
 * from, the reason they gave: the record's history names them), with every check of a push but the
 * caller verification and the escalation the supervisor has just weighed. What it was made against
 * (`base`) is compared with the record now: a field changed since refuses the whole decision, naming
 * the fields, and nothing is written (the edit stays held, to be declined or applied once the rep
 * agrees). The requester's desk hears the decision when it sends the held mutation again: its stored
 * answer becomes the decision. The route has checked the role (`roles` of the declaration).
 */
export async function decideHeldEdit(ctx: StoreContext, session: SessionContext, request: HeldEditDecisionRequest): Promise<HeldEditDecisionResult> {
  return settleHeldEdit(ctx, session, { heldEditId: request.heldEditId, action: 'held_edit.decided', label: request.decision }, async (tx, held, now) => {
    if (held.requestedBy === session.user.id) throw refusal('forbidden', 'another supervisor decides an edit you made', 'held_edit.own_edit', 'you made this edit');
    return decide(tx, now, session, held, request);
  });
}

/**
 * Settles a held edit (a supervisor's decision, a rep's release): an unverified one past its expiry
 * becomes expired first, in a transaction of its own (unverifiedHolds.ts), so that it is refused
 * below and stays expired; then `settle` runs in one transaction with its audit row. A refusal is
 * audited naming the fields and rules, never a value, and the transaction wrote nothing.
 */
export async function settleHeldEdit(
  ctx: StoreContext,
  session: SessionContext,
  what: { heldEditId: string; action: 'held_edit.decided' | 'held_edit.released'; label: string },
  settle: (tx: Tx, held: HeldMutation, now: Date) => Promise<{ answer: HeldEditDecisionResult; erasure?: LedgerEntry }>,
): Promise<HeldEditDecisionResult> {
  const { user } = session;
  const audit = { action: what.action, userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'heldEdit', entityId: what.heldEditId } as const;
  // the held edit's customer, once read: what a refusal's audit row names
  const known: { customerId: string | null } = { customerId: null };
  let outcome: { answer: HeldEditDecisionResult; erasure?: LedgerEntry };
  const expired = await inTransaction(ctx.db, (tx) => expireIfDue(tx, what.heldEditId, ctx.clock(), (result) => answerHeldMutation(tx, result)));
  if (expired) ctx.feed.publish({ kind: 'advanced', head: await changeHead(ctx.db) });
  try {
    outcome = await inTransaction(ctx.db, async (tx) => {
      const held = await readHeldMutation(tx, what.heldEditId);
      if (!held) throw refusal('not_found', 'no such held edit', 'not_found', 'no edit held for review has this id');
      known.customerId = held.heldEdit.customerId;
      if (held.status === 'expired') throw refusal('conflict', `this unverified edit expired ${held.heldEdit.expiresAt ?? ''} and was not applied`, HELD_EDIT_RULES.expired, 'an unverified edit is applied only before it expires');
      if (held.status !== 'held') throw refusal('conflict', `this edit was already decided (${held.status})`, HELD_EDIT_RULES.alreadyDecided, `${held.status} by ${held.heldEdit.decidedByName ?? 'a supervisor'}`);
      return settle(tx, held, ctx.clock());
    });
  } catch (err) {
    if (err instanceof CareDeskError) {
      const issues = err.issues.slice(0, 20);
      await inTransaction(ctx.db, (tx) =>
        appendAudit(tx, ctx.clock(), { ...audit, outcome: 'denied', customerId: known.customerId, fields: [...new Set(issues.map((i) => i.field))], detail: `${what.label}: refused (${[...new Set(issues.map((i) => i.rule))].join(', ') || err.code})` }),
      );
    }
    throw err;
  }
  if (outcome.erasure) {
    // the edit approved an erasure (runStepEffect): committed, the ledger gets its line and the old pages leave the WAL, as after a push
    appendToLedger(ctx.erasureLedgerFile, [outcome.erasure]);
    await checkpoint(ctx.db);
  }
  ctx.feed.publish({ kind: 'advanced', head: await changeHead(ctx.db) });
  return outcome.answer;
}

async function decide(tx: Tx, now: Date, session: SessionContext, held: HeldMutation, request: HeldEditDecisionRequest): Promise<{ answer: HeldEditDecisionResult; erasure?: LedgerEntry }> {
  const m = held.mutation;
  const requester = await requesterOf(tx, held);
  let result: MutationResult;
  let erasure: LedgerEntry | undefined;
  if (request.decision === 'apply') {
    const applied = await applyMutation(tx, requester, m, now, { reviewed: true });
    refuseUnlessApplied(applied.result);
    result = applied.result;
    erasure = applied.erasure;
  } else {
    result = rejected(m, HELD_EDIT_DECLINED, `declined by ${session.user.displayName}: ${request.reason}`);
  }
  await answerHeldMutation(tx, result);
  const status = request.decision === 'apply' ? 'applied' : 'declined';
  const audit: AuditEntry = {
    action: 'held_edit.decided',
    outcome: 'ok',
    userId: session.user.id,
    role: session.user.role,
    deviceId: session.deviceId,
    entity: 'heldEdit',
    entityId: held.heldEdit.id,
    customerId: held.heldEdit.customerId,
    // the paths it changes, as for every record.update row: the values are the record's
    fields: Object.keys(m.changes),
    detail: `${status} ${requester.user.username}'s edit of ${m.entity} ${m.entityId} (${held.heldEdit.heldFor})`,
  };
  if (erasure) {
    // the edit approved the customer's erasure, which took its own held row and record with it: the decision is told, not stored
    await appendAudit(tx, now, audit);
    return { answer: { heldEdit: { ...held.heldEdit, status, decidedBy: session.user.id, decidedByName: session.user.displayName, decidedAt: now.toISOString(), decisionReason: request.reason } }, erasure };
  }
  // an unverified edit a supervisor applies says so: reviewed, not re-verified (issue 16)
  const mark = status === 'applied' && held.heldEdit.heldFor === 'caller.unverified' ? { appliedAfter: 'review' as const } : undefined;
  return { answer: { heldEdit: await recordDecision(tx, held, { status, by: session.user, at: now, reason: request.reason, audit, ...(mark ? { mark } : {}) }) } };
}

/** The requester as they are now (their role may have changed since), on the device they sent the edit from. */
export async function requesterOf(tx: Tx, held: HeldMutation): Promise<Actor> {
  const row = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'status']).where('id', '=', held.requestedBy).executeTakeFirstOrThrow();
  return { user: userOf(row), deviceId: held.deviceId };
}

/** An outcome other than applied refuses the decision; the throw rolls back what the merge wrote of it. */
export function refuseUnlessApplied(result: MutationResult): void {
  if (result.status === 'applied') return;
  if (result.status === 'conflict') {
    const issues = result.conflicts.map((c) => ({ field: c.field, rule: HELD_EDIT_CHANGED_SINCE, message: `changed by ${c.changedBy ?? 'someone'}${c.changedAt ? ` at ${c.changedAt}` : ''} after this edit was made` }));
    throw new CareDeskError('conflict', `the record changed since this edit was made (${issues.map((i) => i.field).join(', ')}): decline it, or ask for a new edit`, issues);
  }
  if (result.status === 'rejected' && result.rejection) throw new CareDeskError(errorCodeOf(result.rejection.code), result.rejection.message, result.rejection.issues);
  throw new Error(`a reviewed edit came back ${result.status}`);
}

/** A push's rejection code as an answer's: the codes both know keep their meaning; the rest (an erased field written back) are the record's state now. */
function errorCodeOf(code: string): ErrorCode {
  return code === 'forbidden' || code === 'not_found' || code === 'validation' ? code : 'conflict';
}

export function refusal(code: ErrorCode, message: string, rule: string, why: string, field = 'heldEditId'): CareDeskError {
  return new CareDeskError(code, message, [{ field, rule, message: why }]);
}
