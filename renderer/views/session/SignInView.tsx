import { useState, type FormEvent } from 'react';
import { SIGN_IN_LOCKOUT } from '../../../domain/secondFactor';
import { codeOf, messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import type { SessionApi } from '../../hooks/useSession';
import { SecondFactorStep } from './SecondFactorStep';
import { SessionFrame } from './SessionFrame';

const HINTS: Record<string, string> = {
  unauthenticated: 'Check the username and password and try again.',
  rate_limited: `Too many failed attempts: ask an administrator to lift the lockout, or wait ${SIGN_IN_LOCKOUT.minutes} minutes.`,
  offline: 'The central store cannot be reached. If you have signed in on this workstation before, your password still opens your cache.',
  disk_full: "Free some space on this computer's disk, then sign in again.",
};

export function SignInView({ api }: { api: SessionApi }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null);

  // the password is proven; the second factor is asked (issue 14)
  const prompt = api.session?.secondFactor;
  if (prompt) return <SecondFactorStep api={api} prompt={prompt} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError({ message: 'Enter your username and password.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.signIn(username.trim(), password);
      setPassword('');
      setBusy(false);
    } catch (err) {
      setPassword('');
      setError({ message: messageOf(err), hint: HINTS[codeOf(err) ?? ''] });
      setBusy(false);
    }
  }

  return (
    <SessionFrame title="Sign in" subtitle="Use your CareDesk account. Your customer cache on this workstation is encrypted with your password.">
      <form className="session-form" onSubmit={submit} noValidate>
        <TextField label="Username" value={username} onValue={setUsername} autoFocus autoCapitalize="off" name="username" />
        <TextField label="Password" type="password" value={password} onValue={setPassword} name="password" />
        {error && (
          <Notice tone="bad" assertive>
            <strong>{error.message}</strong>
            {error.hint && <span className="notice-detail">{error.hint}</span>}
          </Notice>
        )}
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </SessionFrame>
  );
}
