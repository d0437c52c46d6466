import { useMemo, useState } from 'react';
import { TextField } from '../../../components/TextField';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

export function EmailEditor({ customer, onSave, onClose }: EditorProps) {
  const [email, setEmail] = useState(String(customer.email ?? ''));
  const changes = useMemo(() => ({ email }), [email]);
  const form = useEditForm({ changes, fields: ['email'], onSave, onClose });
  return (
    <EditFrame form={form} label="Edit email">
      <TextField label="Email" inputMode="email" value={email} onValue={(v) => (setEmail(v), form.touch('email'))} issue={form.issueFor('email')} autoFocus maxLength={260} />
    </EditFrame>
  );
}
