import { useRef, useState } from 'react';
import { INACTIVITY_DISABLE_DAYS } from '../../../domain/admin';
import type { User } from '../../../domain/entities';
import { ROLE_LABELS } from '../../../domain/roles';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { useStaff } from '../../hooks/useAdmin';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { NewUserForm } from './NewUserForm';
import { pendingLabel } from './adminForms';
import { TeamsPanel } from './TeamsPanel';
import { UserPanel } from './UserPanel';

/**
 * The administrator's staff accounts (issue 14): every user with their role, team, status, last
 * activity and the workstations holding their cache with what each has not delivered; one opened
 * beside the list to manage; a new account; the teams. Read online from the central store; no
 * customer data is ever here.
 */
export function UsersView({ selfId }: { selfId: string }) {
  const { directory, error } = useStaff();
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ user: User; temporaryPassword: string } | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const open = directory?.users.find((u) => u.id === openId) ?? null;
  const teamName = (id: string | null) => directory?.teams.find((t) => t.id === id)?.name ?? '—';
  return (
    <div className="queue-page admin-page" role="region" aria-label="Users" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Users</h1>
          <p className="muted">Staff accounts, their roles and teams, and the workstations holding their cache. Accounts unused for {INACTIVITY_DISABLE_DAYS} days are disabled by the central store.</p>
        </div>
        {!creating && (
          <Button ref={newButton} variant="primary" icon="userPlus" onClick={() => (setCreated(null), setCreating(true))}>
            New user
          </Button>
        )}
      </header>
      {creating && directory && (
        <section className="queue-panel" aria-labelledby="new-user-title">
          <h2 id="new-user-title">New user</h2>
          <NewUserForm
            teams={directory.teams}
            onDone={(made) => {
              setCreating(false);
              setCreated(made);
              focusAfterRender(() => newButton.current);
            }}
          />
        </section>
      )}
      {created && (
        <Notice tone="good">
          {created.user.displayName} ({created.user.username}) can sign in with this one-time password, shown once: <code className="admin-secret">{created.temporaryPassword}</code>
        </Notice>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
      <div className={open ? 'admin-split has-panel' : 'admin-split'}>
        <div className="admin-list">
          <table className="table admin-table">
            <caption className="sr-only">Staff accounts</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Team</th>
                <th scope="col">Status</th>
                <th scope="col">Last active</th>
                <th scope="col">Workstations</th>
              </tr>
            </thead>
            <tbody>
              {directory?.users.map((u) => {
                const live = u.desks.filter((d) => !d.revoked);
                const unsent = live.reduce((n, d) => n + d.pending, 0);
                return (
                  <tr key={u.id} className={u.id === openId ? 'is-open' : undefined}>
                    <th scope="row">
                      <button type="button" className="link-button" aria-expanded={u.id === openId} onClick={() => setOpenId(u.id === openId ? null : u.id)}>
                        {u.displayName}
                      </button>
                      <div className="mono muted">{u.username}</div>
                    </th>
                    <td>{ROLE_LABELS[u.role]}</td>
                    <td>{teamName(u.teamId)}</td>
                    <td>
                      <Badge tone={u.status === 'active' ? 'good' : 'bad'}>{u.status === 'active' ? 'Active' : 'Disabled'}</Badge>
                    </td>
                    <td>{dateTime(u.lastActiveAt)}</td>
                    <td>{live.length === 0 ? <span className="muted">none</span> : `${live.length} · ${pendingLabel(unsent)}`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {open && directory && <UserPanel key={open.id} user={open} teams={directory.teams} selfId={selfId} onClose={() => setOpenId(null)} />}
      </div>
      {directory && <TeamsPanel directory={directory} />}
    </div>
  );
}
