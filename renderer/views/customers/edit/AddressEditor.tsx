import { useId } from 'react';
import type { EntityName } from '../../../../domain/entities';
import type { FieldIssue } from '../../../../domain/errors';
import { US_STATES } from '../../../../domain/validation/address';
import { FieldError } from '../../../components/FieldError';
import { FormSelectField, FormTextField } from '../../../components/FormField';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

const STATE_OPTIONS = [{ value: '', label: 'Choose…' }, ...US_STATES.map((s) => ({ value: s as string, label: s as string }))];

const ROW_LABELS = { city: 'City', state: 'State', zip: 'ZIP' } as const;
const PARTS = ['line1', 'line2', 'city', 'state', 'zip'] as const;

/** Errors of a row of fields sit under the row, so each says which field it is about. */
function named(label: string, issue: FieldIssue): FieldIssue {
  return issue.message.toLowerCase().includes(label.toLowerCase()) ? issue : { ...issue, message: `${label}: ${issue.message}` };
}

type AddressPath = 'serviceAddress' | 'mailingAddress' | 'billingAddress';
type AddressDraft = Record<(typeof PARTS)[number], string>;

/** A postal address in place; `customer` is the record holding it (a billing account for the billing address). */
export function AddressEditor({ customer, onSave, onClose, path, label, entity }: EditorProps & { path: AddressPath; label: string; entity?: EntityName }) {
  const rowErrors = useId();
  const current = (customer[path] ?? {}) as Partial<AddressDraft>;
  const form = useEditForm<Record<AddressPath, AddressDraft>>({
    values: { [path]: Object.fromEntries(PARTS.map((part) => [part, current[part] ?? ''])) } as Record<AddressPath, AddressDraft>,
    changesOf: (values) => {
      const { line2, ...rest } = values[path];
      return { [path]: line2.trim() ? { ...rest, line2 } : rest };
    },
    shows: (field) => PARTS.some((part) => field === `${path}.${part}`),
    onSave,
    onClose,
    entity,
  });
  const control = form.control;
  const rowIssues = (['city', 'state', 'zip'] as const).map((name) => ({ name, issue: form.issueFor(`${path}.${name}`) }));

  return (
    <EditFrame form={form.frame} label={`Edit ${label.toLowerCase()}`}>
      <FormTextField control={control} name={`${path}.line1`} label="Address line 1" autoFocus maxLength={120} />
      <FormTextField control={control} name={`${path}.line2`} label="Address line 2 (optional)" maxLength={120} />
      <div>
        <div className="edit-row address-row">
          <FormTextField control={control} name={`${path}.city`} label="City" errorId={`${rowErrors}-city`} maxLength={80} className="grow" />
          <FormSelectField control={control} name={`${path}.state`} label="State" options={STATE_OPTIONS} errorId={`${rowErrors}-state`} className="state" />
          <FormTextField control={control} name={`${path}.zip`} label="ZIP" inputMode="numeric" errorId={`${rowErrors}-zip`} maxLength={10} className="zip" />
        </div>
        {rowIssues.map(({ name, issue }) => (
          <FieldError key={name} id={`${rowErrors}-${name}`} issue={issue && named(ROW_LABELS[name], issue)} />
        ))}
      </div>
    </EditFrame>
  );
}
