import { useMemo, useState } from 'react';
import { CONSENT_KEYS, CONSENT_LABELS, type ConsentKey } from '../../../../domain/entities/customer';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

/** Consents change one key at a time (two reps recording different opt-outs do not conflict). */
export function ConsentsEditor({ customer, onSave, onClose }: EditorProps) {
  const current = (customer.consents ?? {}) as Partial<Record<ConsentKey, boolean>>;
  const [draft, setDraft] = useState<Record<ConsentKey, boolean>>(() => Object.fromEntries(CONSENT_KEYS.map((k) => [k, current[k] === true])) as Record<ConsentKey, boolean>);
  const changes = useMemo(() => Object.fromEntries(CONSENT_KEYS.filter((k) => draft[k] !== current[k]).map((k) => [`consents.${k}`, draft[k]])), [draft, current]);
  const form = useEditForm({ changes, fields: CONSENT_KEYS.map((k) => `consents.${k}`), onSave, onClose });
  return (
    <EditFrame form={form} label="Edit consents">
      <fieldset className="consent-edit">
        <legend className="sr-only">The customer agrees to</legend>
        {CONSENT_KEYS.map((key, i) => (
          <label key={key} className="check">
            <input type="checkbox" checked={draft[key]} autoFocus={i === 0} onChange={(e) => (setDraft((d) => ({ ...d, [key]: e.target.checked })), form.touch(`consents.${key}`))} />
            <span>{CONSENT_LABELS[key]}</span>
          </label>
        ))}
      </fieldset>
    </EditFrame>
  );
}
