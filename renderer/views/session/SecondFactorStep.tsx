import { useEffect, useRef, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import type { SecondFactorPrompt } from '../../../domain/console/contract';
import { TOTP } from '../../../domain/secondFactor';
import { codeOf, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import type { SessionApi } from '../../hooks/useSession';
import { SessionFrame } from './SessionFrame';

const HINTS: Record<string, string> = {
  rate_limited: 'Ask an administrator to confirm who you are and lift the lockout, or wait until it ends.',
  unauthenticated: `Codes change every ${TOTP.periodSeconds} seconds and each works once: wait for the next one and type it.`,
};

/** The QR code of the secret's otpauth:// address, drawn on a canvas (the console loads no image from elsewhere). */
function SecretQrCode({ uri }: { uri: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) void QRCode.toCanvas(canvas.current, uri, { width: 184, margin: 1, errorCorrectionLevel: 'M' });
  }, [uri]);
  return <canvas ref={canvas} className="totp-qr" role="img" aria-label="QR code of your sign-in secret, for your authenticator app" />;
}

/**
 * The second step of a sign-in for the roles that need one (domain/secondFactor.ts): at first
 * sign-in, the secret as a QR code and as text and the first code; later, the code of the moment or
 * a recovery code; after enrolment, the recovery codes, shown once.
 */
export function SecondFactorStep({ api, prompt }: { api: SessionApi; prompt: SecondFactorPrompt }) {
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = code.trim();
    if (!value) {
      setError({ message: useRecovery ? 'Enter one of your recovery codes.' : `Enter the ${TOTP.digits}-digit code your authenticator app shows.` });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.secondFactor(useRecovery ? { recoveryCode: value } : { code: value });
    } catch (err) {
      setCode('');
      setError({ message: messageOf(err), hint: HINTS[codeOf(err) ?? ''] });
      setBusy(false);
    }
  }

  if (prompt.step === 'recovery_codes') {
    return (
      <SessionFrame title="Save your recovery codes" subtitle="Each code signs you in once if you lose your phone. They are shown only now: print them or keep them in your password manager.">
        <ol className="recovery-codes" aria-label="Recovery codes">
          {prompt.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <Button variant="primary" className="btn-block" autoFocus onClick={() => void api.recoveryCodesSaved()}>
          I have saved these codes
        </Button>
      </SessionFrame>
    );
  }

  const enrol = prompt.step === 'enrol' ? prompt : null;
  return (
    <SessionFrame
      title={enrol ? 'Set up your second factor' : 'Enter your code'}
      subtitle={
        enrol
          ? 'Your role sees payment data or administers CareDesk, so it signs in with a code from an authenticator app as well as the password. Scan the QR code with the app, or type the secret, then enter the code it shows.'
          : 'Open your authenticator app and enter the code it shows for CareDesk.'
      }
    >
      {enrol && (
        <div className="totp-enrol">
          <SecretQrCode uri={enrol.otpauthUri} />
          <div className="totp-secret">
            <span className="field-label" id="totp-secret-label">
              Secret, to type instead
            </span>
            <code aria-labelledby="totp-secret-label" data-testid="totp-secret">
              {enrol.secret.match(/.{1,4}/g)!.join(' ')}
            </code>
          </div>
        </div>
      )}
      <form className="session-form" onSubmit={submit} noValidate>
        <TextField
          key={useRecovery ? 'recovery' : 'code'}
          label={useRecovery ? 'Recovery code' : 'Authentication code'}
          value={code}
          onValue={setCode}
          autoFocus
          inputMode={useRecovery ? 'text' : 'numeric'}
          autoCapitalize="off"
          name={useRecovery ? 'recovery-code' : 'one-time-code'}
        />
        {error && (
          <Notice tone="bad" assertive>
            <strong>{error.message}</strong>
            {error.hint && <span className="notice-detail">{error.hint}</span>}
          </Notice>
        )}
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          {busy ? 'Checking…' : enrol ? 'Confirm and sign in' : 'Sign in'}
        </Button>
        {!enrol && (
          <Button variant="ghost" className="btn-block" onClick={() => (setUseRecovery(!useRecovery), setCode(''), setError(null))}>
            {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
          </Button>
        )}
        <Button variant="ghost" className="btn-block" onClick={() => void api.signOut()}>
          Start again
        </Button>
      </form>
    </SessionFrame>
  );
}
