import { useMemo, useRef, useState } from 'react';
import { PHONE_KINDS } from '../../../../domain/entities/customer';
import { Button } from '../../../components/Button';
import { FieldError } from '../../../components/FieldError';
import { SelectField } from '../../../components/SelectField';
import { TextField } from '../../../components/TextField';
import { PHONE_KIND_LABELS, phone } from '../../../format';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';
import { useFocusAfterRender } from '../../../hooks/useFocusAfterRender';

type Kind = (typeof PHONE_KINDS)[number];
interface Row {
  key: number;
  kind: Kind;
  number: string;
}
const KIND_OPTIONS = PHONE_KINDS.map((k) => ({ value: k, label: PHONE_KIND_LABELS[k] ?? k }));

/** Phones as the rep reads them back to the caller; the domain turns them into E.164 on save. */
export function PhonesEditor({ customer, onSave, onClose }: EditorProps) {
  const nextKey = useRef(0);
  const initial = Array.isArray(customer.phones) ? (customer.phones as { kind: Kind; number: string }[]) : [];
  const [rows, setRows] = useState<Row[]>(() => initial.map((p) => ({ key: nextKey.current++, kind: p.kind, number: phone(p.number) })));
  const changes = useMemo(() => ({ phones: rows.map(({ kind, number }) => ({ kind, number })) }), [rows]);
  const fields = useMemo(() => ['phones', ...rows.flatMap((_, i) => [`phones.${i}.number`, `phones.${i}.kind`])], [rows]);
  const form = useEditForm({ changes, fields, onSave, onClose });
  const lastInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();

  const set = (index: number, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r, i) => (i === index ? { ...r, ...patch } : r)));
    form.touch(`phones.${index}.${patch.kind ? 'kind' : 'number'}`);
  };
  const add = () => {
    setRows((rs) => [...rs, { key: nextKey.current++, kind: 'mobile', number: '' }]);
    focusAfterRender(() => lastInput.current);
  };
  const remove = (index: number) => {
    setRows((rs) => rs.filter((_, i) => i !== index));
    form.touch('phones');
  };

  return (
    <EditFrame form={form} label="Edit phones">
      <FieldError id="phones-error" issue={form.issueFor('phones')} />
      {rows.map((row, i) => (
        <div key={row.key}>
        <div className="edit-row phone-row">
          <SelectField label={`Phone ${i + 1} kind`} hideLabel value={row.kind} options={KIND_OPTIONS} onValue={(kind) => set(i, { kind })} issue={form.issueFor(`phones.${i}.kind`)} className="phone-kind" />
          <TextField
            label={`Phone ${i + 1} number`}
            hideLabel
            inputMode="tel"
            value={row.number}
            onValue={(number) => set(i, { number })}
            issue={form.issueFor(`phones.${i}.number`)}
            errorId={`phone-${row.key}-error`}
            autoFocus={i === 0}
            ref={i === rows.length - 1 ? lastInput : undefined}
            placeholder="(212) 555-0143"
            className="phone-number"
          />
          <Button variant="ghost" icon="trash" onClick={() => remove(i)} disabled={rows.length <= 1} className="icon-only" title={`Remove phone ${i + 1}`}>
            <span className="sr-only">Remove phone {i + 1}</span>
          </Button>
        </div>
        <FieldError id={`phone-${row.key}-error`} issue={form.issueFor(`phones.${i}.number`)} />
        </div>
      ))}
      <div>
        <Button variant="ghost" icon="plus" onClick={add} disabled={rows.length >= 5}>
          Add a phone
        </Button>
      </div>
    </EditFrame>
  );
}
