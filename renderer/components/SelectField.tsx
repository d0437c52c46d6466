import { useId, type Ref, type SelectHTMLAttributes } from 'react';
import type { FieldIssue } from '../../domain/errors';
import { FieldError } from './FieldError';

interface SelectFieldProps<T extends string> extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onValue: (value: T) => void;
  issue?: FieldIssue;
  hideLabel?: boolean;
  /** the id of an error shown elsewhere instead of under this select */
  errorId?: string;
  className?: string;
  ref?: Ref<HTMLSelectElement>;
}

export function SelectField<T extends string>({ label, value, options, onValue, issue, hideLabel, errorId, className, ref, ...rest }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <div className={['field', issue ? 'has-error' : '', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'field-label'}>
        {label}
      </label>
      <select
        id={id}
        ref={ref}
        className="input select"
        value={value}
        onChange={(e) => onValue(e.target.value as T)}
        aria-invalid={issue ? true : undefined}
        aria-describedby={issue ? (errorId ?? `${id}-error`) : undefined}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {!errorId && <FieldError id={`${id}-error`} issue={issue} />}
    </div>
  );
}
