import { useId, type ReactNode } from 'react';
import type { Control, FieldValues, Path } from 'react-hook-form';
import type { FieldIssue } from '../../domain/errors';
import { US_STATES } from '../../domain/validation/address';
import { FieldError } from './FieldError';
import { FormSelectField, FormTextField } from './FormField';

const STATE_OPTIONS = [{ value: '', label: 'Choose…' }, ...US_STATES.map((s) => ({ value: s as string, label: s as string }))];
const ROW = { city: 'City', state: 'State', zip: 'ZIP' } as const;

/** The parts of a postal address as a form holds them (an empty second line is left out when sent). */
export type AddressDraft = Record<'line1' | 'line2' | 'city' | 'state' | 'zip', string>;

export function addressDraft(value: unknown): AddressDraft {
  const a = (value && typeof value === 'object' ? value : {}) as Partial<AddressDraft>;
  return { line1: a.line1 ?? '', line2: a.line2 ?? '', city: a.city ?? '', state: a.state ?? '', zip: a.zip ?? '' };
}

/** The address the domain checks: the second line only when one was typed. */
export function addressOf({ line2, ...rest }: AddressDraft): Omit<AddressDraft, 'line2'> & { line2?: string } {
  return line2.trim() ? { ...rest, line2 } : rest;
}

/** Errors of a row of fields sit under the row, so each says which field it is about. */
function named(label: string, issue: FieldIssue): FieldIssue {
  return issue.message.toLowerCase().includes(label.toLowerCase()) ? issue : { ...issue, message: `${label}: ${issue.message}` };
}

/**
 * A postal address in a form, as a group named by its legend: two street lines (side by side where
 * there is room), then city, state and ZIP on one row with their errors under the row. `path` is
 * where the form holds the address.
 */
export function AddressFields<V extends FieldValues>({
  control,
  path,
  legend,
  hint,
  issueFor,
  wide = false,
}: {
  control: Control<V>;
  path: string;
  legend: string;
  hint?: ReactNode;
  issueFor: (field: string) => FieldIssue | undefined;
  /** room for both street lines on one row */
  wide?: boolean;
}) {
  const rowErrors = useId();
  const hintId = useId();
  const name = (part: keyof AddressDraft) => `${path}.${part}` as Path<V>;
  return (
    <fieldset className="address-fields" aria-describedby={hint ? hintId : undefined}>
      <legend className="field-label">{legend}</legend>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <div className={wide ? 'edit-row' : 'address-lines'}>
        <FormTextField control={control} name={name('line1')} label="Address line 1" maxLength={100} />
        <FormTextField control={control} name={name('line2')} label="Address line 2 (optional)" maxLength={100} />
      </div>
      <div>
        <div className="edit-row address-row">
          <FormTextField control={control} name={name('city')} label="City" errorId={`${rowErrors}-city`} maxLength={60} className="grow" />
          <FormSelectField control={control} name={name('state')} label="State" options={STATE_OPTIONS} errorId={`${rowErrors}-state`} className="state" />
          <FormTextField control={control} name={name('zip')} label="ZIP" inputMode="numeric" errorId={`${rowErrors}-zip`} maxLength={10} className="zip" />
        </div>
        {(Object.keys(ROW) as (keyof typeof ROW)[]).map((part) => {
          const issue = issueFor(`${path}.${part}`);
          return <FieldError key={part} id={`${rowErrors}-${part}`} issue={issue && named(ROW[part], issue)} />;
        })}
      </div>
    </fieldset>
  );
}
