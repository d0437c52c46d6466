import { useId, useMemo, useState } from 'react';
import type { EntityName } from '../../../../domain/entities';
import type { FieldIssue } from '../../../../domain/errors';
import { US_STATES } from '../../../../domain/validation/address';
import { FieldError } from '../../../components/FieldError';
import { SelectField } from '../../../components/SelectField';
import { TextField } from '../../../components/TextField';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

const STATE_OPTIONS = [{ value: '', label: 'Choose…' }, ...US_STATES.map((s) => ({ value: s as string, label: s as string }))];

const ROW_LABELS = { city: 'City', state: 'State', zip: 'ZIP' } as const;

/** Errors of a row of fields sit under the row, so each says which field it is about. */
function named(label: string, issue: FieldIssue): FieldIssue {
  return issue.message.toLowerCase().includes(label.toLowerCase()) ? issue : { ...issue, message: `${label}: ${issue.message}` };
}

interface AddressDraft {
  line1: string;
  line2: string;
  city: string;
  state: string;
  zip: string;
}

/** A postal address in place; `customer` is the record holding it (a billing account for the billing address). */
export function AddressEditor({ customer, onSave, onClose, path, label, entity }: EditorProps & { path: 'serviceAddress' | 'mailingAddress' | 'billingAddress'; label: string; entity?: EntityName }) {
  const rowErrors = useId();
  const current = (customer[path] ?? {}) as Partial<AddressDraft>;
  const [draft, setDraft] = useState<AddressDraft>({
    line1: current.line1 ?? '',
    line2: current.line2 ?? '',
    city: current.city ?? '',
    state: current.state ?? '',
    zip: current.zip ?? '',
  });
  const changes = useMemo(() => {
    const { line2, ...rest } = draft;
    return { [path]: line2.trim() ? { ...rest, line2 } : rest };
  }, [draft, path]);
  const fields = useMemo(() => ['line1', 'line2', 'city', 'state', 'zip'].map((f) => `${path}.${f}`), [path]);
  const form = useEditForm({ changes, fields, onSave, onClose, entity });
  const field = (name: keyof AddressDraft) => ({
    value: draft[name],
    onValue: (value: string) => {
      setDraft((d) => ({ ...d, [name]: value }));
      form.touch(`${path}.${name}`);
    },
    issue: form.issueFor(`${path}.${name}`),
  });
  const rowIssues = (['city', 'state', 'zip'] as const).map((name) => ({ name, issue: form.issueFor(`${path}.${name}`) }));

  return (
    <EditFrame form={form} label={`Edit ${label.toLowerCase()}`}>
      <TextField label="Address line 1" {...field('line1')} autoFocus maxLength={120} />
      <TextField label="Address line 2 (optional)" {...field('line2')} maxLength={120} />
      <div>
        <div className="edit-row address-row">
          <TextField label="City" {...field('city')} errorId={`${rowErrors}-city`} maxLength={80} className="grow" />
          <SelectField label="State" options={STATE_OPTIONS} {...field('state')} errorId={`${rowErrors}-state`} className="state" />
          <TextField label="ZIP" inputMode="numeric" {...field('zip')} errorId={`${rowErrors}-zip`} maxLength={10} className="zip" />
        </div>
        {rowIssues.map(({ name, issue }) => (
          <FieldError key={name} id={`${rowErrors}-${name}`} issue={issue && named(ROW_LABELS[name], issue)} />
        ))}
      </div>
    </EditFrame>
  );
}
