import { useId, useRef, useState, type FormEvent } from 'react';
import type { ConflictView } from '../../../domain/console/contract';
import { CareDeskError, type FieldIssue } from '../../../domain/errors';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { TextAreaField } from '../../components/TextAreaField';
import { dateTime, fieldLabel, fieldValue, phonesInText } from '../../format';
import type { CustomerToOpen } from '../../navigation';

export type Keep = 'mine' | 'theirs';

/** Each side of a conflict as the rep weighs it: whose change, the value, who made it, when and why. */
interface Side {
  keep: Keep;
  title: string;
  value: unknown;
  who: string;
  at: string | null;
  reason: string | null;
}

/** A value as lines: a list of phones one number a line (a number never breaks in two), anything else as one. */
function valueLines(field: string, value: unknown): string[] {
  return Array.isArray(value) && value.length > 1 ? value.map((item) => fieldValue(field, [item])) : [fieldValue(field, value)];
}

function sidesOf(c: ConflictView): [Side, Side] {
  return [
    { keep: 'mine', title: 'Your change', value: c.mine, who: 'You', at: c.createdAt, reason: c.reason },
    { keep: 'theirs', title: 'Current value', value: c.theirs, who: c.changedBy ?? 'the central store', at: c.changedAt, reason: c.changeReason },
  ];
}

/**
 * One conflicting field: both values side by side, each with who, when and why, and nothing chosen
 * for the rep. They pick a value and confirm it; confirming without a choice says so. The customer's
 * name opens their profile, to check the record before choosing. With `onEscalate`, the rep may
 * instead ask a supervisor, with a note saying what they know: nothing is chosen then either.
 */
export function ConflictCard({ conflict: c, onChoose, onEscalate, onOpenCustomer }: { conflict: ConflictView; onChoose: (keep: Keep) => Promise<void>; onEscalate?: (note: string) => Promise<void>; onOpenCustomer: (customer: CustomerToOpen) => void }) {
  const id = useId();
  const [choice, setChoice] = useState<Keep | null>(null);
  const [unchosen, setUnchosen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [noteIssue, setNoteIssue] = useState<FieldIssue | undefined>(undefined);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const askButton = useRef<HTMLButtonElement>(null);

  const escalate = async () => {
    if (!onEscalate) return;
    setBusy(true);
    try {
      await onEscalate(note);
    } catch (err) {
      // the contract names the note and the rule (empty, too long, invisible characters)
      setNoteIssue((err instanceof CareDeskError ? err.issues : []).find((i) => i.field === 'note') ?? { field: 'note', rule: 'refused', message: messageOf(err) });
      noteRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const field = fieldLabel(c.field);
  const what = `${field.toLowerCase()} of ${c.customerName}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setUnchosen(true);
      document.getElementById(`${id}-mine`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onChoose(choice);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="conflict-card">
      <form aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
        <div className="conflict-head">
          <h2 id={`${id}-title`} className="conflict-title">
            {c.customerVisible ? (
              <button type="button" className="link-button" onClick={() => onOpenCustomer({ id: c.customerId, name: c.customerName, ...(c.accountNumber ? { accountNumber: c.accountNumber } : {}) })}>
                {c.customerName}
                <span className="sr-only">: open the profile</span>
              </button>
            ) : (
              <span>{c.customerName}</span>
            )}
            <span className="conflict-field"> · {field}</span>
          </h2>
          <span className="small muted">was {fieldValue(c.field, c.base)}</span>
        </div>
        <fieldset className="conflict-choice" aria-describedby={unchosen ? `${id}-unchosen` : undefined}>
          <legend className="field-label">
            Which {field.toLowerCase()} should {c.customerName}’s record keep?
          </legend>
          <div className="conflict-sides">
            {sidesOf(c).map((side) => (
              <label key={side.keep} className={`conflict-side side-${side.keep}`}>
                <span className="conflict-side-head">
                  <input
                    id={`${id}-${side.keep}`}
                    type="radio"
                    name={`${id}-keep`}
                    value={side.keep}
                    checked={choice === side.keep}
                    onChange={() => (setChoice(side.keep), setUnchosen(false))}
                    aria-labelledby={`${id}-${side.keep}-title ${id}-${side.keep}-value`}
                    aria-describedby={`${id}-${side.keep}-about`}
                  />
                  <span id={`${id}-${side.keep}-title`} className="conflict-side-title">
                    {side.title}
                  </span>
                </span>
                <span id={`${id}-${side.keep}-value`} className="conflict-value">
                  {valueLines(c.field, side.value).map((line, i) => (
                    <span key={i}>{line}</span>
                  ))}
                </span>
                <span id={`${id}-${side.keep}-about`} className="conflict-about">
                  <span className="conflict-who">
                    {side.who}, {side.at ? dateTime(side.at) : 'time not recorded'}
                  </span>
                  <span className={side.reason ? 'conflict-reason' : 'conflict-reason muted'}>{side.reason ? `“${phonesInText(side.reason)}”` : 'No reason recorded'}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {unchosen && (
          <p id={`${id}-unchosen`} className="field-error" role="alert">
            <Icon name="alert" size={13} />
            <span>Choose one of the two values first: nothing is picked for you.</span>
          </p>
        )}
        <div className="conflict-actions">
          <Button type="submit" busy={busy && !asking}>
            {choice === 'mine' ? 'Apply your change' : choice === 'theirs' ? 'Keep the current value' : 'Keep the chosen value'}
            <span className="sr-only"> as the {what}</span>
          </Button>
          {onEscalate && !asking && (
            <Button ref={askButton} type="button" variant="ghost" icon="users" onClick={() => (setAsking(true), setTimeout(() => noteRef.current?.focus(), 0))}>
              Ask a supervisor<span className="sr-only"> about the {what}</span>
            </Button>
          )}
        </div>
        {onEscalate && asking && (
          <div className="conflict-escalate">
            <TextAreaField
              ref={noteRef}
              label="Note for the supervisor"
              rows={3}
              value={note}
              onValue={(value) => (setNote(value), setNoteIssue(undefined))}
              issue={noteIssue}
              hint="What you know about the two values: the supervisor decides which one the record keeps, and the value stays as it is until then."
            />
            <div className="conflict-actions">
              <Button type="button" variant="primary" busy={busy} onClick={() => void escalate()}>
                Send to a supervisor
              </Button>
              <Button type="button" variant="ghost" onClick={() => (setAsking(false), setNoteIssue(undefined), setTimeout(() => askButton.current?.focus(), 0))}>
                Cancel
              </Button>
            </div>
          </div>
        )}
      </form>
    </li>
  );
}
