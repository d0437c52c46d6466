import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import type { FieldIssue } from '../../domain/errors';
import { FieldError } from './FieldError';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> {
  label: string;
  value: string;
  onValue: (value: string) => void;
  issue?: FieldIssue;
  hint?: ReactNode;
  /** a label kept for assistive technology only (dense rows: phone kind + number) */
  hideLabel?: boolean;
  /** the id of an error shown elsewhere (beneath a row of narrow fields) instead of under this input */
  errorId?: string;
  className?: string;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled input whose domain error sits right under it, linked by aria-describedby. */
export function TextField({ label, value, onValue, issue, hint, hideLabel, errorId, className, ref, ...rest }: TextFieldProps) {
  const id = useId();
  const describedBy = [issue ? (errorId ?? `${id}-error`) : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', issue ? 'has-error' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'field-label'}>
        {label}
      </label>
      <input
        id={id}
        ref={ref}
        className="input"
        value={value}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={issue ? true : undefined}
        aria-describedby={describedBy}
        spellCheck={false}
        autoComplete="off"
        {...rest}
      />
      {hint && !issue && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {!errorId && <FieldError id={`${id}-error`} issue={issue} />}
    </div>
  );
}
