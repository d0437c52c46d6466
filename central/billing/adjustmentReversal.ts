import { BillingAccount, BillingAdjustment, CareDeskError, reversalRefusal, type AdjustmentReversalRequest, type OperationOutput } from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, recordsOfCustomer } from '../storage/recordStore';
import { putOnAccount, refuseAdjustment, type AdjustmentAudit, type AdjustmentOutcome as Outcome } from './adjustments';

/**
 * `billingAdjustment.reverse` (issue 13): a mistaken credit or adjustment is never edited; a clerk
 * takes it back with a new adjustment of the opposite amount that names it (`reverses`), recorded
 * like any other: applied at once, or above the store's threshold awaiting a supervisor's approval
 * (taking back a $2,000 charge is a $2,000 credit). Refused by domain/adjustments.ts: a reversal
 * reversed, one reversed twice, one awaiting approval or declined, one of another account. The
 * desk names the reversal's id, so a retry after a lost answer records nothing twice.
 */
export async function reverseAdjustment(ctx: StoreContext, session: SessionContext, request: AdjustmentReversalRequest): Promise<OperationOutput<'billingAdjustment.reverse'>> {
  const { user } = session;
  const audit: AdjustmentAudit = { action: 'billing.adjustment_reversed', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'billingAdjustment', entityId: request.id };
  const outcome = await inTransaction<Outcome>(ctx.db, async (tx) => {
    const earlier = await readRecord(tx, 'billingAdjustment', request.id);
    if (earlier?.data) {
      const reversal = BillingAdjustment.parse(earlier.data);
      if (reversal.reverses !== request.adjustmentId || reversal.billingAccountId !== request.billingAccountId) throw new CareDeskError('conflict', 'this adjustment id is already in use');
      return { adjustment: reversal, seq: 0 };
    }
    const stored = await readRecord(tx, 'billingAdjustment', request.adjustmentId);
    if (!stored?.data) throw new CareDeskError('not_found', 'no such credit or adjustment');
    const original = BillingAdjustment.parse(stored.data);
    const others = (await recordsOfCustomer(tx, original.customerId, 'billingAdjustment')).map((r) => BillingAdjustment.parse(r.data));
    const refusal = reversalRefusal(original, request.billingAccountId, others);
    if (refusal) return { refused: refusal, customerId: original.customerId };
    const account = BillingAccount.parse((await readRecord(tx, 'billingAccount', original.billingAccountId))?.data);
    return putOnAccount(tx, ctx, session, account, { id: request.id, kind: 'adjustment', amountCents: -original.amountCents, reason: request.reason, reverses: original.id, requestedBy: 'internal', verificationId: null }, audit);
  });
  if (outcome.refused) return refuseAdjustment(ctx, { ...audit, customerId: outcome.customerId }, outcome.refused);
  if (outcome.seq) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { adjustment: outcome.adjustment };
}
