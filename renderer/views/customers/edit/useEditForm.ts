import type { BaseSyntheticEvent } from 'react';
import type { Control, DefaultValues, FieldValues } from 'react-hook-form';
import type { FieldIssue } from '../../../../domain/errors';
import type { EntityName } from '../../../../domain/entities';
import { useDomainForm } from '../../../hooks/useDomainForm';
import { useDraftKey } from '../../../hooks/useWorkspace';
import { changeIssues, reasonIssue } from './rules';

type WithReason<V> = V & { reason: string };

export interface EditFormOptions<V extends FieldValues> {
  /** the values as the editor's fields hold them (the reason is added) */
  values: V;
  /** the mutation's changes from what the fields hold */
  changesOf: (values: V) => Record<string, unknown>;
  /** the field keys this form shows an input for; issues of other fields are listed under the form */
  shows: (field: string) => boolean;
  onSave: (changes: Record<string, unknown>, reason: string) => Promise<unknown>;
  onClose: (saved: boolean) => void;
  /** whose rules the values are checked with (a customer unless said otherwise) */
  entity?: EntityName;
}

/**
 * An inline edit: a react-hook-form over the domain's rules for the changed fields (domain/mutations,
 * domain/validation) and the contract's reason, so nothing is sent (nothing queued) while a rule is
 * broken; a refusal from the core lands on the fields it names.
 */
export function useEditForm<V extends FieldValues>({ values, changesOf, shows, onSave, onClose, entity = 'customer' }: EditFormOptions<V>) {
  // what is typed is kept by the core under the editor's key until it is saved or cancelled (issue 13)
  const domain = useDomainForm<WithReason<V>>({
    draft: useDraftKey(),
    defaultValues: { ...values, reason: '' } as DefaultValues<WithReason<V>>,
    check: (v) => {
      const reason = reasonIssue(v.reason);
      return [...changeIssues(changesOf(v), entity), ...(reason ? [reason] : [])];
    },
    shows: (field) => field === 'reason' || shows(field),
    refusal: 'Not saved',
  });

  const close = (saved: boolean) => {
    domain.forgetDraft();
    onClose(saved);
  };

  const submit = domain.submit(async (v) => {
    try {
      await onSave(changesOf(v), v.reason.trim());
      close(true);
    } catch (err) {
      domain.refused(err);
    }
  });

  const frame: EditForm = {
    // every edit form holds a reason beside its own fields
    control: domain.control as unknown as Control<{ reason: string }>,
    submit,
    cancel: () => close(false),
    busy: domain.busy,
    formError: domain.formError,
    otherIssues: domain.otherIssues,
  };
  return { control: domain.control, issueFor: domain.issueFor, form: domain.form, frame };
}

/** What EditFrame needs of an edit: the reason, save and cancel, the notice. */
export interface EditForm {
  control: Control<{ reason: string }>;
  submit: (event?: BaseSyntheticEvent) => Promise<void>;
  cancel: () => void;
  busy: boolean;
  formError: string | null;
  otherIssues: FieldIssue[];
}
