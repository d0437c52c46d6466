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
import { allocateSeq } from '../storage/changeLog';
import { inTransaction } from '../storage/database';

/**
 * A credit or an adjustment on a billing account, recorded by a billing clerk with a reason: a new
 * record (who, when, why) and the account's balance moved by its amount, in one transaction with
 * its audit row. Online only, so it moves the balance the store holds now. The workstation names
 * the record's id, so a retry after a lost answer records nothing twice.
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
  if (!mayPerform('recordAdjustment', user.role)) {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, now, { ...audit, outcome: 'denied', detail: 'role may not record adjustments' }));
    throw new CareDeskError('forbidden', `the ${user.role} role does not record credits or adjustments`);
  }

  const outcome = await inTransaction(ctx.db, async (tx) => {
    const existing = await tx.selectFrom('records').select('data').where('entity', '=', 'billingAdjustment').where('id', '=', request.id).executeTakeFirst();
    if (existing?.data) {
      const earlier = BillingAdjustment.parse(JSON.parse(existing.data));
      if (earlier.billingAccountId !== billingAccountId || earlier.amountCents !== request.amountCents) throw new CareDeskError('conflict', 'this adjustment id is already in use');
      const account = await tx.selectFrom('records').select('data').where('entity', '=', 'billingAccount').where('id', '=', billingAccountId).executeTakeFirstOrThrow();
      return { adjustment: earlier, balanceCents: BillingAccount.parse(JSON.parse(account.data!)).balanceCents, seq: 0 };
    }
    const row = await tx.selectFrom('records').select(['data', 'customer_id']).where('entity', '=', 'billingAccount').where('id', '=', billingAccountId).executeTakeFirst();
    if (!row?.data) throw new CareDeskError('not_found', 'no such billing account');
    const account = BillingAccount.parse(JSON.parse(row.data));
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
    });
    const next = { ...account, balanceCents: account.balanceCents + request.amountCents };
    const seq = await allocateSeq(tx, 2);
    await tx.updateTable('records').set({ data: JSON.stringify(next), seq, updated_at: at, updated_by: user.id }).where('entity', '=', 'billingAccount').where('id', '=', billingAccountId).execute();
    await tx
      .insertInto('records')
      .values({ entity: 'billingAdjustment', id: adjustment.id, customer_id: account.customerId, seq: seq + 1, data: JSON.stringify(adjustment), updated_at: at, updated_by: user.id })
      .execute();
    // field names only: the amount and the reason are the record's, not the log's
    await appendAudit(tx, now, { ...audit, outcome: 'ok', customerId: account.customerId, fields: ['kind', 'amountCents', 'reason'], detail: `${request.kind} on billing account ${billingAccountId}` });
    return { adjustment, balanceCents: next.balanceCents, seq: seq + 1 };
  });
  if (outcome.seq) ctx.feed.publish({ kind: 'advanced', head: outcome.seq });
  return { adjustment: outcome.adjustment, balanceCents: outcome.balanceCents };
}
