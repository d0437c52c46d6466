import { useEffect, useRef, useState } from 'react';
import { needsApproval } from '../../../domain/adjustments';
import type { BillingAdjustment } from '../../../domain/entities/billing';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { dateTime, money } from '../../format';
import { isCurrencyCode, type CurrencyCode } from '../../../domain/validation/currency';
import { closeOnEscape } from '../../hooks/useHotkeys';
import { useReasonForm } from '../customers/edit/useReasonForm';
import { ApprovalNotice } from './AdjustmentForm';
import { adjustmentName, balanceEffect } from './adjustmentLabels';

type Adjustment = Partial<BillingAdjustment> & { id: string };

/**
 * Taking back an applied credit or adjustment (issue 13): never an edit of it, a new adjustment of
 * the opposite amount that names it, recorded at the central store with its reason. Reviewed as money
 * like a new one (Enter reviews, only Confirm sends, Esc goes back), with the approval it will need.
 * The reversal's id is made once for the form, so a retry after a lost answer records nothing twice.
 */
export function ReverseForm({
  original,
  currency: accountCurrency,
  online,
  approvalAboveCents,
  onReverse,
  onDone,
}: {
  original: Adjustment;
  /** the account's: the amounts are in its minor units */
  currency: string | undefined;
  online: boolean;
  approvalAboveCents: number | null;
  onReverse: (id: string, reason: string) => Promise<BillingAdjustment>;
  onDone: (reversal: BillingAdjustment | null) => void;
}) {
  const currency: CurrencyCode = isCurrencyCode(accountCurrency) ? accountCurrency : 'USD';
  const [id] = useState(() => crypto.randomUUID());
  const domain = useReasonForm('Not reversed');
  const [review, setReview] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (review) summary.current?.focus();
  }, [review]);

  const amount = -(original.amountCents ?? 0);
  const what = `${adjustmentName(original).toLowerCase()} of ${money(Math.abs(original.amountCents ?? 0), currency)}`;
  const submit = domain.submit(
    async ({ reason }) => setReview(reason.trim()),
    () => (online ? null : 'Not reversed: this workstation is offline.'),
  );
  const confirm = async () => {
    if (!review) return;
    setSending(true);
    try {
      onDone(await onReverse(id, review));
    } catch (err) {
      setReview(null);
      domain.refused(err, { focus: false });
    } finally {
      setSending(false);
    }
  };
  const onKeyDown = closeOnEscape(() => (review ? setReview(null) : onDone(null)));

  if (review) {
    const held = approvalAboveCents !== null && needsApproval(amount, approvalAboveCents);
    return (
      <div className="adjust-review" role="group" aria-label="Review the reversal" onKeyDown={onKeyDown}>
        <div className="adjust-review-summary" ref={summary} tabIndex={-1}>
          <p className="adjust-review-amount">
            Reversal of <span className="money">{money(Math.abs(amount), currency)}</span> <span className="muted">{currency}</span>
          </p>
          <p>
            It takes back the {what} recorded {dateTime(original.recordedAt)}: {held ? 'once approved, it' : 'recording it'} {balanceEffect(amount)} by {money(Math.abs(amount), currency)}. Reason: “{review}”
          </p>
          <ApprovalNotice amountCents={amount} approvalAboveCents={approvalAboveCents} currency={currency} />
        </div>
        <div className="edit-actions">
          <Button variant="primary" busy={sending} disabled={!online} onClick={() => void confirm()}>
            Confirm the reversal of {money(Math.abs(amount), currency)}
          </Button>
          <Button onClick={() => setReview(null)} shortcut="Esc">
            Back to the form
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form className="adjust-form" aria-label={`Reverse the ${what}`} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <p className="muted">The {what} stays in the history as it was recorded; a reversal of the opposite amount is recorded beside it, linked to it.</p>
      <FormTextField control={domain.control} name="reason" label="Reason for the reversal" placeholder="Recorded on the wrong account…" maxLength={500} autoFocus />
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" busy={domain.busy} disabled={!online} shortcut="Enter">
          Review
        </Button>
        <Button onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
