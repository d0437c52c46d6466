import { adjustmentStatus } from '../../../domain/adjustments';
import type { AdjustmentRequester, BillingAdjustment } from '../../../domain/entities/billing';
import type { Tone } from '../../components/Badge';

type Adjustment = Partial<BillingAdjustment>;

/** How a credit or an adjustment reads, and its state's tone. Display only: the rules live in domain/adjustments.ts. */
export const ADJUSTMENT_STATUS: Record<string, { label: string; tone: Tone }> = {
  awaiting_approval: { label: 'Waiting for a supervisor’s approval', tone: 'warn' },
  applied: { label: 'Applied', tone: 'good' },
  declined: { label: 'Declined', tone: 'neutral' },
};

const KIND_LABELS: Record<string, string> = { credit: 'Credit', adjustment: 'Adjustment' };

/** "Credit", "Adjustment", or "Reversal" for one that takes another back. */
export function adjustmentName(a: Adjustment): string {
  return a.reverses ? 'Reversal' : (KIND_LABELS[a.kind ?? ''] ?? String(a.kind));
}

export function adjustmentState(a: Adjustment): { label: string; tone: Tone } {
  return ADJUSTMENT_STATUS[adjustmentStatus(a)]!;
}

/** What it does to the balance, in words, once applied. */
export function balanceEffect(amountCents: number): string {
  return amountCents < 0 ? 'lowers the balance' : 'raises the balance';
}

/** Who asked, as the record keeps it (absent on credits recorded before it was asked): the history's badge and the approver's fact. */
export const REQUESTER_LABELS: Record<AdjustmentRequester, { label: string; title: string; who: string }> = {
  caller: { label: 'Caller asked', title: 'Asked for by the customer on a call, their caller verified', who: 'the caller, verified on the call' },
  internal: { label: 'Internal', title: 'A correction no customer asked for', who: 'no one: an internal correction' },
};
