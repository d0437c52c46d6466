import { useState } from 'react';
import { useController } from 'react-hook-form';
import type { SearchHit } from '../../../domain/console/contract';
import { LEGAL_HOLD_KINDS, LegalHold } from '../../../domain/entities/compliance';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { OPERATIONS } from '../../../domain/operations';
import { ChangeReason } from '../../../domain/validation/text';
import { Button } from '../../components/Button';
import { FormSelectField, FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { useRecordChange } from '../../hooks/useRecordChange';
import { CustomerPicker } from './CustomerPicker';
import { holdKindLabel } from './holdLabels';
import { closeOnEscape } from '../../hooks/useHotkeys';

const PLACE = OPERATIONS['legalHold.place'];
type PlacedField = (typeof PLACE.fields)[number];

/** What placing a hold takes: the fields its operation declares, by the entity's own rules, and the reason every change carries. */
const PlaceHold = LegalHold.pick(Object.fromEntries(PLACE.fields.map((field) => [field, true])) as Record<PlacedField, true>).extend({ reason: ChangeReason });

/** The form as it is filled in: nothing picked yet is an empty string. */
type Draft = Record<keyof typeof PlaceHold.shape, string>;

/** How this form words a rule broken by a field left empty; the rule stays the domain's. */
const LEFT_EMPTY: Partial<Record<keyof Draft, string>> = { customerId: 'pick the customer the hold is on', kind: 'choose what the hold is for' };

function placeIssues(draft: Draft): FieldIssue[] {
  const parsed = PlaceHold.safeParse({ ...draft, customerId: draft.customerId || undefined, kind: draft.kind || undefined });
  if (parsed.success) return [];
  return issuesFromZod(parsed.error).map((issue) => {
    const field = issue.field as keyof Draft;
    return draft[field] === '' && LEFT_EMPTY[field] ? { ...issue, message: LEFT_EMPTY[field] } : issue;
  });
}

const KIND_OPTIONS = [{ value: '', label: 'Choose the kind…' }, ...LEGAL_HOLD_KINDS.map((kind) => ({ value: kind, label: holdKindLabel(kind) }))];

/**
 * A legal hold placed by compliance (legalHold.place): the customer, found with the console's search,
 * what the hold is for, the request's or case's reference, and the reason. Checked by the domain's
 * rules as it is filled in; queued on this desk like any change and stored by the central store.
 */
export function PlaceHoldForm({ onDone }: { onDone: (placed: { id: string; customerName: string } | null) => void }) {
  const change = useRecordChange();
  const [customer, setCustomer] = useState<SearchHit | null>(null);
  const domain = useDomainForm<Draft>({
    defaultValues: { customerId: '', kind: '', reference: '', reason: '' },
    check: placeIssues,
    shows: (field) => field in PlaceHold.shape,
    refusal: 'Not placed',
  });
  const customerId = useController({ control: domain.control, name: 'customerId' }).field;

  const submit = domain.submit(async (draft) => {
    const { reason, ...values } = PlaceHold.parse(draft);
    try {
      const { id } = await change({ operation: 'legalHold.place', values: Object.fromEntries(PLACE.fields.map((field) => [field, values[field]])), reason });
      onDone({ id, customerName: customer?.name ?? 'the customer' });
    } catch (err) {
      domain.refused(err);
    }
  });

  const onKeyDown = closeOnEscape(() => onDone(null));

  return (
    <form className="hold-form" aria-label="Place a legal hold" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <CustomerPicker
        label="Customer"
        ref={customerId.ref}
        picked={customer}
        onPick={(hit) => {
          setCustomer(hit);
          customerId.onChange(hit?.id ?? '');
        }}
        issue={domain.issueFor('customerId')}
      />
      <div className="edit-row">
        <FormSelectField control={domain.control} name="kind" label="Kind" options={KIND_OPTIONS} className="hold-kind" />
        <FormTextField control={domain.control} name="reference" label="Reference" placeholder="Docket number, letter or case" maxLength={200} />
      </div>
      <FormTextField control={domain.control} name="reason" label="Reason for the hold" placeholder="Why is this hold placed?" maxLength={500} />
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="scale" busy={domain.busy}>
          Place the hold
        </Button>
        <Button onClick={() => onDone(null)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
