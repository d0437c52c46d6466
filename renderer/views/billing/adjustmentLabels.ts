import { adjustmentStatus } from '../../../domain/adjustments';
import type { BillingAdjustment } from '../../../domain/entities/billing';
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
