import { useDomainForm } from '../../../hooks/useDomainForm';
import { reasonIssue } from './rules';

/** A form whose one field is the reason a user gives (filing a request, deciding one), checked by the contract's reason rule. */
export function useReasonForm(refusal: string) {
  return useDomainForm<{ reason: string }>({
    defaultValues: { reason: '' },
    check: (v) => {
      const issue = reasonIssue(v.reason);
      return issue ? [issue] : [];
    },
    shows: (field) => field === 'reason',
    refusal,
  });
}
