import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import type { PaymentMethod } from '../../../domain/entities/billing';
import type { FieldIssue } from '../../../domain/errors';
import { cardBrand, cardDetailsIssues, cardDigits } from '../../../domain/validation/card';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { Icon } from '../../components/Icon';
import { FormRefusal, Notice } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { cardBrandLabel, maskedCard } from '../../format';
import { EXPIRY_FORMAT, cardLength, formatCardNumber, formatExpiry, parseExpiry } from './cardEntry';
import { closeOnEscape } from '../../hooks/useHotkeys';

type Field = 'cardNumber' | 'expiry' | 'holderName' | 'billingZip';
/** the domain names the expiry's month and year; this form has one field for both */
const fieldOf = (issue: FieldIssue): Field | null =>
  issue.field === 'expMonth' || issue.field === 'expYear' || issue.field === 'expiry' ? 'expiry' : (['cardNumber', 'holderName', 'billingZip'] as string[]).includes(issue.field) ? (issue.field as Field) : null;

type CardDraft = Record<Field, string>;

/** The card as the domain checks it (validation/card.ts), from the form's one expiry field. */
function cardOf(draft: CardDraft) {
  const expiry = parseExpiry(draft.expiry);
  return { cardNumber: cardDigits(draft.cardNumber), expMonth: expiry?.expMonth ?? 0, expYear: expiry?.expYear ?? 0, holderName: draft.holderName, billingZip: draft.billingZip, expiry };
}

function cardIssues(draft: CardDraft): FieldIssue[] {
  const { expiry, ...card } = cardOf(draft);
  const found = cardDetailsIssues(card, new Date());
  return expiry ? found : [...found.filter((i) => fieldOf(i) !== 'expiry'), EXPIRY_FORMAT];
}

/**
 * A new card as the customer reads it out: the number grouped and checked (Luhn) as it is typed,
 * the expiry and billing ZIP checked by the domain's rules. There is no field for the security
 * code. On submit the card goes straight to the central store; the number is then cleared from
 * this form and its state whatever the outcome, and is never shown again except as the last 4.
 */
export function ReplaceCardForm(props: {
  method: { id: string; brand?: string; last4?: string; holderName?: string; billingZip?: string };
  online: boolean;
  /** the caller's verification ran out while the form was open: nothing is sent until they are verified again */
  callerMissing: boolean;
  onReplace: (card: Record<string, unknown>) => Promise<PaymentMethod>;
  onDone: (replaced: PaymentMethod | null) => void;
}) {
  const { method, online, callerMissing } = props;
  const domain = useDomainForm<CardDraft>({
    defaultValues: { cardNumber: '', expiry: '', holderName: method.holderName ?? '', billingZip: method.billingZip ?? '' },
    check: cardIssues,
    fieldOf,
    shows: (field) => fieldOf({ field, rule: '', message: '' }) !== null,
    refusal: 'Not replaced',
  });
  const { control, form } = domain;
  const [blurred, setBlurred] = useState(false);
  const digits = cardDigits(useWatch({ control, name: 'cardNumber' }));
  const clearNumber = () => form.resetField('cardNumber', { defaultValue: '' });

  // Luhn as you type: judged once the number has its brand's full length, or the clerk left the field
  const numberComplete = digits.length >= cardLength(digits) || blurred;
  const numberError = domain.issueFor('cardNumber');
  const numberIssue = form.formState.isSubmitted || numberComplete ? numberError : undefined;
  const numberOk = numberComplete && !cardIssues(form.getValues()).some((i) => i.field === 'cardNumber');

  const submit = domain.submit(
    async (draft) => {
      const { cardNumber, expMonth, expYear, holderName, billingZip } = cardOf(draft);
      try {
        const replaced = await props.onReplace({ cardNumber, expMonth, expYear, holderName: holderName.trim(), billingZip: billingZip.trim() });
        clearNumber();
        props.onDone(replaced);
      } catch (err) {
        clearNumber();
        setBlurred(false);
        domain.refused(err, { focus: false, suffix: ' The card number was cleared; ask the customer to read it again.' });
      }
    },
    () => (!online ? 'Not replaced: this workstation is offline.' : callerMissing ? 'Not replaced: verify the caller first.' : null),
  );

  const onKeyDown = closeOnEscape(() => {
    clearNumber();
    props.onDone(null);
  });

  return (
    <form className="panel card-form" aria-label={`Replace ${maskedCard(method)}`} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <header className="panel-head">
        <h2>Replace {maskedCard(method)}</h2>
      </header>
      <div className="panel-body card-form-body">
        <p className="card-form-note">
          <Icon name="shield" size={13} /> Type the new card as the customer reads it out. No security code is asked for or kept; the number goes straight to the central store&rsquo;s card vault and is cleared from this form once sent.
        </p>
        <div className="card-form-grid">
          <FormTextField
            control={control}
            name="cardNumber"
            label="Card number"
            className="card-number"
            format={formatCardNumber}
            onBlur={() => digits.length > 0 && setBlurred(true)}
            issue={numberIssue ?? null}
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
          <FormTextField control={control} name="expiry" label="Expiry (MM/YY)" format={formatExpiry} inputMode="numeric" maxLength={7} placeholder="MM/YY" />
          <FormTextField control={control} name="billingZip" label="Billing ZIP" inputMode="numeric" maxLength={10} />
          <FormTextField control={control} name="holderName" label="Name on the card" maxLength={110} />
        </div>
        {!online && <Notice tone="warn">Offline: replacing a card needs the central store. This form sends nothing until the status bar says Online.</Notice>}
        {online && callerMissing && <Notice tone="warn">The caller&rsquo;s verification ran out: verify them again (Alt+V) before replacing the card.</Notice>}
        <FormRefusal form={domain} />
        <div className="edit-actions">
          <Button type="submit" variant="primary" busy={domain.busy} disabled={!online || callerMissing} shortcut="Enter">
            Replace card
          </Button>
          <Button onClick={() => (clearNumber(), props.onDone(null))} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </div>
    </form>
  );
}
