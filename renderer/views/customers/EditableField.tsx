import type { ReactNode, Ref } from 'react';
import { Button } from '../../components/Button';
import { ChangeMark } from './ChangeMark';
import type { Mark } from './changeMarks';

interface EditableFieldProps {
  label: string;
  mark: Mark | null;
  /** null when this role may not change the field */
  edit: { shortcut: string; locked: boolean; onEdit: () => void; buttonRef: Ref<HTMLButtonElement> } | null;
  editing: boolean;
  editor: ReactNode;
  children: ReactNode;
}

/** A labelled value with its change state; while editing, the inline editor takes the value's place. */
export function EditableField({ label, mark, edit, editing, editor, children }: EditableFieldProps) {
  return (
    <div className={['field-row', editing ? 'is-editing' : '', mark ? `mark-${mark}` : ''].join(' ')}>
      <div className="field-row-label">
        <span className="field-row-name">{label}</span>
        <ChangeMark mark={mark} />
      </div>
      {editing ? (
        <div className="field-row-editor">{editor}</div>
      ) : (
        <>
          <div className="field-row-value">{children}</div>
          {edit && (
            <Button
              variant="ghost"
              icon="pencil"
              className="field-edit"
              shortcut={edit.shortcut}
              aria-disabled={edit.locked || undefined}
              aria-label={`Edit ${label.toLowerCase()}`}
              title={edit.locked ? 'Verify the caller first' : undefined}
              onClick={edit.onEdit}
              ref={edit.buttonRef}
            >
              Edit
            </Button>
          )}
        </>
      )}
    </div>
  );
}
