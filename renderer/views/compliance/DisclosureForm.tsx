import { useEffect } from 'react';
import { useController } from 'react-hook-form';
import type { SearchHit } from '../../../domain/console/contract';
import { DISCLOSABLE_FIELDS, LEGAL_BASIS_RULES, disclosureFieldIssues } from '../../../domain/disclosure';
import { DisclosurePrepareRequest, LEGAL_BASES, type DisclosableFieldName, type DisclosureRecord, type LegalBasis } from '../../../domain/entities/compliance';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { FieldError } from '../../components/FieldError';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { closeOnEscape } from '../../hooks/useHotkeys';
import { CustomerPicker } from '../holds/CustomerPicker';

/** The one disclosure being prepared on this desk, kept by the core as it is typed (its id is made with the form). */
export const NEW_DISCLOSURE_DRAFT = '00000000-0000-0000-0000-000000000000:newDisclosure';

/** The form as it is filled in: nothing chosen yet is an empty string; the picked customer is kept to show it again after a lock. */
interface Draft {
  id: string;
  customer: SearchHit | null;
  requester: string;
  legalBasis: LegalBasis | '';
  fieldsDisclosed: DisclosableFieldName[];
  documentReference: string;
  nonDisclosureOrder: boolean;
}

const LEFT_EMPTY: Partial<Record<string, string>> = { customerId: 'pick the customer the disclosure is about', legalBasis: 'choose the legal basis of the request', fieldsDisclosed: 'tick at least one item the basis allows' };

const requestOf = (draft: Draft) => ({ ...draft, customer: undefined, customerId: draft.customer?.id, legalBasis: draft.legalBasis || undefined });

/** By the operation's own schema (DisclosurePrepareRequest) and the basis's limit (domain/disclosure.ts), as the store judges it. */
function prepareIssues(draft: Draft): FieldIssue[] {
  const { customer: _picked, ...request } = requestOf(draft);
  const parsed = DisclosurePrepareRequest.safeParse(request);
  const issues = parsed.success ? [] : issuesFromZod(parsed.error);
  if (draft.legalBasis) issues.push(...disclosureFieldIssues(draft.legalBasis, draft.fieldsDisclosed));
  return issues.map((issue) => {
    const field = issue.field.startsWith('fieldsDisclosed') ? 'fieldsDisclosed' : issue.field;
    const empty = field === 'customerId' ? !draft.customer : field === 'fieldsDisclosed' ? draft.fieldsDisclosed.length === 0 : draft[field as keyof Draft] === '';
    return { ...issue, field, message: empty && LEFT_EMPTY[field] ? LEFT_EMPTY[field] : issue.message };
  });
}

const BASIS_OPTIONS = [{ value: '', label: 'Choose the legal basis…' }, ...LEGAL_BASES.map((basis) => ({ value: basis, label: LEGAL_BASIS_RULES[basis].label }))];

/**
 * A legal disclosure recorded before anything leaves (disclosure.prepare, online): the customer found
 * with the console's search, who asks, on which legal basis — which decides the items offered, and
 * only those (domain/disclosure.ts) —, the document it rests on and whether a non-disclosure order
 * applies. Another compliance officer approves it; only then does the central store release the items.
 */
export function DisclosureForm({ onDone }: { onDone: (prepared: { record: DisclosureRecord; customerName: string } | null) => void }) {
  const domain = useDomainForm<Draft>({
    draft: NEW_DISCLOSURE_DRAFT,
    defaultValues: { id: crypto.randomUUID(), customer: null, requester: '', legalBasis: '', fieldsDisclosed: [], documentReference: '', nonDisclosureOrder: false },
    check: prepareIssues,
    fieldOf: (issue) => (issue.field === 'customerId' ? 'customer' : issue.field.startsWith('fieldsDisclosed') ? 'fieldsDisclosed' : issue.field),
    shows: (field) => ['customer', 'requester', 'legalBasis', 'fieldsDisclosed', 'documentReference', 'nonDisclosureOrder'].includes(field),
    refusal: 'Not recorded',
  });
  const { control } = domain;
  const customer = useController({ control, name: 'customer' }).field;
  const basis = useController({ control, name: 'legalBasis' }).field.value;
  const items = useController({ control, name: 'fieldsDisclosed' }).field;
  const offered = basis ? LEGAL_BASIS_RULES[basis].fields : [];
  const itemsIssue = domain.issueFor('fieldsDisclosed');
  // another basis offers other items: a ticked item it does not allow is unticked, never sent
  const { value: ticked, onChange: tick } = items;
  useEffect(() => {
    const allowed = ticked.filter((f) => (offered as readonly string[]).includes(f));
    if (allowed.length !== ticked.length) tick(allowed);
  }, [offered, ticked, tick]);

  const submit = domain.submit(async (draft) => {
    const { customer: _picked, ...request } = requestOf(draft);
    try {
      const { record } = await invoke('disclosure.prepare', DisclosurePrepareRequest.parse(request));
      domain.forgetDraft();
      onDone({ record, customerName: draft.customer?.name ?? 'the customer' });
    } catch (err) {
      domain.refused(err);
    }
  });
  const cancel = () => (domain.forgetDraft(), onDone(null));

  return (
    <form className="disclosure-form" aria-label="Record a disclosure" onSubmit={submit} onKeyDown={closeOnEscape(cancel)} noValidate>
      <CustomerPicker label="Customer" autoFocus ref={customer.ref} picked={customer.value} onPick={(hit) => customer.onChange(hit)} issue={domain.issueFor('customer')} />
      <div className="edit-row">
        <FormTextField control={control} name="requester" label="Requester" placeholder="Who asks: the agency, the officer" maxLength={200} />
        <FormTextField control={control} name="documentReference" label="Document reference" placeholder="Subpoena or order number, letter" maxLength={200} />
      </div>
      <div className="edit-row">
        <FormSelectField control={control} name="legalBasis" label="Legal basis" options={BASIS_OPTIONS} className="disclosure-basis" />
        <p className="field-hint disclosure-authority">{basis ? LEGAL_BASIS_RULES[basis].authority : 'It decides which items may be disclosed.'}</p>
      </div>
      <fieldset className="disclosure-items" aria-describedby={itemsIssue ? 'disclosure-items-error' : undefined} aria-invalid={itemsIssue ? true : undefined}>
        <legend>Items disclosed</legend>
        {offered.length === 0 && <p className="muted">Choose the legal basis first: it decides which items are offered.</p>}
        {offered.map((field, i) => (
          <label key={field} className="check">
            <input
              type="checkbox"
              ref={i === 0 ? items.ref : undefined}
              checked={items.value.includes(field)}
              onChange={(e) => items.onChange(e.target.checked ? [...items.value, field] : items.value.filter((f) => f !== field))}
            />
            <span>
              {DISCLOSABLE_FIELDS[field].label} <span className="muted">— {DISCLOSABLE_FIELDS[field].holds}</span>
            </span>
          </label>
        ))}
        {itemsIssue && <FieldError id="disclosure-items-error" issue={itemsIssue} />}
      </fieldset>
      <label className="check">
        <input type="checkbox" {...domain.form.register('nonDisclosureOrder')} />
        <span>A non-disclosure order applies: the customer is not told (their subject access report leaves it out)</span>
      </label>
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="shield" busy={domain.busy}>
          Record for approval
        </Button>
        <Button onClick={cancel} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
