import { FormTextField } from '../../../components/FormField';
import { EditFrame } from './EditFrame';
import type { EditorProps } from './editorProps';
import { useEditForm } from './useEditForm';

const FIELDS = ['firstName', 'lastName'];

export function NameEditor({ customer, onSave, onClose }: EditorProps) {
  const form = useEditForm({
    values: { firstName: String(customer.firstName ?? ''), lastName: String(customer.lastName ?? '') },
    changesOf: ({ firstName, lastName }) => ({ firstName, lastName }),
    shows: (field) => FIELDS.includes(field),
    onSave,
    onClose,
  });
  return (
    <EditFrame form={form.frame} label="Edit name">
      <div className="edit-row">
        <FormTextField control={form.control} name="firstName" label="First name" autoFocus maxLength={120} />
        <FormTextField control={form.control} name="lastName" label="Last name" maxLength={120} />
      </div>
    </EditFrame>
  );
}
