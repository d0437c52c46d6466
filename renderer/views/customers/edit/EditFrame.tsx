import { useContext, useId, type ReactNode } from 'react';
import { HoldsUnverified } from '../UnverifiedHold';
import { Button } from '../../../components/Button';
import { FormTextField } from '../../../components/FormField';
import { FormRefusal } from '../../../components/Notice';
import type { EditForm } from './useEditForm';
import { closeOnEscape } from '../../../hooks/useHotkeys';

const EDIT_REASONS = ['Caller asked to correct it', 'Caller has a new number', 'Caller moved', 'Caller changed their preferences', 'Typing error in the record'];

/** The common frame of every inline edit: the fields, the required reason (with suggestions that fit the form), save and cancel. Esc cancels. */
export function EditFrame({ form, label, children, reasons = EDIT_REASONS, saveLabel }: { form: EditForm; label: string; children: ReactNode; reasons?: readonly string[]; saveLabel?: string }) {
  const listId = useId();
  const onKeyDown = closeOnEscape(form.cancel);
  // issue 16: offline with no verified caller, saving holds the correction unverified
  const holds = useContext(HoldsUnverified);
  return (
    <form className="edit-form" aria-label={label} onSubmit={form.submit} onKeyDown={onKeyDown} noValidate>
      <div className="edit-fields">{children}</div>
      <div className="edit-footer">
        <FormTextField
          control={form.control}
          name="reason"
          label="Reason for the change"
          className="edit-reason"
          list={listId}
          placeholder="Why is this being changed?"
          maxLength={500}
          required
        />
        <datalist id={listId}>
          {reasons.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <div className="edit-actions">
          <Button type="submit" variant="primary" busy={form.busy} shortcut="Enter">
            {saveLabel ?? (holds ? 'Hold, unverified' : 'Save')}
          </Button>
          <Button onClick={form.cancel} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </div>
      <FormRefusal form={form} />
    </form>
  );
}
