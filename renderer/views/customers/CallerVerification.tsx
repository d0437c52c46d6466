import { useEffect, useState, type FormEvent, type RefObject } from 'react';
import { useController, useForm } from 'react-hook-form';
import type { ChannelOutput, CustomerProfile } from '../../../domain/console/contract';
import { VerifyRequest } from '../../../domain/sync/protocol';
import { issuesFromZod, type FieldIssue } from '../../../domain/errors';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { FormTextField } from '../../components/FormField';
import { time } from '../../format';
import { domainResolver } from '../../hooks/useDomainForm';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useVerificationAttempts } from '../../hooks/useCustomer';

type Method = 'ssn_last4' | 'account_pin';
const METHODS: { value: Method; label: string }[] = [
  { value: 'ssn_last4', label: 'Last 4 of SSN' },
  { value: 'account_pin', label: 'Account PIN' },
];

interface Answer {
  method: Method;
  answer: string;
}

/** the answer's issues by the verification request's own schema */
function answerIssues({ answer }: Answer): FieldIssue[] {
  const check = VerifyRequest.shape.answer.safeParse(answer);
  return check.success ? [] : issuesFromZod(check.error, ['answer']);
}
const resolver = domainResolver<Answer>(() => answerIssues, (issue) => issue.field);

/**
 * What a verified caller opens, said the way the user meets it: the record's editors for those who
 * correct it on a call (care reps, supervisors), the card and the credits the caller asks for for
 * billing clerks (domain/operations.ts: the operations each performs that declare `verifiedCaller`).
 */
const OPENS = {
  record: { pending: 'Editing opens once the caller is verified.', open: 'Editing is open' },
  billing: { pending: 'Replacing a card and recording a credit the caller asks for open once the caller is verified.', open: 'Card replacement and credits the caller asks for are open' },
} as const;

/**
 * The user types what the caller answers; the central store checks it (the answer never lives on
 * the workstation) and says verified or not. The attempts left (counted by the store per customer,
 * across all users) show before the first one; at none left, until when the caller is locked out.
 * Shown to every role that verifies callers: care reps and supervisors before they edit, billing
 * clerks before a card replacement or a credit the caller asks for.
 */
