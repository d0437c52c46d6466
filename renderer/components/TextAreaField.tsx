import { useId, type ReactNode, type Ref, type TextareaHTMLAttributes } from 'react';
import type { FieldIssue } from '../../domain/errors';
import { FieldError } from './FieldError';

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange'> {
  label: string;
  value: string;
  onValue: (value: string) => void;
  issue?: FieldIssue;
  hint?: ReactNode;
  className?: string;
  ref?: Ref<HTMLTextAreaElement>;
}

/** A labelled multi-line field (a reply's text) whose domain error sits right under it, linked by aria-describedby. */
export function TextAreaField({ label, value, onValue, issue, hint, className, ref, rows = 8, ...rest }: TextAreaFieldProps) {
  const id = useId();
  const describedBy = [issue ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', issue ? 'has-error' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <textarea
        id={id}
        ref={ref}
        className="input textarea"
        rows={rows}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={issue ? true : undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        {...rest}
      />
      {hint && !issue && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} issue={issue} />
    </div>
  );
}
