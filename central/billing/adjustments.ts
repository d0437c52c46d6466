import {
  BillingAccount,
  BillingAdjustment,
  CareDeskError,
  Id,
  mayPerform,
  needsApproval,
  parseOrThrow,
  type AdjustmentKind,
  type AdjustmentRequester,
  type AdjustmentRequest,
  type AdjustmentResponse,
  type FieldIssue,
} from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { readRecord, writeRecords, type RecordWrite } from '../storage/recordStore';
import { inTransaction, type Tx } from '../storage/database';
import { checkCaller } from '../verification/callerVerification';

/**
 * A credit or an adjustment on a billing account, recorded by a billing clerk with a reason: a new
 * record (who, when, why) and the account's balance moved by its amount, in one transaction with
 * its audit row. Online only, so it moves the balance the store holds now. Above the store's own
 * approval threshold (never the desk's word) it is recorded awaiting a supervisor's approval and the
 * balance stays (adjustmentApproval.ts moves it). The workstation names the record's id, so a retry
 * after a lost answer records nothing twice. One the customer asked for on the phone needs the caller
 * verified (`verifiedCaller`); the record keeps who asked and the verification it rested on.
 */
export async function recordAdjustment(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed' | 'adjustmentApprovalAboveCents'>,
  session: SessionContext,
  billingAccountIdParam: string,
  request: AdjustmentRequest,
): Promise<AdjustmentResponse> {
  const { user } = session;
  const now = ctx.clock();
  const billingAccountId = parseOrThrow(Id, billingAccountIdParam, ['billingAccountId']);
  const audit = { action: 'billing.adjustment', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'billingAdjustment', entityId: request.id } as const;
  if (!mayPerform('billingAccount.recordAdjustment', user.role)) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { ...audit, outcome: 'denied', detail: 'role may not record adjustments' }));
    throw new CareDeskError('forbidden', `the ${user.role} role does not record credits or adjustments`);
  }
  const target = await readRecord(ctx.db, 'billingAccount', billingAccountId);
  if (!target?.customerId) throw new CareDeskError('not_found', 'no such billing account');
  const caller = await checkCaller(ctx.db, 'billingAccount.recordAdjustment', { userId: user.id, role: user.role }, target.customerId, request, now);
  if (!caller.ok) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { ...audit, outcome: 'denied', customerId: target.customerId, detail: `refused: caller.not_verified (${caller.why})` }));
    throw caller.error;
  }

  const outcome = await inTransaction(ctx.db, async (tx) => {
    const existing = await readRecord(tx, 'billingAdjustment', request.id);
    if (existing?.data) {
      const earlier = BillingAdjustment.parse(existing.data);
      if (earlier.billingAccountId !== billingAccountId || earlier.amountCents !== request.amountCents) throw new CareDeskError('conflict', 'this adjustment id is already in use');
      const account = await readRecord(tx, 'billingAccount', billingAccountId);
      return { adjustment: earlier, balanceCents: BillingAccount.parse(account!.data).balanceCents, seq: 0 };
    }
    const stored = await readRecord(tx, 'billingAccount', billingAccountId);
    if (!stored?.data) throw new CareDeskError('not_found', 'no such billing account');
    return putOnAccount(tx, ctx, session, BillingAccount.parse(stored.data), { ...request, verificationId: caller.verificationId }, audit);
  });
  if (outcome.seq) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { adjustment: outcome.adjustment, balanceCents: outcome.balanceCents };
}

export type AdjustmentAudit = Omit<AuditEntry, 'outcome'>;
/** What a decision's or a reversal's transaction comes to: refused by a rule (audited and answered after it), or done. */
export type AdjustmentOutcome = { refused: FieldIssue; customerId: string } | { refused?: never; adjustment: BillingAdjustment; seq: number };

/**
 * A new credit, adjustment or reversal on `account`, in the caller's transaction: applied at once
 * (the balance moved in the same write) or, above the store's threshold, held for a supervisor's
 * approval with the balance untouched. Its audit row names fields only: the amount and the reason
 * are the record's, not the log's.
 */
export async function putOnAccount(
  tx: Tx,
  ctx: Pick<StoreContext, 'clock' | 'adjustmentApprovalAboveCents'>,
  session: SessionContext,
  account: BillingAccount,
  request: { id: string; kind: AdjustmentKind; amountCents: number; reason: string; reverses?: string; requestedBy?: AdjustmentRequester; verificationId?: string | null },
  audit: AdjustmentAudit,
): Promise<{ adjustment: BillingAdjustment; balanceCents: number; seq: number }> {
  const now = ctx.clock();
  const held = needsApproval(request.amountCents, ctx.adjustmentApprovalAboveCents);
  const adjustment = BillingAdjustment.parse({
    id: request.id,
    customerId: account.customerId,
    billingAccountId: account.id,
    kind: request.kind,
    amountCents: request.amountCents,
    reason: request.reason,
    recordedBy: session.user.displayName,
    recordedAt: now.toISOString(),
    recordedById: session.user.id,
    status: held ? 'awaiting_approval' : 'applied',
    ...(held ? { approvalAboveCents: ctx.adjustmentApprovalAboveCents } : {}),
    ...(request.reverses ? { reverses: request.reverses } : {}),
    ...(request.requestedBy ? { requestedBy: request.requestedBy, verificationId: request.verificationId ?? null } : {}),
  });
  const fields = ['kind', 'amountCents', 'reason', 'status', ...(request.reverses ? ['reverses'] : [])];
  const next = { ...account, balanceCents: account.balanceCents + request.amountCents };
  const writes: RecordWrite[] = [
    ...(held ? [] : [{ op: 'update', entity: 'billingAccount', id: account.id, customerId: account.customerId, data: next, fields: ['balanceCents'] } as const]),
    { op: 'create', entity: 'billingAdjustment', id: adjustment.id, customerId: account.customerId, data: adjustment, fields },
  ];
  const asked = request.requestedBy ? `; ${requestedBy(request.requestedBy, request.verificationId ?? null)}` : '';
  const detail = `${request.reverses ? `reversal of ${request.reverses}` : request.kind} on billing account ${account.id}${held ? ", awaiting a supervisor's approval" : ''}${asked}`;
  const seqs = await writeRecords(tx, writes, { at: now, by: session.user.id, reason: request.reason, audit: { ...audit, outcome: 'ok', customerId: account.customerId, fields, detail } });
  return { adjustment, balanceCents: held ? account.balanceCents : next.balanceCents, seq: seqs.at(-1)! };
}

/**
 * A request the rules of domain/adjustments.ts refuse: audited as denied (naming the rule, never an
 * amount), then answered with the rule. Deciding one's own is `forbidden`, naming an adjustment of
 * another account a bad request, anything else a `conflict` with the record's state.
 */
export async function refuseAdjustment(ctx: Pick<StoreContext, 'db' | 'clock'>, audit: AdjustmentAudit, issue: FieldIssue): Promise<never> {
  await inTransaction(ctx.db, (tx) => appendAudit(tx, ctx.clock(), { ...audit, outcome: 'denied', detail: issue.rule }));
  const code = issue.rule === 'adjustment.same_person' ? 'forbidden' : issue.rule === 'reversal.other_account' ? 'validation' : 'conflict';
  throw new CareDeskError(code, issue.message, [issue]);
}

/** Who asked, for the audit row: the caller with the verification it rested on, or no one (internal). */
function requestedBy(who: AdjustmentRequester, verificationId: string | null): string {
  return who === 'caller' ? `requested by the caller, caller verification ${verificationId ?? 'none'}` : 'internal, no caller';
}
