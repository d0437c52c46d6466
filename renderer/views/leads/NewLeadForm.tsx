import { useId } from 'react';
import { Lead } from '../../../domain/entities/prospects';
import type { FieldIssue } from '../../../domain/errors';
import { OPERATIONS } from '../../../domain/operations';
import { ChangeReason } from '../../../domain/validation/text';
import { AddressFields, addressOf, type AddressDraft } from '../../components/AddressFields';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { useRecordChange } from '../../hooks/useRecordChange';
import { domainIssues } from './domainIssues';
import { closeOnEscape } from '../../hooks/useHotkeys';

const CREATE = OPERATIONS['lead.create'];
type CreatedField = (typeof CREATE.fields)[number];

/** What creating a lead takes: the fields its operation declares, by the entity's own rules, and the reason every change carries. */
const NewLead = Lead.pick(Object.fromEntries(CREATE.fields.map((field) => [field, true])) as Record<CreatedField, true>).extend({ reason: ChangeReason });

/** The form as it is filled in: the services asked about typed as one list, separated by commas. */
interface LeadDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  mailingAddress: AddressDraft;
  location: string;
  requestedServices: string;
  reason: string;
}

const servicesOf = (typed: string) =>
  typed
    .split(',')
    .map((service) => service.trim())
    .filter(Boolean);
const valuesOf = (draft: LeadDraft) => ({ ...draft, mailingAddress: addressOf(draft.mailingAddress), requestedServices: servicesOf(draft.requestedServices) });

const shortened = (text: string) => (text.length > 24 ? `${text.slice(0, 23)}…` : text);

/** One service's issue (too long, say) shows on the list's field, naming which service it is. */
function leadIssues(draft: LeadDraft): FieldIssue[] {
  const services = servicesOf(draft.requestedServices);
  return domainIssues(NewLead, valuesOf(draft), { requestedServices: ['service the prospect asked about', 'services'] }).map((issue) => {
    const item = /^requestedServices\.(\d+)$/.exec(issue.field);
    return item ? { ...issue, field: 'requestedServices', message: `“${shortened(services[Number(item[1])] ?? '')}”: ${issue.message}` } : issue;
  });
}

const fieldOf = (issue: FieldIssue) => (issue.field.startsWith('requestedServices') ? 'requestedServices' : issue.field);
const EMPTY: LeadDraft = {
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  mailingAddress: { line1: '', line2: '', city: '', state: '', zip: '' },
  location: '',
  requestedServices: '',
  reason: '',
};
/** The one new lead being typed on this desk, kept by the core as it is typed (no lead id exists before it is created). */
export const NEW_LEAD_DRAFT = '00000000-0000-0000-0000-000000000000:newLead';
const REASONS = ['Prequalification call', 'Quote call', 'Prospect asked to be called back'];

/**
 * A prospect on a prequalification or quote call (lead.create): the fields the operation declares,
 * checked by the domain's rules as they are typed, and the reason. An offline create: queued on this
 * desk like any change, stored by the central store when it is reached.
 */
export function NewLeadForm({ onDone }: { onDone: (created: { id: string; name: string } | null) => void }) {
  const change = useRecordChange();
  const reasons = useId();
  const domain = useDomainForm<LeadDraft>({
    draft: NEW_LEAD_DRAFT,
    defaultValues: EMPTY,
    check: leadIssues,
    fieldOf,
    shows: (field) => field in NewLead.shape || field.startsWith('mailingAddress.'),
    refusal: 'Not created',
  });
  const { control } = domain;

  const submit = domain.submit(async (draft) => {
    const { reason, ...values } = NewLead.parse(valuesOf(draft));
    try {
      const { id } = await change({ operation: 'lead.create', values: Object.fromEntries(CREATE.fields.map((field) => [field, values[field]])), reason });
      domain.forgetDraft();
      onDone({ id, name: `${values.firstName} ${values.lastName}` });
    } catch (err) {
      domain.refused(err);
    }
  });

  const cancel = () => (domain.forgetDraft(), onDone(null));
  const onKeyDown = closeOnEscape(cancel);

  return (
    <form className="lead-form" aria-label="New lead" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <div className="edit-row">
        <FormTextField control={control} name="firstName" label="First name" autoFocus maxLength={100} />
        <FormTextField control={control} name="lastName" label="Last name" maxLength={100} />
        <FormTextField control={control} name="phone" label="Phone" inputMode="tel" placeholder="(415) 555-0142" hint="As the prospect says it" maxLength={40} />
      </div>
      <div className="edit-row">
        <FormTextField control={control} name="email" label="Email" type="email" maxLength={254} />
        <FormTextField control={control} name="location" label="Location (optional)" placeholder="Oakland, CA" maxLength={100} />
      </div>
      <AddressFields control={control} path="mailingAddress" legend="Mailing address" issueFor={domain.issueFor} wide />
      <div className="edit-row">
        <FormTextField control={control} name="requestedServices" label="Services asked about" placeholder="Business VoIP, Number porting" hint="Separated by commas" maxLength={700} />
        <FormTextField control={control} name="reason" label="Reason" list={reasons} placeholder="Prequalification call" maxLength={500} />
      </div>
      <datalist id={reasons}>
        {REASONS.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="plus" busy={domain.busy} shortcut="Enter">
          Create the lead
        </Button>
        <Button onClick={cancel} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
