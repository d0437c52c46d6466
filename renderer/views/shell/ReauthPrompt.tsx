import { useState, type FormEvent } from 'react';
import type { SessionState } from '../../../domain/console/contract';
import { codeOf, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import type { SessionApi } from '../../hooks/useSession';

/**
 * The central store's session ended while the console is open (issue 14): asked where the user is,
 * above the view they are in, which stays as it is — no sign-out, nothing typed lost. The password,
 * and for a role with a second factor the code; sync resumes and sends what waited.
 */
export function ReauthPrompt({ api, reauth }: { api: SessionApi; reauth: NonNullable<SessionState['reauth']> }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password || (reauth.secondFactor && !code.trim())) {
      setError(reauth.secondFactor ? 'Enter your password and the code your authenticator app shows.' : 'Enter your password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.reauthenticate(reauth.secondFactor ? { password, code: code.trim() } : { password });
    } catch (err) {
      setPassword('');
      setCode('');
      setError(codeOf(err) === 'offline' ? 'The central store cannot be reached: your work continues from this workstation; try again when it is back.' : messageOf(err));
      setBusy(false);
    }
  }

  return (
    <section className="reauth-prompt" aria-labelledby="reauth-title" data-testid="reauth-prompt">
      <div className="reauth-head">
        <Icon name="lock" size={16} />
        <div>
          <h2 id="reauth-title">Sign in again to keep syncing</h2>
          <p>Your session at the central store has ended. Your work here is kept and changes wait on this workstation until you sign in.</p>
        </div>
      </div>
      <form className="reauth-form" onSubmit={submit} noValidate>
        <TextField label="Password" type="password" value={password} onValue={setPassword} name="password" />
        {reauth.secondFactor && <TextField label="Authentication code" value={code} onValue={setCode} inputMode="numeric" name="one-time-code" />}
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? 'Signing in…' : 'Sign in and sync'}
        </Button>
      </form>
      {error && (
        <Notice tone="bad" assertive>
          {error}
        </Notice>
      )}
    </section>
  );
}
