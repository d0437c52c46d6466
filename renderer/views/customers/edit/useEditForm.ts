import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { EntityName } from '../../../../domain/entities';
import { CareDeskError, type FieldIssue } from '../../../../domain/errors';
import { messageOf } from '../../../api/client';
import { changeIssues, reasonIssue } from './rules';

export interface EditFormOptions {
  changes: Record<string, unknown>;
  /** the field keys this form shows an input for; issues of other fields are listed under the form */
  fields: readonly string[];
  onSave: (changes: Record<string, unknown>, reason: string) => Promise<unknown>;
  onClose: (saved: boolean) => void;
  /** whose rules the values are checked with (a customer unless said otherwise) */
  entity?: EntityName;
}

/**
 * An inline edit: values checked by the domain rules as the rep types (a field shows its error
 * once it has been typed in, or after a save attempt), a required reason, and nothing sent (so
 * nothing queued) while any rule is broken.
 */
export function useEditForm({ changes, fields, onSave, onClose, entity = 'customer' }: EditFormOptions) {
  const formRef = useRef<HTMLFormElement>(null);
  const [reason, setReasonValue] = useState('');
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const issues = useMemo(() => changeIssues(changes, entity), [changes, entity]);
  const reasonProblem = useMemo(() => reasonIssue(reason), [reason]);

  const touch = useCallback((field: string) => {
    setServerIssues([]);
    setFormError(null);
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
  }, []);

  const issueFor = useCallback(
    (field: string): FieldIssue | undefined => {
      const server = serverIssues.find((i) => i.field === field);
      if (server) return server;
      if (!attempted && !touched.has(field)) return undefined;
      return issues.find((i) => i.field === field);
    },
    [issues, serverIssues, touched, attempted],
  );

  const setReason = useCallback(
    (value: string) => {
      setReasonValue(value);
      touch('reason');
    },
    [touch],
  );

  // after a refused save, the first field in error takes the focus (once it is marked invalid)
  const [focusRequest, setFocusRequest] = useState(0);
  const focusFirstInvalid = () => setFocusRequest((n) => n + 1);
  useEffect(() => {
    if (focusRequest) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const submit = useCallback(
    async (event?: FormEvent) => {
      event?.preventDefault();
      if (busy) return;
      setAttempted(true);
      const broken = issues.length + (reasonProblem ? 1 : 0);
      if (broken > 0) {
        setFormError(`Not saved: ${broken === 1 ? 'one field needs' : `${broken} fields need`} correcting.`);
        focusFirstInvalid();
        return;
      }
      setBusy(true);
      setFormError(null);
      try {
        await onSave(changes, reason.trim());
        onClose(true);
      } catch (err) {
        setBusy(false);
        setFormError(`Not saved: ${messageOf(err)}`);
        if (err instanceof CareDeskError && err.issues.length) {
          setServerIssues(err.issues);
          focusFirstInvalid();
        }
      }
    },
    [busy, issues, reasonProblem, changes, reason, onSave, onClose],
  );

  const unplaced = [...serverIssues, ...(attempted ? issues : [])].filter((i) => !fields.includes(i.field));

  return {
    formRef,
    reason,
    setReason,
    reasonIssue: attempted || touched.has('reason') ? reasonProblem : undefined,
    issueFor,
    touch,
    submit,
    cancel: () => onClose(false),
    busy,
    formError,
    /** issues the server named for a field this form does not show (e.g. verification) */
    otherIssues: unplaced,
  };
}

export type EditForm = ReturnType<typeof useEditForm>;
