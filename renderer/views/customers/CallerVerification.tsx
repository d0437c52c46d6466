import { useState, type FormEvent, type RefObject } from 'react';
import type { ChannelOutput, CustomerProfile } from '../../../domain/console/contract';
import { VerifyRequest } from '../../../domain/sync/protocol';
import { issuesFromZod } from '../../../domain/errors';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { TextField } from '../../components/TextField';
import { time } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';

type Method = 'ssn_last4' | 'account_pin';
const METHODS: { value: Method; label: string }[] = [
  { value: 'ssn_last4', label: 'Last 4 of SSN' },
  { value: 'account_pin', label: 'Account PIN' },
];

/**
 * The rep types what the caller answers; the central store checks it (the answer never lives on
 * the workstation) and says verified or not, and how many attempts are left.
 */
export function CallerVerification(props: {
  profile: CustomerProfile;
  onVerify: (method: Method, answer: string) => Promise<ChannelOutput<'customers.verifyCaller'>>;
  answerRef: RefObject<HTMLInputElement | null>;
}) {
  const { profile, onVerify, answerRef } = props;
  const v = profile.verification;
  const [method, setMethod] = useState<Method>('ssn_last4');
  const [answer, setAnswer] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'bad' | 'warn'; text: string } | null>(null);
  const focusAfterRender = useFocusAfterRender();

  if (!profile.verificationRequired) return null;
  const answerCheck = VerifyRequest.shape.answer.safeParse(answer);
  const answerIssue = attempted && !answerCheck.success ? issuesFromZod(answerCheck.error, ['answer'])[0] : undefined;
  const noAttemptsLeft = v?.attemptsLeft === 0 && !v.verified;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (!answerCheck.success || busy) return answerRef.current?.focus();
    setBusy(true);
    setOutcome(null);
    try {
      const result = await onVerify(method, answer);
      setAnswer('');
      setAttempted(false);
      if (!result.verified) {
        setOutcome({ tone: result.attemptsLeft > 0 ? 'warn' : 'bad', text: result.attemptsLeft > 0 ? `That answer does not match. ${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'attempt' : 'attempts'} left.` : 'That answer does not match, and no attempts are left.' });
        focusAfterRender(() => answerRef.current);
      }
    } catch (err) {
      setOutcome({ tone: 'bad', text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  if (v?.verified) {
    return (
      <section className="verify verify-ok" aria-label="Caller verification">
        <Icon name="shieldCheck" size={22} />
        <div>
          <h2 className="verify-title" role="status">
            Caller verified
          </h2>
          <p className="verify-detail">Editing is open{v.validUntil ? ` until ${time(v.validUntil).slice(0, 5)}` : ''}.</p>
        </div>
      </section>
    );
  }

  return (
    <section className={`verify ${noAttemptsLeft ? 'verify-blocked' : 'verify-needed'}`} aria-labelledby="verify-title">
      <div className="verify-head">
        <Icon name="shield" size={20} />
        <h2 id="verify-title" className="verify-title">
          Caller not verified
        </h2>
        {v?.attemptsLeft != null && (
          <span className="verify-attempts" data-testid="attempts-left">
            {v.attemptsLeft} {v.attemptsLeft === 1 ? 'attempt' : 'attempts'} left
          </span>
        )}
      </div>
      {noAttemptsLeft ? (
        <p className="verify-detail">No attempts are left for this customer. The caller cannot be verified by phone now; offer a call back.</p>
      ) : (
        <form className="verify-form" onSubmit={submit} noValidate>
          <fieldset className="verify-methods">
            <legend className="sr-only">Ask the caller for</legend>
            {METHODS.map((m) => (
              <label key={m.value} className="radio">
                <input type="radio" name="verify-method" value={m.value} checked={method === m.value} onChange={() => setMethod(m.value)} />
                <span>{m.label}</span>
              </label>
            ))}
          </fieldset>
          <div className="verify-answer">
            <TextField
              label="Caller's answer"
              hideLabel
              type="password"
              inputMode="numeric"
              placeholder={method === 'ssn_last4' ? 'Last 4 of SSN' : 'Account PIN'}
              value={answer}
              onValue={(value) => setAnswer(value.replace(/\s/g, ''))}
              issue={answerIssue}
              maxLength={8}
              ref={answerRef}
              aria-keyshortcuts="Alt+V"
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
          {!outcome && <p className="verify-detail">Editing opens once the caller is verified.</p>}
        </form>
      )}
    </section>
  );
}
