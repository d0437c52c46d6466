import { useController, type Control, type FieldValues, type Path } from 'react-hook-form';
import { useCallback, type ComponentProps } from 'react';
import type { FieldIssue } from '../../domain/errors';
import { issueOf } from '../hooks/useDomainForm';
import { SelectField } from './SelectField';
import { TextAreaField } from './TextAreaField';
import { TextField } from './TextField';

interface Bound<V extends FieldValues> {
  control: Control<V>;
  name: Path<V>;
}

/**
 * A TextField bound to a react-hook-form field: its value, its error (as the domain names it) and
 * the ref that lets the form focus it. `format` reshapes what is typed (a card number in groups);
 * `issue` overrides when the form shows the field's error.
 */
export function FormTextField<V extends FieldValues>({ control, name, format, issue, ref, ...rest }: Bound<V> & Omit<ComponentProps<typeof TextField>, 'value' | 'onValue' | 'issue'> & { format?: (typed: string, previous: string) => string; issue?: FieldIssue | null }) {
  const { field, formState } = useController({ control, name });
  const value = String(field.value ?? '');
  const bind = field.ref;
  // the form focuses the field through its ref; the form's owner may hold one too (a shortcut to the field)
  const refs = useCallback(
    (element: HTMLInputElement | null) => {
      bind(element);
      if (typeof ref === 'function') ref(element);
      else if (ref) ref.current = element;
    },
    [bind, ref],
  );
  return (
    <TextField
      {...rest}
      value={value}
      ref={refs}
      onValue={(typed) => field.onChange(format ? format(typed, value) : typed)}
      onBlur={(event) => (field.onBlur(), rest.onBlur?.(event))}
      issue={issue === undefined ? issueOf(formState.errors, name) : (issue ?? undefined)}
    />
  );
}

export function FormSelectField<V extends FieldValues, T extends string>({ control, name, ...rest }: Bound<V> & Omit<ComponentProps<typeof SelectField<T>>, 'value' | 'onValue' | 'issue'>) {
  const { field, formState } = useController({ control, name });
  return <SelectField<T> {...rest} value={field.value as T} ref={field.ref} onValue={field.onChange} onBlur={field.onBlur} issue={issueOf(formState.errors, name)} />;
}

/** A multi-line TextAreaField bound to a react-hook-form field (a reply's text). */
export function FormTextAreaField<V extends FieldValues>({ control, name, ...rest }: Bound<V> & Omit<ComponentProps<typeof TextAreaField>, 'value' | 'onValue' | 'issue' | 'ref'>) {
  const { field, formState } = useController({ control, name });
  return <TextAreaField {...rest} value={String(field.value ?? '')} ref={field.ref} onValue={field.onChange} onBlur={(event) => (field.onBlur(), rest.onBlur?.(event))} issue={issueOf(formState.errors, name)} />;
}
