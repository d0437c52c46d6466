import { useFieldArray } from 'react-hook-form';
import { PHONE_KINDS } from '../../../../domain/entities/customer';
import { Button } from '../../../components/Button';
import { FieldError } from '../../../components/FieldError';
import { FormSelectField, FormTextField } from '../../../components/FormField';
import { PHONE_KIND_LABELS, phone } from '../../../format';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

type Kind = (typeof PHONE_KINDS)[number];
interface Row {
  kind: Kind;
  number: string;
}
const KIND_OPTIONS = PHONE_KINDS.map((k) => ({ value: k, label: PHONE_KIND_LABELS[k] ?? k }));

/** Phones as the rep reads them back to the caller; the domain turns them into E.164 on save. */
export function PhonesEditor({ customer, onSave, onClose }: EditorProps) {
  const initial = Array.isArray(customer.phones) ? (customer.phones as Row[]) : [];
  const form = useEditForm<{ phones: Row[] }>({
    values: { phones: initial.map((p) => ({ kind: p.kind, number: phone(p.number) })) },
    changesOf: ({ phones }) => ({ phones: phones.map(({ kind, number }) => ({ kind, number })) }),
    shows: (field) => field === 'phones' || /^phones\.\d+\.(number|kind)$/.test(field),
    onSave,
    onClose,
  });
  const rows = useFieldArray({ control: form.control, name: 'phones' });
  // a new row takes the focus at its number, where the rep types next
  const add = () => rows.append({ kind: 'mobile', number: '' }, { focusName: `phones.${rows.fields.length}.number` });

  return (
    <EditFrame form={form.frame} label="Edit phones">
      <FieldError id="phones-error" issue={form.issueFor('phones')} />
      {rows.fields.map((row, i) => (
        <div key={row.id}>
        <div className="edit-row phone-row">
          <FormSelectField control={form.control} name={`phones.${i}.kind`} label={`Phone ${i + 1} kind`} hideLabel options={KIND_OPTIONS} className="phone-kind" />
          <FormTextField
            control={form.control}
            name={`phones.${i}.number`}
            label={`Phone ${i + 1} number`}
            hideLabel
            inputMode="tel"
            errorId={`phone-${row.id}-error`}
            autoFocus={i === 0}
            placeholder="(212) 555-0143"
            className="phone-number"
          />
          <Button variant="ghost" icon="trash" onClick={() => rows.remove(i)} disabled={rows.fields.length <= 1} className="icon-only" title={`Remove phone ${i + 1}`}>
            <span className="sr-only">Remove phone {i + 1}</span>
          </Button>
        </div>
        <FieldError id={`phone-${row.id}-error`} issue={form.issueFor(`phones.${i}.number`)} />
        </div>
      ))}
      <div>
        <Button variant="ghost" icon="plus" onClick={add} disabled={rows.fields.length >= 5}>
          Add a phone
        </Button>
      </div>
    </EditFrame>
  );
}
