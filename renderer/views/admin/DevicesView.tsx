import { useState } from 'react';
import { MAX_CONSOLE_CODE_HOURS, type DeviceOverview } from '../../../domain/admin';
import { SessionPolicy } from '../../../domain/entities';
import { messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormTextField } from '../../components/FormField';
import { FormRefusal, Notice } from '../../components/Notice';
import { SelectField } from '../../components/SelectField';
import { dateTime } from '../../format';
import { useAdminChange, useWorkstations } from '../../hooks/useAdmin';
import { useDomainForm } from '../../hooks/useDomainForm';
import { issuesBy, pendingLabel } from './adminForms';

const HOURS = [1, 4, 8, MAX_CONSOLE_CODE_HOURS].map((h) => ({ value: String(h), label: `${h} hour${h === 1 ? '' : 's'}` }));

/**
 * The administrator's workstations (issue 14): each with its last contact and whose caches it holds,
 * with what each has not delivered, and Revoke (the desk is refused from its next request and wipes
 * every cache and its keys); short-lived enrolment codes for one workstation each, shown once; and
 * the session policy the central store gives every desk at sign-in and unlock.
 */
export function DevicesView() {
  const { directory, error } = useWorkstations();
  const [revoking, setRevoking] = useState<DeviceOverview | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const revoke = useAdminChange('admin.revokeDevice');
  const confirmRevoke = async () => {
    const device = revoking!;
    setRevoking(null);
    try {
      const r = await revoke({ deviceId: device.id });
      setOutcome({ tone: 'good', text: r.changed ? `${device.name} is revoked: ${r.sessionsEnded} session(s) ended; it wipes every cache and its keys at its next contact.` : `${device.name} was already revoked.` });
    } catch (err) {
      setOutcome({ tone: 'bad', text: messageOf(err) });
    }
  };
  const live = directory?.devices.filter((d) => !d.revokedAt) ?? [];
  const revoked = directory?.devices.filter((d) => d.revokedAt) ?? [];
  return (
    <div className="queue-page admin-page" role="region" aria-label="Workstations" tabIndex={0}>
      <header className="view-header">
        <h1 tabIndex={-1}>Workstations</h1>
        <p className="muted">Enrolled desks and whose caches they hold, enrolment codes, and the session policy every desk works under.</p>
      </header>
      {error && <Notice tone="bad">{error}</Notice>}
      {outcome && (
        <Notice tone={outcome.tone} assertive={outcome.tone === 'bad'}>
          {outcome.text}
        </Notice>
      )}
      <section className="queue-panel" aria-labelledby="desks-title">
        <h2 id="desks-title">Enrolled ({live.length})</h2>
        <DeviceTable devices={live} onRevoke={setRevoking} />
        {revoked.length > 0 && (
          <details className="admin-revoked">
            <summary>Revoked ({revoked.length})</summary>
            <DeviceTable devices={revoked} />
          </details>
        )}
      </section>
      <div className="admin-columns">
        {directory && <EnrolmentCodes codes={directory.codes} />}
        {directory && <SessionPolicyForm policy={directory.policy} />}
      </div>
      {revoking && (
        <Dialog title={`Revoke ${revoking.name}?`} onClose={() => setRevoking(null)} describedBy="revoke-confirm">
          <p id="revoke-confirm">
            It is refused from its next request and wipes every cache and its keys
            {revoking.users.length ? `: ${revoking.users.map((u) => `${u.username} (${pendingLabel(u.pending)})`).join(', ')}` : ''}. It must be enrolled again with a new code.
          </p>
          <div className="edit-actions">
            <Button variant="danger" onClick={() => void confirmRevoke()}>
              Revoke and wipe
            </Button>
            <Button onClick={() => setRevoking(null)}>Cancel</Button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function DeviceTable({ devices, onRevoke }: { devices: readonly DeviceOverview[]; onRevoke?: (device: DeviceOverview) => void }) {
  if (!devices.length) return <p className="muted">None.</p>;
  return (
    <table className="table admin-table">
      <caption className="sr-only">Workstations</caption>
      <thead>
        <tr>
          <th scope="col">Workstation</th>
          <th scope="col">Enrolled</th>
          <th scope="col">Last contact</th>
          <th scope="col">Caches held (edits not yet delivered)</th>
          <th scope="col">{onRevoke ? <span className="sr-only">Action</span> : 'Revoked'}</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((d) => (
          <tr key={d.id}>
            <th scope="row">
              {d.name}
              <div className="mono muted">{d.id.slice(0, 8)}</div>
            </th>
            <td>{dateTime(d.enrolledAt)}</td>
            <td>{d.lastContactAt ? dateTime(d.lastContactAt) : <span className="muted">never</span>}</td>
            <td>
              {d.users.length === 0 ? (
                <span className="muted">none reported</span>
              ) : (
                <ul className="admin-desks">
                  {d.users.map((u) => (
                    <li key={u.userId}>
                      <span className="mono">{u.username}</span> <Badge tone={u.pending ? 'warn' : 'neutral'}>{pendingLabel(u.pending)}</Badge>
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              {onRevoke ? (
                <Button variant="danger" onClick={() => onRevoke(d)} aria-label={`Revoke ${d.name}`}>
                  Revoke
                </Button>
              ) : (
                dateTime(d.revokedAt)
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EnrolmentCodes({ codes }: { codes: readonly { ref: string; createdAt: string; expiresAt: string; usesLeft: number }[] }) {
  const issue = useAdminChange('admin.issueEnrolmentCode');
  const [hours, setHours] = useState('4');
  const [issued, setIssued] = useState<{ code: string; expiresAt: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const onIssue = async () => {
    setFailure(null);
    try {
      setIssued(await issue({ hours: Number(hours) }));
    } catch (err) {
      setFailure(messageOf(err));
    }
  };
  return (
    <section className="queue-panel" aria-labelledby="codes-title">
      <h2 id="codes-title">Enrolment codes</h2>
      <p className="muted">One workstation each, typed at its first start; stored only hashed, so a code is shown once.</p>
      <div className="edit-row">
        <SelectField label="Valid for" value={hours} options={HOURS} onValue={setHours} className="admin-code-hours" />
        <Button variant="primary" icon="plus" onClick={() => void onIssue()} className="admin-inline-submit">
          Issue a code
        </Button>
      </div>
      {failure && (
        <Notice tone="bad" assertive>
          {failure}
        </Notice>
      )}
      {issued && (
        <Notice tone="good">
          Code for one workstation, until {dateTime(issued.expiresAt)}: <code className="admin-secret">{issued.code}</code>
        </Notice>
      )}
      <table className="table admin-table">
        <caption className="sr-only">Open enrolment codes</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Issued</th>
            <th scope="col">Expires</th>
            <th scope="col">Uses left</th>
          </tr>
        </thead>
        <tbody>
          {codes.map((c) => (
            <tr key={c.ref}>
              <th scope="row" className="mono">
                …{c.ref}
              </th>
              <td>{dateTime(c.createdAt)}</td>
              <td>{dateTime(c.expiresAt)}</td>
              <td>{c.usesLeft}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {codes.length === 0 && <p className="muted">No code is open.</p>}
    </section>
  );
}

type PolicyDraft = { idleLockMinutes: string; maxOfflineHours: string };
const policyOf = (d: PolicyDraft) => ({ idleLockMinutes: Number(d.idleLockMinutes), maxOfflineHours: Number(d.maxOfflineHours) });

function SessionPolicyForm({ policy }: { policy: SessionPolicy }) {
  const save = useAdminChange('admin.setSessionPolicy');
  const [saved, setSaved] = useState(false);
  const domain = useDomainForm<PolicyDraft>({
    defaultValues: { idleLockMinutes: String(policy.idleLockMinutes), maxOfflineHours: String(policy.maxOfflineHours) },
    check: (d) => issuesBy(SessionPolicy, policyOf(d)),
    shows: (field) => field === 'idleLockMinutes' || field === 'maxOfflineHours',
    refusal: 'Not saved',
  });
  const submit = domain.submit(async (d) => {
    setSaved(false);
    try {
      await save(policyOf(d));
      setSaved(true);
    } catch (err) {
      domain.refused(err);
    }
  });
  return (
    <section className="queue-panel" aria-labelledby="policy-title">
      <h2 id="policy-title">Session policy</h2>
      <p className="muted">Given to every desk at sign-in and unlock: the idle lock (PCI DSS 8.2.8, at most 15 minutes) and how long a desk may unlock without reaching the central store.</p>
      <form className="admin-form" aria-label="Session policy" onSubmit={submit} noValidate>
        <div className="edit-row">
          <FormTextField control={domain.control} name="idleLockMinutes" label="Idle lock (minutes)" inputMode="numeric" />
          <FormTextField control={domain.control} name="maxOfflineHours" label="Maximum offline (hours)" inputMode="numeric" />
        </div>
        <FormRefusal form={domain} />
        {saved && <Notice tone="good">Saved: desks take it at their next sign-in or unlock.</Notice>}
        <div className="edit-actions">
          <Button type="submit" variant="primary" busy={domain.busy}>
            Save policy
          </Button>
        </div>
      </form>
    </section>
  );
}
