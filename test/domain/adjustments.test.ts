import { describe, expect, it } from 'vitest';
import { adjustmentStatus, decisionRefusal, needsApproval, reversalOf, reversalRefusal, type BillingAdjustment } from '../../domain';

/** The rules of recorded credits and adjustments (domain/adjustments.ts), which the central store refuses by and a desk offers by. */
describe('credits and adjustments once recorded', () => {
  const account = 'a0000000-0000-4000-8000-000000000001';
  const adjustment = (id: string, more: Partial<BillingAdjustment> = {}) => ({ id, billingAccountId: account, kind: 'credit' as const, amountCents: -500, recordedById: 'u-clerk', ...more });

  it('reads a record from before approvals as applied', () => {
    expect(adjustmentStatus({})).toBe('applied');
    expect(adjustmentStatus({ status: 'awaiting_approval' })).toBe('awaiting_approval');
  });

  it('holds an amount above the threshold, either way, and not one at it', () => {
    expect([needsApproval(-50_001, 50_000), needsApproval(50_001, 50_000), needsApproval(-50_000, 50_000), needsApproval(1, 0)]).toEqual([true, true, false, true]);
  });

  it('decides only one awaiting approval, and never by its recorder', () => {
    const waiting = adjustment('w', { status: 'awaiting_approval' });
    expect(decisionRefusal(waiting, { id: 'u-sup' })).toBeNull();
    expect(decisionRefusal(waiting, { id: 'u-clerk' })?.rule).toBe('adjustment.same_person');
    for (const status of ['applied', 'declined'] as const) expect(decisionRefusal({ ...waiting, status }, { id: 'u-sup' })?.rule).toBe('adjustment.not_awaiting_approval');
    expect(decisionRefusal(adjustment('old'), { id: 'u-sup' })?.rule).toBe('adjustment.not_awaiting_approval');
  });

  it('reverses an applied one once, on its own account, and nothing else', () => {
    const original = adjustment('o');
    expect(reversalRefusal(original, account, [original])).toBeNull();
    expect(reversalRefusal(original, 'another', [])?.rule).toBe('reversal.other_account');
    expect(reversalRefusal(adjustment('r', { reverses: 'o' }), account, [])?.rule).toBe('reversal.of_reversal');
    expect(reversalRefusal(adjustment('w', { status: 'awaiting_approval' }), account, [])?.rule).toBe('reversal.awaiting_approval');
    expect(reversalRefusal(adjustment('d', { status: 'declined' }), account, [])?.rule).toBe('reversal.declined');
    for (const status of ['applied', 'awaiting_approval'] as const) {
      const reversal = adjustment('r', { reverses: 'o', status });
      expect(reversalRefusal(original, account, [original, reversal])?.rule).toBe('reversal.twice');
      expect(reversalOf(original, [reversal])?.id).toBe('r');
    }
    // a declined reversal never happened: the original may be reversed again
    const declined = adjustment('r', { reverses: 'o', status: 'declined' });
    expect(reversalRefusal(original, account, [declined])).toBeNull();
    expect(reversalOf(original, [declined])).toBeUndefined();
  });
});
