import {
  BillingAccount,
  BillingAdjustment,
  CareDeskError,
  Id,
  mayPerform,
  parseOrThrow,
  type AdjustmentRequest,
  type AdjustmentResponse,
} from '../../domain';
import { appendAudit } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { readRecord, writeRecords } from '../storage/recordStore';
import { inTransaction } from '../storage/database';
import { checkCaller } from '../verification/callerVerification';

/**
 * A credit or an adjustment on a billing account, recorded by a billing clerk with a reason: a new
 * record (who, when, why) and the account's balance moved by its amount, in one transaction with
 * its audit row. Online only, so it moves the balance the store holds now. The workstation names
 * the record's id, so a retry after a lost answer records nothing twice. One the customer asked for
 * on the phone needs the caller verified (`verifiedCaller`); the record keeps who asked and the
 * verification it rested on.
 */
export async function recordAdjustment(
  ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>,
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
    const account = BillingAccount.parse(stored.data);
    const at = now.toISOString();
    const adjustment = BillingAdjustment.parse({
      id: request.id,
      customerId: account.customerId,
      billingAccountId,
      kind: request.kind,
      amountCents: request.amountCents,
      reason: request.reason,
      recordedBy: user.displayName,
      recordedAt: at,
      requestedBy: request.requestedBy,
      verificationId: caller.verificationId,
    });
    const next = { ...account, balanceCents: account.balanceCents + request.amountCents };
    const seqs = await writeRecords(
      tx,
      [
        { op: 'update', entity: 'billingAccount', id: billingAccountId, customerId: account.customerId, data: next, fields: ['balanceCents'] },
        { op: 'create', entity: 'billingAdjustment', id: adjustment.id, customerId: account.customerId, data: adjustment, fields: ['kind', 'amountCents', 'reason'] },
      ],
      {
        at: now,
        by: user.id,
        reason: request.reason,
        // field names only: the amount and the reason are the record's, not the log's
        audit: { ...audit, outcome: 'ok', customerId: account.customerId, fields: ['kind', 'amountCents', 'reason'], detail: `${request.kind} on billing account ${billingAccountId}; ${requestedBy(request.requestedBy, caller.verificationId)}` },
      },
    );
    return { adjustment, balanceCents: next.balanceCents, seq: seqs[1]! };
  });
  if (outcome.seq) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { adjustment: outcome.adjustment, balanceCents: outcome.balanceCents };
}

/** Who asked, for the audit row: the caller with the verification it rested on, or no one (internal). */
function requestedBy(who: AdjustmentRequest['requestedBy'], verificationId: string | null): string {
  return who === 'caller' ? `requested by the caller, caller verification ${verificationId ?? 'none'}` : 'internal, no caller';
}
