import { toNestErrors } from '@hookform/resolvers';
import { useCallback, useEffect, useRef, useState } from 'react';
import { get, useForm, type FieldError, type FieldErrors, type FieldValues, type Path, type Resolver, type SubmitHandler, type UseFormReturn, type DefaultValues } from 'react-hook-form';
import { CareDeskError, type FieldIssue } from '../../domain/errors';
import { messageOf } from '../api/client';
import { draftOf, keepDraft } from './useWorkspace';

export interface DomainFormOptions<V extends FieldValues> {
  defaultValues: DefaultValues<V>;
  /** the issues of the values by the domain's own schemas and rules (domain/), never by a rule of ours */
  check: (values: V) => FieldIssue[];
  /** the form field that shows an issue, when the domain names it otherwise (null: none of them) */
  fieldOf?: (issue: FieldIssue) => string | null;
  /** the fields this form shows; an issue of any other is listed under the form */
  shows: (field: string) => boolean;
  /** how the form's notice starts: "Not saved", "Not recorded"… */
  refusal: string;
  /**
   * The key under which the workstation core keeps what is typed, as it is typed, until the form is
   * sent or cancelled (`forgetDraft`): a lock, a shortcut or another view loses none of it, and the
   * form opens again with it (issue 13). None: nothing is kept.
   */
  draft?: string | null;
}

/** A react-hook-form resolver over the domain's issues: each error keeps the domain's rule as its type. */
export function domainResolver<V extends FieldValues>(check: () => DomainFormOptions<V>['check'], fieldOf: (issue: FieldIssue) => string | null): Resolver<V> {
  return (values, _context, options) => {
    const errors: Record<string, FieldError> = {};
    for (const issue of check()(values)) {
      const field = fieldOf(issue) ?? issue.field;
      errors[field] ??= { type: issue.rule, message: issue.message };
    }
    return Object.keys(errors).length ? { values: {}, errors: toNestErrors(errors, options) } : { values, errors: {} };
  };
}

/** A field's error as the domain stated it (a field array's own error sits at its root). */
export function issueOf(errors: FieldErrors, field: string): FieldIssue | undefined {
  const found = get(errors, field) as (FieldError & { root?: FieldError }) | undefined;
  const error = found?.message === undefined ? found?.root : found;
  return error?.message === undefined ? undefined : { field, rule: String(error.type), message: error.message };
}

/**
 * The one form mechanism: react-hook-form checked by the domain's rules as the rep types (a field
 * shows its error once it has been typed in, every field after a submit), the first invalid field
 * focused (`shouldFocusError`), nothing sent while a rule is broken, and a server's refusal put on
 * the fields it names (`setError`) with the reason in the form's notice.
 */
export function useDomainForm<V extends FieldValues>({ defaultValues, check, fieldOf = (issue) => issue.field, shows, refusal, draft = null }: DomainFormOptions<V>) {
  const latestCheck = useRef(check);
  latestCheck.current = check;
  const [resolver] = useState(() => domainResolver<V>(() => latestCheck.current, fieldOf));
  // a draft kept from before (a lock, another view) is where the user left it
  const [kept] = useState(() => draftOf(draft));
  const form: UseFormReturn<V> = useForm<V>({ defaultValues: { ...defaultValues, ...kept } as DefaultValues<V>, resolver, mode: 'onChange', shouldFocusError: true });
  const [notice, setNotice] = useState<{ text: string; otherIssues: FieldIssue[] } | null>(null);

  // every keystroke is kept by the core until the form is sent or cancelled
  useEffect(() => {
    if (!draft) return;
    const watching = form.watch((values, { type }) => type === 'change' && keepDraft(draft, values as Record<string, unknown>));
    return () => watching.unsubscribe();
  }, [form, draft]);
  const forgetDraft = useCallback(() => {
    if (draft) keepDraft(draft, null);
  }, [draft]);

  // a new keystroke answers the refusal: its notice goes
  useEffect(() => {
    const typing = form.watch((_values, { type }) => type === 'change' && setNotice(null));
    return () => typing.unsubscribe();
  }, [form]);

  const refuse = useCallback((text: string, otherIssues: FieldIssue[] = []) => setNotice({ text, otherIssues }), []);

  /** the handler for `onSubmit`: `send` runs only when the domain finds nothing wrong */
  const submit = (send: SubmitHandler<V>, before?: () => string | null) =>
    form.handleSubmit(
      async (values) => {
        const blocked = before?.();
        if (blocked) return refuse(blocked);
        setNotice(null);
        await send(values);
      },
      () => {
        const blocked = before?.();
        if (blocked) return refuse(blocked);
        const issues = latestCheck.current(form.getValues());
        const fields = new Set(issues.map((i) => fieldOf(i) ?? i.field));
        refuse(`${refusal}: ${fields.size === 1 ? 'one field needs' : `${fields.size} fields need`} correcting.`, issues.filter((i) => !shows(fieldOf(i) ?? i.field)));
      },
    );

  /** a refusal from the core or the central store: its field issues on the fields, the rest listed */
  const refused = useCallback(
    (err: unknown, { suffix = '', focus = true }: { suffix?: string; focus?: boolean } = {}) => {
      const issues = err instanceof CareDeskError ? err.issues : [];
      const placed = issues.filter((i) => shows(fieldOf(i) ?? i.field));
      placed.forEach((issue, n) => form.setError((fieldOf(issue) ?? issue.field) as Path<V>, { type: issue.rule, message: issue.message }, { shouldFocus: focus && n === 0 }));
      refuse(`${refusal}: ${messageOf(err)}${suffix}`, issues.filter((i) => !placed.includes(i)));
    },
    [form, shows, fieldOf, refusal, refuse],
  );

  const { errors, isSubmitting } = form.formState;
  return {
    form,
    control: form.control,
    submit,
    refused,
    issueFor: (field: string) => issueOf(errors, field),
    busy: isSubmitting,
    formError: notice?.text ?? null,
    /** issues for a field this form does not show (e.g. the caller's verification) */
    otherIssues: notice?.otherIssues ?? [],
    /** the form was sent or cancelled: its kept draft goes */
    forgetDraft,
  };
}
