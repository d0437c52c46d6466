import { CONSENT_KEYS, CONSENT_LABELS, type ConsentKey } from '../../../../domain/entities/customer';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

/** Consents change one key at a time (two reps recording different opt-outs do not conflict). */
export function ConsentsEditor({ customer, onSave, onClose }: EditorProps) {
  const current = (customer.consents ?? {}) as Partial<Record<ConsentKey, boolean>>;
  const form = useEditForm<{ consents: Record<ConsentKey, boolean> }>({
    values: { consents: Object.fromEntries(CONSENT_KEYS.map((k) => [k, current[k] === true])) as Record<ConsentKey, boolean> },
    changesOf: ({ consents }) => Object.fromEntries(CONSENT_KEYS.filter((k) => consents[k] !== current[k]).map((k) => [`consents.${k}`, consents[k]])),
    shows: (field) => CONSENT_KEYS.some((k) => field === `consents.${k}`),
    onSave,
    onClose,
  });
  return (
    <EditFrame form={form.frame} label="Edit consents">
      <fieldset className="consent-edit">
        <legend className="sr-only">The customer agrees to</legend>
        {CONSENT_KEYS.map((key, i) => (
          <label key={key} className="check">
            <input type="checkbox" autoFocus={i === 0} {...form.form.register(`consents.${key}`)} />
            <span>{CONSENT_LABELS[key]}</span>
          </label>
        ))}
      </fieldset>
    </EditFrame>
  );
}
