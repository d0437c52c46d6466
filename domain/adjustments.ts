import type { AdjustmentStatus, BillingAdjustment } from './entities';
import type { FieldIssue } from './errors';
import { transitionOf } from './lifecycles';

/**
 * The rules of credits and adjustments once recorded (issue 13: "amounts above a server-set threshold
 * need a supervisor's approval; a mistaken adjustment is reversed by a linked reversal, never
 * edited"). The one place they are written down: the central store refuses by them, and a desk offers
 * only what they allow.
 */
type Adjustment = Partial<BillingAdjustment> & { id: string };

/** Its state; a record from before approvals has none and was applied when it was recorded. */
export function adjustmentStatus(adjustment: Readonly<Record<string, unknown>>): AdjustmentStatus {
  return (adjustment.status ?? 'applied') as AdjustmentStatus;
}

/** Whether an amount (either way) waits for a supervisor's approval under the store's threshold. */
export function needsApproval(amountCents: number, approvalAboveCents: number): boolean {
  return Math.abs(amountCents) > approvalAboveCents;
}

/**
 * Why `decider` may not approve or decline `adjustment`, or null: only one awaiting approval is
 * decided (its lifecycle, domain/lifecycles.ts, has no other step), and never by the person who
 * recorded it.
 */
export function decisionRefusal(adjustment: Adjustment, decider: { id: string }): FieldIssue | null {
  const status = adjustmentStatus(adjustment);
  if (!transitionOf('billingAdjustment', status, 'applied')) {
    return { field: 'adjustmentId', rule: 'adjustment.not_awaiting_approval', message: `this ${adjustment.kind ?? 'adjustment'} is ${status.replace('_', ' ')}: only one awaiting approval is approved or declined` };
  }
  if (adjustment.recordedById === decider.id) {
    return { field: 'adjustmentId', rule: 'adjustment.same_person', message: 'it must be approved or declined by someone other than who recorded it' };
  }
  return null;
}

/**
 * Why `original` may not be reversed on `billingAccountId`, or null. `others` are the account's
 * adjustments (any order, the original may be among them): a reversal already recorded and not
 * declined means it is reversed, or about to be. One awaiting approval is declined, not reversed.
 */
export function reversalRefusal(original: Adjustment, billingAccountId: string, others: readonly Adjustment[]): FieldIssue | null {
  const refuse = (rule: string, message: string): FieldIssue => ({ field: 'adjustmentId', rule, message });
  if (original.billingAccountId !== billingAccountId) return refuse('reversal.other_account', 'this adjustment is on another billing account');
  if (original.reverses) return refuse('reversal.of_reversal', 'a reversal is not reversed: record a new credit or adjustment instead');
  const status = adjustmentStatus(original);
  if (status === 'awaiting_approval') return refuse('reversal.awaiting_approval', "it awaits a supervisor's approval and has not moved the balance: it is declined, not reversed");
  if (status === 'declined') return refuse('reversal.declined', 'it was declined and never moved the balance');
  const reversal = reversalOf(original, others);
  if (reversal) return refuse('reversal.twice', adjustmentStatus(reversal) === 'applied' ? 'it is reversed already' : "its reversal awaits a supervisor's approval");
  return null;
}

/** The reversal of `original` among `others`, if one was recorded and not declined: what a history links it to. */
export function reversalOf(original: Adjustment, others: readonly Adjustment[]): Adjustment | undefined {
  return others.find((o) => o.reverses === original.id && adjustmentStatus(o) !== 'declined');
}
