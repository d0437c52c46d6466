import { useState } from 'react';
import type { StaffMember, Team } from '../../../domain/admin';
import { ROLE_LABELS, type Role } from '../../../domain/roles';
import { needsSecondFactor } from '../../../domain/secondFactor';
import { messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Notice } from '../../components/Notice';
import { SelectField } from '../../components/SelectField';
import { dateTime } from '../../format';
import { useAdminChange } from '../../hooks/useAdmin';
import { pendingLabel, ROLE_OPTIONS } from './adminForms';

/** An action that wipes the user's caches, asked again with what it will cost before it is taken. */
type Wiping = { kind: 'disable' } | { kind: 'role'; role: Role } | { kind: 'reset' };
/** What the admin is asked to confirm: a wiping action, or a second factor reset (a lost phone), which keeps the caches. */
type Asking = Wiping | { kind: 'secondFactor' };

/**
 * One staff account as the admin manages it: role, team, disabling and enabling, a new password. The
 * warning comes first: disabling, a new role or a new password ends the user's sessions and wipes
 * their cache on every workstation holding it, with the edits each desk last said it had not
 * delivered. The central store refuses one's own role change or disabling and the last admin's;
 * the panel says so before, the refusal names the rule anyway.
 */
export function UserPanel({ user, teams, selfId, onClose }: { user: StaffMember; teams: readonly Team[]; selfId: string; onClose: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [teamId, setTeamId] = useState(user.teamId ?? '');
  const [asking, setAsking] = useState<Asking | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'good' | 'bad'; text: string; password?: string } | null>(null);
  const disable = useAdminChange('admin.disableUser');
  const enable = useAdminChange('admin.enableUser');
  const changeRole = useAdminChange('admin.changeRole');
  const assignTeam = useAdminChange('admin.assignTeam');
  const reset = useAdminChange('admin.resetPassword');
  const resetSecondFactor = useAdminChange('secondFactor.reset');
  const self = user.id === selfId;
  const live = user.desks.filter((d) => !d.revoked);
  const unsent = live.reduce((n, d) => n + d.pending, 0);

  const run = async (work: () => Promise<{ text: string; password?: string }>) => {
    try {
      setOutcome({ tone: 'good', ...(await work()) });
    } catch (err) {
      setOutcome({ tone: 'bad', text: messageOf(err) });
    }
  };
  const confirm = () => {
    const wiping = asking!;
    setAsking(null);
    void run(async () => {
      if (wiping.kind === 'secondFactor') {
        const r = await resetSecondFactor({ userId: user.id });
        return { text: r.reset ? `${r.username}'s second factor and recovery codes no longer work: they enrol a new one at their next sign-in.` : `${r.username} had no second factor enrolled.` };
      }
      if (wiping.kind === 'disable') {
        const r = await disable({ userId: user.id });
        return { text: r.changed ? `${user.username} is disabled: ${r.sessionsEnded} session(s) ended, their caches are wiped at each desk's next contact.` : `${user.username} was already disabled.` };
      }
      if (wiping.kind === 'role') {
        const r = await changeRole({ userId: user.id, role: wiping.role });
        return { text: `${user.username} is now ${ROLE_LABELS[r.user.role]}: ${r.sessionsEnded} session(s) ended; they sign in again with a fresh cache.` };
      }
      const r = await reset({ userId: user.id });
      return { text: `New one-time password for ${r.user.username} (shown once, hand it over safely):`, password: r.temporaryPassword };
    });
  };
  const what =
    asking?.kind === 'disable'
      ? `Disable ${user.displayName}?`
      : asking?.kind === 'role'
        ? `Make ${user.displayName} ${ROLE_LABELS[asking.role]}?`
        : asking?.kind === 'secondFactor'
          ? `Reset ${user.displayName}'s second factor?`
          : `Reset ${user.displayName}'s password?`;

  return (
    <section className="queue-panel admin-user" aria-labelledby="user-panel-title">
      <header className="admin-user-head">
        <div>
          <h2 id="user-panel-title">{user.displayName}</h2>
          <p className="muted">
            <span className="mono">{user.username}</span> · {ROLE_LABELS[user.role]} · last active {dateTime(user.lastActiveAt)}
          </p>
        </div>
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </header>
      <WipeWarning user={user} />
      {outcome && (
        <Notice tone={outcome.tone} assertive={outcome.tone === 'bad'}>
          {outcome.text}
          {outcome.password && <code className="admin-secret">{outcome.password}</code>}
        </Notice>
      )}
      <div className="edit-row admin-action-row">
        <SelectField label="Role" value={role} options={ROLE_OPTIONS} onValue={setRole} disabled={self} />
        <Button disabled={self || role === user.role} onClick={() => setAsking({ kind: 'role', role })}>
          Change role
        </Button>
      </div>
      <div className="edit-row admin-action-row">
        <SelectField label="Team" value={teamId} options={[{ value: '', label: 'No team' }, ...teams.map((t) => ({ value: t.id, label: t.name }))]} onValue={setTeamId} />
        <Button disabled={teamId === (user.teamId ?? '')} onClick={() => void run(async () => (await assignTeam({ userId: user.id, teamId: teamId || null }), { text: `${user.username} is now in ${teams.find((t) => t.id === teamId)?.name ?? 'no team'}.` }))}>
          Assign team
        </Button>
      </div>
      {self && <p className="muted">Your own role and account are changed by another administrator.</p>}
      <div className="edit-actions">
        {user.status === 'active' ? (
          <Button variant="danger" icon="lock" disabled={self} onClick={() => setAsking({ kind: 'disable' })}>
            Disable account
          </Button>
        ) : (
          <Button icon="check" onClick={() => void run(async () => (await enable({ userId: user.id }), { text: `${user.username} may sign in again, with a fresh cache.` }))}>
            Enable account
          </Button>
        )}
        <Button icon="undo" onClick={() => setAsking({ kind: 'reset' })}>
          Reset password
        </Button>
        {needsSecondFactor(user.role) && (
          <Button icon="undo" onClick={() => setAsking({ kind: 'secondFactor' })}>
            Reset second factor
          </Button>
        )}
      </div>
      {asking && (
        <Dialog title={what} onClose={() => setAsking(null)} describedBy="wipe-confirm">
          <p id="wipe-confirm">
            {asking.kind === 'secondFactor'
              ? `For a lost or replaced phone: the authenticator and the recovery codes ${user.displayName} has stop working, and they enrol a new one at their next sign-in. Their caches are kept.`
              : live.length === 0
              ? `${user.displayName} has no cache on any workstation the store knows of.`
              : `Their cache is wiped on ${live.length} workstation${live.length === 1 ? '' : 's'}${unsent ? `, losing ${pendingLabel(unsent)}` : ''}. Their sessions end now.`}
          </p>
          <div className="edit-actions">
            <Button variant="danger" onClick={confirm}>
              {asking.kind === 'disable' ? 'Disable and wipe' : asking.kind === 'role' ? 'Change role and wipe' : asking.kind === 'secondFactor' ? 'Reset second factor' : 'Reset and wipe'}
            </Button>
            <Button onClick={() => setAsking(null)}>Cancel</Button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** What disabling, a new role or a new password costs: the user's caches, desk by desk, with what each has not delivered. */
function WipeWarning({ user }: { user: StaffMember }) {
  const live = user.desks.filter((d) => !d.revoked);
  return (
    <Notice tone="warn">
      Disabling the account, changing its role or resetting its password ends {user.displayName}'s sessions and <strong>wipes their cache on every workstation</strong> that holds it; edits not yet delivered are lost.
      {live.length === 0 ? (
        <span className="notice-detail">No workstation holds their cache.</span>
      ) : (
        <ul className="admin-desks" aria-label={`Workstations holding ${user.username}'s cache`}>
          {live.map((d) => (
            <li key={d.deviceId}>
              <span className="strong">{d.deviceName}</span> <Badge tone={d.pending ? 'warn' : 'neutral'}>{pendingLabel(d.pending)}</Badge> <span className="muted">as reported {dateTime(d.reportedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}
