import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ADJUSTMENT_KINDS, NewAdjustment, type AdjustmentKind, type BillingAdjustment } from '../../../domain/entities/billing';
import { CareDeskError, issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import { centsFromTyped } from '../../format';

const KINDS: Record<AdjustmentKind, { label: string; hint: string }> = {
  credit: { label: 'Credit', hint: 'Money back to the customer: lowers the balance' },
  adjustment: { label: 'Adjustment', hint: 'A correction of the balance, either way' },
};
const REASONS = ['Service outage credit', 'Goodwill credit', 'Late fee waived', 'Late fee reinstated', 'Billing error corrected'];
/** only for checking the form with the domain's rules; the core gives the real record its id */
const CHECK_ID = '00000000-0000-4000-8000-000000000000';
const AMOUNT_FORMAT: FieldIssue = { field: 'amountCents', rule: 'amount.format', message: 'an amount in dollars and cents, e.g. 12.50' };

/** A credit or an adjustment with its reason, checked by the domain's rules as it is typed; sent online. */
export function AdjustmentForm({ online, onRecord, onDone }: { online: boolean; onRecord: (kind: AdjustmentKind, amountCents: number, reason: string) => Promise<BillingAdjustment>; onDone: (recorded: BillingAdjustment | null) => void }) {
  const name = useId();
  const listId = useId();
  const [kind, setKind] = useState<AdjustmentKind>('credit');
  const [raises, setRaises] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusRequest, setFocusRequest] = useState(0);

  const magnitude = centsFromTyped(amount);
  const amountCents = magnitude === null ? null : kind === 'credit' || !raises ? -magnitude : magnitude;
  const issues = useMemo(() => {
    const parsed = NewAdjustment.safeParse({ id: CHECK_ID, kind, amountCents: amountCents ?? 0, reason });
    const found = parsed.success ? [] : issuesFromZod(parsed.error);
    return amountCents === null ? [...found.filter((i) => i.field !== 'amountCents'), AMOUNT_FORMAT] : found;
  }, [kind, amountCents, reason]);
  const issueFor = (field: string) => serverIssues.find((i) => i.field === field) ?? (attempted || touched.has(field) ? issues.find((i) => i.field === field) : undefined);

  useEffect(() => {
    if (focusRequest) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const touch = (field: string) => {
    setServerIssues([]);
    setFormError(null);
    setTouched((t) => new Set(t).add(field));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setAttempted(true);
    if (!online) return setFormError('Not recorded: this workstation is offline.');
    if (issues.length || amountCents === null) {
      setFormError(`Not recorded: ${issues.length === 1 ? 'one field needs' : `${issues.length} fields need`} correcting.`);
      setFocusRequest((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      onDone(await onRecord(kind, amountCents, reason.trim()));
    } catch (err) {
      setBusy(false);
      setServerIssues(err instanceof CareDeskError ? err.issues : []);
      setFormError(`Not recorded: ${messageOf(err)}`);
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onDone(null);
  };

  return (
    <form ref={formRef} className="adjust-form" aria-label="Record a credit or adjustment" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <fieldset className="choice-row">
        <legend className="field-label">Kind</legend>
        {ADJUSTMENT_KINDS.map((k, i) => (
          <label key={k} className="radio choice">
            <input type="radio" name={`${name}-kind`} value={k} checked={kind === k} autoFocus={i === 0} onChange={() => (setKind(k), touch('amountCents'))} />
            <span>
              <span className="strong">{KINDS[k].label}</span>
              <span className="choice-hint">{KINDS[k].hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="edit-row">
        <TextField label="Amount (USD)" className="adjust-amount" value={amount} onValue={(v) => (setAmount(v), touch('amountCents'))} issue={issueFor('amountCents')} inputMode="decimal" placeholder="0.00" maxLength={12} />
        {kind === 'adjustment' && (
          <fieldset className="choice-row compact">
            <legend className="field-label">Effect on the balance</legend>
            <label className="radio">
              <input type="radio" name={`${name}-effect`} checked={!raises} onChange={() => setRaises(false)} />
              <span>Lower it</span>
            </label>
            <label className="radio">
              <input type="radio" name={`${name}-effect`} checked={raises} onChange={() => setRaises(true)} />
              <span>Raise it</span>
            </label>
          </fieldset>
        )}
      </div>
      <TextField label="Reason" value={reason} onValue={(v) => (setReason(v), touch('reason'))} issue={issueFor('reason')} list={listId} placeholder="Why is this being recorded?" maxLength={500} />
      <datalist id={listId}>
        {REASONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      {formError && (
        <Notice tone="bad" assertive>
          {formError}
        </Notice>
      )}
      <div className="edit-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!online} shortcut="Enter">
          Record
        </Button>
        <Button onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
