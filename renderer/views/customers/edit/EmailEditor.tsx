import { FormTextField } from '../../../components/FormField';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

export function EmailEditor({ customer, onSave, onClose }: EditorProps) {
  const form = useEditForm({ values: { email: String(customer.email ?? '') }, changesOf: ({ email }) => ({ email }), shows: (field) => field === 'email', onSave, onClose });
  return (
    <EditFrame form={form.frame} label="Edit email">
      <FormTextField control={form.control} name="email" label="Email" inputMode="email" autoFocus maxLength={260} />
    </EditFrame>
  );
}
