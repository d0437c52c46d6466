import { useEffect, useId, useRef, useState } from 'react';
import { useController } from 'react-hook-form';
import { needsApproval } from '../../../domain/adjustments';
import { ADJUSTMENT_KINDS, ADJUSTMENT_REQUESTERS, NewAdjustment, type AdjustmentKind, type AdjustmentRequester, type BillingAdjustment } from '../../../domain/entities/billing';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { minorFromTyped, money, typedAmountExample } from '../../format';
import { isCurrencyCode, type CurrencyCode } from '../../../domain/validation/currency';
import { closeOnEscape } from '../../hooks/useHotkeys';
import { SHORTCUTS } from '../../shortcuts';

const KINDS: Record<AdjustmentKind, { label: string; hint: string }> = {
  credit: { label: 'Credit', hint: 'Money back to the customer: lowers the balance' },
  adjustment: { label: 'Adjustment', hint: 'A correction of the balance, either way' },
};
const REQUESTERS: Record<AdjustmentRequester, { label: string; hint: string }> = {
  caller: { label: 'The caller', hint: 'The customer asks for it on this call: needs the caller verified' },
  internal: { label: 'No one: internal', hint: 'A correction billing found, no customer asked' },
};
const REASONS = ['Service outage credit', 'Goodwill credit', 'Late fee waived', 'Late fee reinstated', 'Billing error corrected'];
/** only for checking the form with the domain's rules; the core gives the real record its id */
const CHECK_ID = '00000000-0000-4000-8000-000000000000';
const amountFormat = (currency: CurrencyCode): FieldIssue => ({ field: 'amountCents', rule: 'amount.format', message: `an amount in ${currency}, e.g. ${typedAmountExample(currency)}` });

interface AdjustmentDraft {
  kind: AdjustmentKind;
  /** whether an adjustment raises the balance (a credit always lowers it) */
  raises: boolean;
  amount: string;
  reason: string;
  requestedBy: AdjustmentRequester;
}

/** The signed amount the domain records, in minor units of the account's currency: a credit, or an adjustment that lowers the balance, is negative. */
function amountCentsOf({ amount, kind, raises }: AdjustmentDraft, currency: CurrencyCode): number | null {
  const magnitude = minorFromTyped(amount, currency);
  return magnitude === null ? null : kind === 'credit' || !raises ? -magnitude : magnitude;
}

/** The form's issues by the domain's schema for a new adjustment (the amount is typed in the account's currency here). */
function adjustmentIssues(draft: AdjustmentDraft, currency: CurrencyCode): FieldIssue[] {
  const amountCents = amountCentsOf(draft, currency);
  const parsed = NewAdjustment.safeParse({ id: CHECK_ID, kind: draft.kind, amountCents: amountCents ?? 0, reason: draft.reason, requestedBy: draft.requestedBy });
  const found = parsed.success ? [] : issuesFromZod(parsed.error);
  return amountCents === null ? [...found.filter((i) => i.field !== 'amountCents'), amountFormat(currency)] : found;
}

/** From this much on, the review says the amount in words of warning: "1500" typed for "15.00" is the slip it stops. */
const LARGE_CENTS = 100_00;

/** What recording it does to the balance, in words, for the review. */
function effectOf(draft: AdjustmentDraft, currency: CurrencyCode): string {
  const amount = amountCentsOf(draft, currency)!;
  return `${amount < 0 ? 'lowers' : 'raises'} the balance by ${money(Math.abs(amount), currency)}`;
}

/**
 * Above the central store's threshold (`approvalAboveCents`, which it gave at sign-in; null when it
 * gave none) a credit or an adjustment waits for a supervisor: the review says so before it is
 * confirmed. The store decides by its own threshold whatever this says.
 */
export function ApprovalNotice({ amountCents, approvalAboveCents, currency }: { amountCents: number; approvalAboveCents: number | null; currency: CurrencyCode }) {
  if (approvalAboveCents === null || !needsApproval(amountCents, approvalAboveCents)) return null;
  return (
    <p className="adjust-review-approval" role="note">
      Needs a supervisor’s approval: it is above {money(approvalAboveCents, currency)}, the most a billing clerk records alone. Confirmed, it waits in the supervisors’ approvals and the balance
      does not move until one approves it.
    </p>
  );
}

