import { useState, type FormEvent } from 'react';
import type { SessionState } from '../../../domain/console/contract';
import { ROLE_LABELS } from '../../../domain/roles';
import { messageOf } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { TextField } from '../../components/TextField';
import type { SessionApi } from '../../hooks/useSession';
import { SessionFrame } from './SessionFrame';

/** After a lock (idle, OS sleep, or on demand): the password alone reopens the cache, online or not. */
export function UnlockView({ api, session }: { api: SessionApi; session: SessionState }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const user = session.user;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password to unlock.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.unlock(password);
    } catch (err) {
      setPassword('');
      setError(messageOf(err));
      setBusy(false);
    }
  }

  return (
    <SessionFrame
      title="Console locked"
      subtitle="The console locks after a period without activity, when the computer sleeps, or when you lock it. Your password unlocks it, even without a connection."
    >
      {user && (
        <div className="session-user">
          <span className="avatar" aria-hidden="true">
            <Icon name="lock" size={16} />
          </span>
          <div>
            <div className="session-user-name">{user.displayName}</div>
            <div className="session-user-role">
              {ROLE_LABELS[user.role]} · {user.username}
            </div>
          </div>
        </div>
      )}
      <form className="session-form" onSubmit={submit} noValidate>
        <TextField label="Password" type="password" value={password} onValue={setPassword} autoFocus name="password" />
        {error && (
          <Notice tone="bad" assertive>
            {error}
          </Notice>
        )}
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          {busy ? 'Unlocking…' : 'Unlock'}
        </Button>
        <Button variant="ghost" className="btn-block" onClick={() => void api.signOut()}>
          Sign out and let someone else sign in
        </Button>
      </form>
    </SessionFrame>
  );
}