export function CallerVerification(props: {
  profile: CustomerProfile;
  onVerify: (method: Method, answer: string) => Promise<ChannelOutput<'customer.verifyCaller'>>;
  answerRef: RefObject<HTMLInputElement | null>;
}) {
  const { profile, onVerify, answerRef } = props;
  const v = profile.verification;
  const opens = profile.verificationRequired ? OPENS.record : OPENS.billing;
  // the answer's error shows after a first try, then follows what is typed
  const form = useForm<Answer>({ defaultValues: { method: 'ssn_last4', answer: '' }, resolver, mode: 'onSubmit', reValidateMode: 'onChange', shouldFocusError: true });
  const method = useController({ control: form.control, name: 'method' }).field;
  const [outcome, setOutcome] = useState<{ tone: 'bad' | 'warn'; text: string } | null>(null);
  const busy = form.formState.isSubmitting;
  const focusAfterRender = useFocusAfterRender();
  // answers are checked only at the central store: offline, the rep knows before the caller reads their digits
  const online = useSyncStatus()?.online ?? true;
  const attempts = useVerificationAttempts(profile.customer.id, online && !v?.verified);
  const attemptsLeft = attempts?.attemptsLeft ?? v?.attemptsLeft ?? null;
  const noAttemptsLeft = attemptsLeft === 0 && !v?.verified;

  const send = form.handleSubmit(async ({ method, answer }) => {
    setOutcome(null);
    try {
      const result = await onVerify(method, answer);
      form.reset({ method, answer: '' });
      if (!result.verified) {
        setOutcome({ tone: result.attemptsLeft > 0 ? 'warn' : 'bad', text: result.attemptsLeft > 0 ? `That answer does not match. ${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'attempt' : 'attempts'} left.` : 'That answer does not match, and no attempts are left.' });
        focusAfterRender(() => answerRef.current);
      }
    } catch (err) {
      setOutcome({ tone: 'bad', text: messageOf(err) });
    }
  });
  // one answer at a time: a second Enter while the store is asked only returns to the field
  const submit = (event: FormEvent) => {
    if (!busy) return void send(event);
    event.preventDefault();
    answerRef.current?.focus();
  };

  if (v?.verified) return <VerifiedWindow validUntil={v.validUntil} opens={opens.open} />;

  return (
    <section className={`verify ${noAttemptsLeft ? 'verify-blocked' : 'verify-needed'}`} aria-labelledby="verify-title">
      <div className="verify-head">
        <Icon name="shield" size={20} />
        <h2 id="verify-title" className="verify-title">
          Caller not verified
        </h2>
        {attemptsLeft != null && (
          <span className="verify-attempts" data-testid="attempts-left">
            {attemptsLeft} {attemptsLeft === 1 ? 'attempt' : 'attempts'} left
          </span>
        )}
      </div>
      {noAttemptsLeft ? (
        <p className="verify-detail" data-testid="verify-locked">
          No attempts are left for this customer: the caller is locked out{attempts?.lockedUntil ? ` until ${time(attempts.lockedUntil).slice(0, 5)}` : ' for now'}. They cannot be verified by phone
          before then; offer a call back.
        </p>
      ) : !online ? (
        <p className="verify-detail verify-offline" data-testid="verify-offline">
          Offline: a caller can be verified only at the central store. Do not ask for their digits now; offer a call back, or ask them to hold until the status bar says Online.
        </p>
      ) : (
        <form className="verify-form" onSubmit={submit} noValidate>
          <fieldset className="verify-methods">
            <legend className="sr-only">Ask the caller for</legend>
            {METHODS.map((m) => (
              <label key={m.value} className="radio">
                <input type="radio" name="verify-method" value={m.value} checked={method.value === m.value} onChange={() => method.onChange(m.value)} />
                <span>{m.label}</span>
              </label>
            ))}
          </fieldset>
          <div className="verify-answer">
            <FormTextField
              control={form.control}
              name="answer"
              label="Caller's answer"
              hideLabel
              type="password"
              inputMode="numeric"
              placeholder={method.value === 'ssn_last4' ? 'Last 4 of SSN' : 'Account PIN'}
              format={(typed) => typed.replace(/\s/g, '')}
              maxLength={8}
              ref={answerRef}
              aria-keyshortcuts="Alt+V"
              // a few digits the caller reads out, no draft to lose: the tabs and views stay one chord away from here
              data-shortcuts="pass"
            />
            <Button type="submit" variant="primary" busy={busy}>
              Verify
            </Button>
          </div>
          {outcome && (
            <p className={`verify-outcome tone-${outcome.tone}`} role="alert">
              {outcome.text}
            </p>
          )}
          {!outcome && <p className="verify-detail">{opens.pending}</p>}
        </form>
      )}
    </section>
  );
}

/** From this many minutes left, the window's end is a warning: a correction saved after it is refused. */
const WINDOW_WARN_MINUTES = 5;

/**
 * The verification's window as time left, not a clock time to compare (issue 13): minutes left, and a
 * warning in the last five. When it closes the profile asks for the caller again (useCustomer). The
 * central store's clock decides; this counts by the desk's.
 */
function VerifiedWindow({ validUntil, opens }: { validUntil: string | null; opens: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);
  const minutes = validUntil ? Math.max(1, Math.ceil((Date.parse(validUntil) - now) / 60_000)) : null;
  const ending = minutes !== null && minutes <= WINDOW_WARN_MINUTES;
  return (
    <section className={`verify verify-window ${ending ? 'verify-ending' : 'verify-ok'}`} aria-label="Caller verification">
      <Icon name="shieldCheck" size={22} />
      <div>
        {/* announced as it appears; a heading may not itself be a live region (axe: aria-allowed-role) */}
        <div role="status">
          <h2 className="verify-title">Caller verified</h2>
        </div>
        <p className="verify-detail" data-testid="verify-window">
          {minutes === null
            ? `${opens}.`
            : `${opens} for ${minutes} more ${minutes === 1 ? 'minute' : 'minutes'} (until ${time(validUntil).slice(0, 5)}).${ending ? ' Save what you are changing now.' : ''}`}
        </p>
      </div>
    </section>
  );
}