const fieldOf = (issue: FieldIssue) => (issue.field === 'amountCents' ? 'amount' : issue.field);

/**
 * A credit or an adjustment with its reason, checked by the domain's rules as it is typed, reviewed as
 * money before it is recorded (Enter reviews; only Confirm records; Esc goes back with what was typed);
 * sent online. The clerk says who asked for it: one the caller asks for waits, saying why, until
 * the caller is verified; an internal correction does not, and is recorded as internal.
 */
export function AdjustmentForm({
  currency: accountCurrency,
  draft,
  online,
  approvalAboveCents,
  callerMissing,
  onVerifyFirst,
  onRecord,
  onDone: done,
}: {
  currency: string | undefined;
  /** the key the core keeps what is typed under until it is recorded or cancelled (a lock, another tab or customer loses none of it) */
  draft: string | null;
  online: boolean;
  /** the central store's threshold, given at sign-in (null when it gave none) */
  approvalAboveCents: number | null;
  /** whether one asked for by `requestedBy` waits for the caller's verification now */
  callerMissing: (requestedBy: AdjustmentRequester) => boolean;
  onVerifyFirst: () => void;
  onRecord: (kind: AdjustmentKind, amountCents: number, reason: string, requestedBy: AdjustmentRequester) => Promise<BillingAdjustment>;
  onDone: (recorded: BillingAdjustment | null) => void;
}) {
  // amounts are typed and recorded in the account's currency (an account always has one; USD only if this desk was not sent it)
  const currency: CurrencyCode = isCurrencyCode(accountCurrency) ? accountCurrency : 'USD';
  const name = useId();
  const listId = useId();
  const domain = useDomainForm<AdjustmentDraft>({
    defaultValues: { kind: 'credit', raises: false, amount: '', reason: '', requestedBy: 'caller' },
    check: (draft) => adjustmentIssues(draft, currency),
    fieldOf,
    shows: (field) => field === 'amount' || field === 'reason',
    refusal: 'Not recorded',
    draft,
  });
  // recorded or cancelled: what was typed is no longer kept
  const onDone = (recorded: BillingAdjustment | null) => {
    domain.forgetDraft();
    done(recorded);
  };
  const { control } = domain;
  // the sign of the amount follows the kind: a new kind checks the amount again
  const kind = useController({ control, name: 'kind', rules: { deps: ['amount'] } }).field;
  const raises = useController({ control, name: 'raises' }).field;
  const requestedBy = useController({ control, name: 'requestedBy' }).field;
  const waitsForCaller = callerMissing(requestedBy.value);
  const unverifiedId = useId();

  // money is reviewed before it moves (issue 13): Enter shows what will be recorded; only Confirm records it
  const [review, setReview] = useState<AdjustmentDraft | null>(null);
  const [recording, setRecording] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (review) summary.current?.focus();
  }, [review]);
  const submit = domain.submit(
    async (draft) => setReview(draft),
    () => (!online ? 'Not recorded: this workstation is offline.' : waitsForCaller ? 'Not recorded: verify the caller first, or choose internal if no one asked.' : null),
  );
  const confirm = async () => {
    if (!review) return;
    setRecording(true);
    try {
      onDone(await onRecord(review.kind, amountCentsOf(review, currency)!, review.reason.trim(), review.requestedBy));
    } catch (err) {
      setReview(null);
      domain.refused(err, { focus: false });
    } finally {
      setRecording(false);
    }
  };

  // from the review, back to the form as it was typed; from the form, nothing recorded
  const onKeyDown = closeOnEscape(() => (review ? setReview(null) : onDone(null)));

  if (review) {
    const amount = Math.abs(amountCentsOf(review, currency)!);
    const held = approvalAboveCents !== null && needsApproval(amount, approvalAboveCents);
    return (
      <div className="adjust-review" role="group" aria-label={`Review the ${KINDS[review.kind].label.toLowerCase()}`} onKeyDown={onKeyDown}>
        <div className="adjust-review-summary" ref={summary} tabIndex={-1}>
          <p className="adjust-review-amount">
            {KINDS[review.kind].label} of <span className="money">{money(amount, currency)}</span> <span className="muted">{currency}</span>
          </p>
          <p>
            {held ? 'Once approved, it' : 'Recording it'} {effectOf(review, currency)}. Reason: “{review.reason.trim()}”
          </p>
          <p>{review.requestedBy === 'caller' ? 'Asked for by the caller, verified on this call.' : 'Internal: no customer asked for it.'}</p>
          <ApprovalNotice amountCents={amount} approvalAboveCents={approvalAboveCents} currency={currency} />
          {amount >= LARGE_CENTS && (
            <p className="adjust-review-large" role="note">
              A large amount: {money(amount, currency)} is what the customer gets. Check it against what they were told before confirming.
            </p>
          )}
        </div>
        <div className="edit-actions">
          <Button variant="primary" busy={recording} disabled={!online || callerMissing(review.requestedBy)} onClick={() => void confirm()}>
            Confirm and record {money(amount, currency)}
          </Button>
          <Button onClick={() => setReview(null)} shortcut="Esc">
            Back to the form
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form className="adjust-form" aria-label="Record a credit or adjustment" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <fieldset className="choice-row">
        <legend className="field-label">Kind</legend>
        {ADJUSTMENT_KINDS.map((k, i) => (
          <label key={k} className="radio choice">
            <input type="radio" name={`${name}-kind`} value={k} checked={kind.value === k} autoFocus={i === 0} onChange={() => kind.onChange(k)} />
            <span>
              <span className="strong">{KINDS[k].label}</span>
              <span className="choice-hint">{KINDS[k].hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="edit-row">
        <FormTextField control={control} name="amount" label={`Amount (${currency})`} className="adjust-amount" inputMode="decimal" placeholder={typedAmountExample(currency).replace(/\d+/, '0').replace(/\d/g, '0')} maxLength={12} />
        {kind.value === 'adjustment' && (
          <fieldset className="choice-row compact">
            <legend className="field-label">Effect on the balance</legend>
            <label className="radio">
              <input type="radio" name={`${name}-effect`} checked={!raises.value} onChange={() => raises.onChange(false)} />
              <span>Lower it</span>
            </label>
            <label className="radio">
              <input type="radio" name={`${name}-effect`} checked={raises.value} onChange={() => raises.onChange(true)} />
              <span>Raise it</span>
            </label>
          </fieldset>
        )}
      </div>
      <FormTextField control={control} name="reason" label="Reason" list={listId} placeholder="Why is this being recorded?" maxLength={500} />
      <fieldset className="choice-row">
        <legend className="field-label">Asked for by</legend>
        {ADJUSTMENT_REQUESTERS.map((r) => (
          <label key={r} className="radio choice">
            <input type="radio" name={`${name}-requested-by`} value={r} checked={requestedBy.value === r} onChange={() => requestedBy.onChange(r)} />
            <span>
              <span className="strong">{REQUESTERS[r].label}</span>
              <span className="choice-hint">{REQUESTERS[r].hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {online && waitsForCaller && (
        <div className="caller-reason">
          <p id={unverifiedId}>
            <Icon name="shield" size={13} /> Verify the caller first: a credit the caller asks for is recorded only for a caller verified on this call. If no one asked, choose internal.
          </p>
          <Button variant="ghost" onClick={onVerifyFirst} shortcut={SHORTCUTS.verify}>
            Verify the caller
          </Button>
        </div>
      )}
      <datalist id={listId}>
        {REASONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" busy={domain.busy} disabled={!online || waitsForCaller} aria-describedby={online && waitsForCaller ? unverifiedId : undefined} shortcut="Enter">
          Review
        </Button>
        <Button onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
