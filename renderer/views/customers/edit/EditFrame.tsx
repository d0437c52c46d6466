import { useId, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from '../../../components/Button';
import { FormTextField } from '../../../components/FormField';
import { Notice } from '../../../components/Notice';
import type { EditForm } from './useEditForm';

const REASONS = ['Caller asked to correct it', 'Caller has a new number', 'Caller moved', 'Caller changed their preferences', 'Typing error in the record'];

/** The common frame of every inline edit: the fields, the required reason, save and cancel. Esc cancels. */
export function EditFrame({ form, label, children }: { form: EditForm; label: string; children: ReactNode }) {
  const listId = useId();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      form.cancel();
    }
  };
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
          {REASONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <div className="edit-actions">
          <Button type="submit" variant="primary" busy={form.busy} shortcut="Enter">
            Save
          </Button>
          <Button onClick={form.cancel} shortcut="Esc">
            Cancel
          </Button>
        </div>
      </div>
      {form.formError && (
        <Notice tone="bad" assertive>
          {form.formError}
          {form.otherIssues.map((i) => (
            <span key={i.field + i.rule} className="notice-detail">
              {i.message} <code className="rule">{i.rule}</code>
            </span>
          ))}
        </Notice>
      )}
    </form>
  );
}
