import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { PaymentMethod } from '../../../domain/entities/billing';
import { CareDeskError, type FieldIssue } from '../../../domain/errors';
import { cardBrand, cardDetailsIssues, cardDigits } from '../../../domain/validation/card';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import { cardBrandLabel, maskedCard } from '../../format';
import { EXPIRY_FORMAT, cardLength, formatCardNumber, formatExpiry, parseExpiry } from './cardEntry';

type Field = 'cardNumber' | 'expiry' | 'holderName' | 'billingZip';
/** the domain names the expiry's month and year; this form has one field for both */
const fieldOf = (issue: FieldIssue): Field | null =>
  issue.field === 'expMonth' || issue.field === 'expYear' || issue.field === 'expiry' ? 'expiry' : (['cardNumber', 'holderName', 'billingZip'] as string[]).includes(issue.field) ? (issue.field as Field) : null;

/**
 * A new card as the customer reads it out: the number grouped and checked (Luhn) as it is typed,
 * the expiry and billing ZIP checked by the domain's rules. There is no field for the security
 * code. On submit the card goes straight to the central store; the number is then cleared from
 * this form and its state whatever the outcome, and is never shown again except as the last 4.
 */
export function ReplaceCardForm(props: { method: { id: string; brand?: string; last4?: string; holderName?: string; billingZip?: string }; online: boolean; onReplace: (card: Record<string, unknown>) => Promise<PaymentMethod>; onDone: (replaced: PaymentMethod | null) => void }) {
  const { method, online } = props;
  const [number, setNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [holder, setHolder] = useState(method.holderName ?? '');
  const [zip, setZip] = useState(method.billingZip ?? '');
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const [blurred, setBlurred] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusRequest, setFocusRequest] = useState(0);

  const digits = cardDigits(number);
  const expiryParsed = parseExpiry(expiry);
  const issues = useMemo(() => {
    const found = cardDetailsIssues({ cardNumber: digits, expMonth: expiryParsed?.expMonth ?? 0, expYear: expiryParsed?.expYear ?? 0, holderName: holder, billingZip: zip }, new Date());
    return expiryParsed ? found : [...found.filter((i) => fieldOf(i) !== 'expiry'), EXPIRY_FORMAT];
  }, [digits, expiryParsed?.expMonth, expiryParsed?.expYear, holder, zip]);

  // Luhn as you type: judged once the number has its brand's full length, or the clerk left the field
  const numberComplete = digits.length >= cardLength(digits) || blurred;
  const issueFor = (field: Field): FieldIssue | undefined => {
    const server = serverIssues.find((i) => fieldOf(i) === field);
    if (server) return server;
    const shown = attempted || (touched.has(field) && (field !== 'cardNumber' || numberComplete));
    return shown ? issues.find((i) => fieldOf(i) === field) : undefined;
  };
  const numberIssue = issueFor('cardNumber');
  const numberOk = numberComplete && !issues.some((i) => i.field === 'cardNumber');

  useEffect(() => {
    if (focusRequest) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const touch = (field: Field) => {
    setServerIssues([]);
    setFormError(null);
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setAttempted(true);
    if (!online) return setFormError('Not replaced: this workstation is offline.');
    if (issues.length) {
      const fields = new Set(issues.map(fieldOf));
      setFormError(`Not replaced: ${fields.size === 1 ? 'one field needs' : `${fields.size} fields need`} correcting.`);
      setFocusRequest((n) => n + 1);
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const replaced = await props.onReplace({ cardNumber: digits, expMonth: expiryParsed!.expMonth, expYear: expiryParsed!.expYear, holderName: holder.trim(), billingZip: zip.trim() });
      setNumber('');
      props.onDone(replaced);
    } catch (err) {
      setNumber('');
      setBlurred(false);
      setTouched(new Set());
      setBusy(false);
      setServerIssues(err instanceof CareDeskError ? err.issues : []);
      setFormError(`Not replaced: ${messageOf(err)} The card number was cleared; ask the customer to read it again.`);
    }
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    setNumber('');
    props.onDone(null);
  };

  return (
    <form ref={formRef} className="panel card-form" aria-label={`Replace ${maskedCard(method)}`} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <header className="panel-head">
        <h2>Replace {maskedCard(method)}</h2>
      </header>
      <div className="panel-body card-form-body">
        <p className="card-form-note">
          <Icon name="shield" size={13} /> Type the new card as the customer reads it out. No security code is asked for or kept; the number goes straight to the central store&rsquo;s card vault and is cleared from this form once sent.
        </p>
        <div className="card-form-grid">
          <TextField
            label="Card number"
            className="card-number"
            value={number}
            onValue={(v) => (setNumber(formatCardNumber(v)), touch('cardNumber'))}
            onBlur={() => digits.length > 0 && setBlurred(true)}
            issue={numberIssue}
            hint={
              numberOk ? (
                <span className="tone-good">
                  <Icon name="check" size={12} /> {cardBrandLabel(cardBrand(digits))} · passes the Luhn check
                </span>
              ) : digits.length ? (
                `${cardBrandLabel(cardBrand(digits))} · ${digits.length} of ${cardLength(digits)} digits`
              ) : (
                'As the customer reads it out; checked as you type'
              )
            }
            inputMode="numeric"
            autoComplete="off"
            data-private="card-number"
            maxLength={23}
            autoFocus
            placeholder="•••• •••• •••• ••••"
          />
          <TextField label="Expiry (MM/YY)" value={expiry} onValue={(v) => (setExpiry((prev) => formatExpiry(v, prev)), touch('expiry'))} issue={issueFor('expiry')} inputMode="numeric" maxLength={7} placeholder="MM/YY" />
          <TextField label="Billing ZIP" value={zip} onValue={(v) => (setZip(v), touch('billingZip'))} issue={issueFor('billingZip')} inputMode="numeric" maxLength={10} />
          <TextField label="Name on the card" value={holder} onValue={(v) => (setHolder(v), touch('holderName'))} issue={issueFor('holderName')} maxLength={110} />
        </div>
        {!online && <Notice tone="warn">Offline: replacing a card needs the central store. This form sends nothing until the status bar says Online.</Notice>}
        {formError && (
          <Notice tone="bad" assertive>
            {formError}
          </Notice>
        )}
        <div className="edit-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!online} shortcut="Enter">
            Replace card
          </Button>
          <Button onClick={() => (setNumber(''), props.onDone(null))} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </div>
    </form>
  );
}
