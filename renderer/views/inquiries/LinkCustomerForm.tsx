import { useCallback, useEffect, useRef, useState } from 'react';
import { useController } from 'react-hook-form';
import type { SearchHit } from '../../../domain/console/contract';
import { Inquiry } from '../../../domain/entities/prospects';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { ChangeReason } from '../../../domain/validation/text';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { useRecordChange } from '../../hooks/useRecordChange';
import { CustomerPicker } from '../holds/CustomerPicker';
import { closeOnEscape } from '../../hooks/useHotkeys';

/** What linking takes: the inquiry's own customer field, by the entity's rule, and the reason every change carries. */
const LinkCustomer = Inquiry.pick({ customerId: true }).extend({ reason: ChangeReason });
type Draft = { customerId: string; reason: string };

function linkIssues(draft: Draft): FieldIssue[] {
  const parsed = LinkCustomer.safeParse({ ...draft, customerId: draft.customerId || undefined });
  if (parsed.success) return [];
  // the rule stays the domain's; the form says what to do about an empty pick
  return issuesFromZod(parsed.error).map((issue) => (issue.field === 'customerId' && !draft.customerId ? { ...issue, message: 'pick the customer who wrote this inquiry' } : issue));
}

/**
 * Links an inquiry to the customer who wrote it (inquiry.linkCustomer, queued on this desk like any
 * change), found with the console's search. Only the link is made: the return address is copied
 * nowhere, the customer's email on file stays as it is.
 */
export function LinkCustomerForm({ inquiryId, subject, relinking, onDone }: { inquiryId: string; subject: string; relinking: boolean; onDone: (linked: boolean) => void }) {
  const change = useRecordChange();
  const [customer, setCustomer] = useState<SearchHit | null>(null);
  const domain = useDomainForm<Draft>({ defaultValues: { customerId: '', reason: '' }, check: linkIssues, shows: (field) => field in LinkCustomer.shape, refusal: 'Not linked' });
  const customerId = useController({ control: domain.control, name: 'customerId' }).field;
  const picker = useRef<HTMLInputElement | null>(null);
  const bind = customerId.ref;
  const pickerRef = useCallback(
    (element: HTMLInputElement | null) => {
      picker.current = element;
      bind(element);
    },
    [bind],
  );
  // the form opens on the customer to find
  useEffect(() => picker.current?.focus(), []);

  const link = domain.submit(async (draft) => {
    const { customerId: id, reason } = LinkCustomer.parse(draft);
    try {
      await change({ operation: 'inquiry.linkCustomer', id: inquiryId, values: { customerId: id }, reason });
      onDone(true);
    } catch (err) {
      domain.refused(err);
    }
  });

  const onKeyDown = closeOnEscape(() => onDone(false));

  return (
    <form className="inquiry-form" aria-label={`Link “${subject}” to a customer`} onSubmit={link} onKeyDown={onKeyDown} noValidate>
      <CustomerPicker
        label={relinking ? 'Link to another customer' : 'Customer who wrote this'}
        ref={pickerRef}
        picked={customer}
        onPick={(hit) => {
          setCustomer(hit);
          customerId.onChange(hit?.id ?? '');
        }}
        issue={domain.issueFor('customerId')}
      />
      <p className="muted small">Linking attaches this inquiry to the customer's record. The return address is not copied: the customer's email on file stays as it is.</p>
      <FormTextField control={domain.control} name="reason" label="Reason for the link" placeholder="Caller confirmed they sent it…" maxLength={500} />
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="users" busy={domain.busy}>
          Link the customer
        </Button>
        <Button onClick={() => onDone(false)} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
