import { BillingAccount, BillingAdjustment, CareDeskError, decisionRefusal, type AdjustmentDecisionRequest, type OperationOutput } from '../../domain';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, writeRecords, type RecordWrite } from '../storage/recordStore';
import { refuseAdjustment, type AdjustmentAudit, type AdjustmentOutcome as Outcome } from './adjustments';

const DECISION_FIELDS = ['status', 'decidedBy', 'decidedAt', 'decisionReason'];

/**
 * `billingAdjustment.decide` (issue 13): a supervisor approves a credit or an adjustment that waits
 * for approval, and the balance the store holds now moves by its amount in the same transaction as
 * the decision and its audit row; or declines it, and the balance stays. Who and when are the
 * store's (the session, its clock), never the desk's. Refused by domain/adjustments.ts: one already
 * decided (approving twice, approving a declined one), and the person who recorded it. The route has
 * checked the role (`roles` of the declaration).
 */
export async function decideAdjustment(ctx: StoreContext, session: SessionContext, request: AdjustmentDecisionRequest): Promise<OperationOutput<'billingAdjustment.decide'>> {
  const { user } = session;
  const audit: AdjustmentAudit = { action: 'billing.adjustment_decided', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'billingAdjustment', entityId: request.adjustmentId };
  const outcome = await inTransaction<Outcome>(ctx.db, async (tx) => {
    const stored = await readRecord(tx, 'billingAdjustment', request.adjustmentId);
    if (!stored?.data) throw new CareDeskError('not_found', 'no such credit or adjustment');
    const adjustment = BillingAdjustment.parse(stored.data);
    const refusal = decisionRefusal(adjustment, user);
    if (refusal) return { refused: refusal, customerId: adjustment.customerId };
    const now = ctx.clock();
    const approved = request.decision === 'approve';
    const decided: BillingAdjustment = { ...adjustment, status: approved ? 'applied' : 'declined', decidedBy: user.displayName, decidedAt: now.toISOString(), decisionReason: request.reason };
    const writes: RecordWrite[] = [{ op: 'update', entity: 'billingAdjustment', id: decided.id, customerId: decided.customerId, data: BillingAdjustment.parse(decided), fields: DECISION_FIELDS }];
    if (approved) {
      const account = BillingAccount.parse((await readRecord(tx, 'billingAccount', adjustment.billingAccountId))?.data);
      writes.unshift({ op: 'update', entity: 'billingAccount', id: account.id, customerId: account.customerId, data: { ...account, balanceCents: account.balanceCents + adjustment.amountCents }, fields: ['balanceCents'] });
    }
    const detail = `${approved ? 'approved' : 'declined'}: ${adjustment.reverses ? `reversal of ${adjustment.reverses}` : adjustment.kind} on billing account ${adjustment.billingAccountId}`;
    const seqs = await writeRecords(tx, writes, { at: now, by: user.id, reason: request.reason, audit: { ...audit, outcome: 'ok', customerId: decided.customerId, fields: DECISION_FIELDS, detail } });
    return { adjustment: decided, seq: seqs.at(-1)! };
  });
  if (outcome.refused) return refuseAdjustment(ctx, { ...audit, customerId: outcome.customerId }, outcome.refused);
  ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { adjustment: outcome.adjustment };
}
