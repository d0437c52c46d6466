import { useMemo, useState } from 'react';
import { TextField } from '../../../components/TextField';
import { EditFrame } from './EditFrame';
import { useEditForm } from './useEditForm';
import type { EditorProps } from './editorProps';

export function NameEditor({ customer, onSave, onClose }: EditorProps) {
  const [firstName, setFirst] = useState(String(customer.firstName ?? ''));
  const [lastName, setLast] = useState(String(customer.lastName ?? ''));
  const changes = useMemo(() => ({ firstName, lastName }), [firstName, lastName]);
  const form = useEditForm({ changes, fields: ['firstName', 'lastName'], onSave, onClose });
  return (
    <EditFrame form={form} label="Edit name">
      <div className="edit-row">
        <TextField label="First name" value={firstName} onValue={(v) => (setFirst(v), form.touch('firstName'))} issue={form.issueFor('firstName')} autoFocus maxLength={120} />
        <TextField label="Last name" value={lastName} onValue={(v) => (setLast(v), form.touch('lastName'))} issue={form.issueFor('lastName')} maxLength={120} />
      </div>
    </EditFrame>
  );
}
