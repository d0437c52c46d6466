import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SIGN_IN_LOCKOUT, type Lockout } from '../../../domain/secondFactor';
import { ROLE_LABELS } from '../../../domain/roles';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';

/** its own query key: the lockouts are read from the central store, never cached on a desk */
const LOCKOUTS_KEY = ['lockout.list'] as const;

/**
 * The sign-in lockouts in force (issue 14, PCI DSS 8.3.4), for an administrator: who is locked, until
 * when, after how many wrong passwords and codes, and a lift for someone whose identity they have
 * confirmed. Reading the list and lifting are central operations, each an audit row; the CLI's
 * `list-lockouts` and `lift-lockout` call the same functions.
 */
export function LockoutsPanel() {
  const client = useQueryClient();
  const { data, error, isFetching, refetch } = useQuery({ queryKey: LOCKOUTS_KEY, queryFn: () => invoke('lockout.list', {}), gcTime: 0 });
  const [lifted, setLifted] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const lockouts = data?.lockouts ?? [];

  async function lift(username: string) {
    setFailed(null);
    setLifted(null);
    try {
      const result = await invoke('lockout.lift', { username });
      setLifted(result.lifted ? `${username} may sign in again.` : `${username} was no longer locked.`);
      await client.invalidateQueries({ queryKey: LOCKOUTS_KEY });
    } catch (err) {
      setFailed(messageOf(err));
    }
  }

  return (
    <div className="queue-page lockouts" role="region" aria-label="Sign-in lockouts" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Sign-in lockouts</h1>
          <p className="muted">A username is locked for {SIGN_IN_LOCKOUT.minutes} minutes after {SIGN_IN_LOCKOUT.maxFailures} failed sign-ins (wrong passwords and wrong codes together). Lift a lockout only once you have confirmed who is asking.</p>
        </div>
        <Button icon="sync" busy={isFetching} onClick={() => void refetch()}>
          Refresh
        </Button>
      </header>
      {lifted && <Notice tone="good">{lifted}</Notice>}
      {(failed || error) && <Notice tone="bad">{failed ?? messageOf(error)}</Notice>}
      <section aria-labelledby="lockouts-title">
        <h2 id="lockouts-title">Locked now ({lockouts.length})</h2>
        {data && lockouts.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>No username is locked.</p>
          </div>
        )}
        <ul className="approval-list" aria-label="Lockouts in force">
          {lockouts.map((lockout) => (
            <LockoutItem key={lockout.username} lockout={lockout} onLift={() => void lift(lockout.username)} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function LockoutItem({ lockout, onLift }: { lockout: Lockout; onLift: () => void }) {
  return (
    <li className="approval lockout">
      <div className="change-line">
        <span className="strong mono">{lockout.username}</span>
        {lockout.role ? <Badge tone="neutral">{ROLE_LABELS[lockout.role]}</Badge> : <Badge tone="warn">No such user</Badge>}
      </div>
      <dl className="hold-facts">
        <dt>Locked</dt>
        <dd>{dateTime(lockout.lockedAt)}</dd>
        <dt>Until</dt>
        <dd>{dateTime(lockout.lockedUntil)}</dd>
        <dt>Failures</dt>
        <dd>
          {lockout.failures.password} wrong password{lockout.failures.password === 1 ? '' : 's'}, {lockout.failures.code} wrong code{lockout.failures.code === 1 ? '' : 's'}
        </dd>
      </dl>
      <div className="approval-actions">
        <Button variant="primary" onClick={onLift} aria-label={`Lift the lockout of ${lockout.username}`}>
          Lift lockout
        </Button>
      </div>
    </li>
  );
}
