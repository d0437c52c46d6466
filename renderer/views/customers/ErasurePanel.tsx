import { useState } from 'react';
import { ERASURE_SCOPES, type ErasureScope } from '../../../domain/entities';
import { ERASURE_SCOPE_LABELS } from '../../../domain/erasure';
import type { Role } from '../../../domain/roles';
import { performers } from '../../../domain/operations';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { dateTime, phonesInText } from '../../format';
import { useQueue } from '../../hooks/useQueue';
import { useRecordChange } from '../../hooks/useRecordChange';
import { EditFrame } from './edit/EditFrame';
import { useReasonForm } from './edit/useReasonForm';
import { ERASURE_STATUS, scopeLabel } from '../erasure/erasureLabels';

/**
 * "Remove my personal data" on the call (policy; issue 11): the customer's erasure requests with
 * their state, and for a role that files them, a request with what the caller asked, once the
 * caller is verified. A supervisor or compliance officer other than the filer decides it.
 */
const ERASURE_REASONS = ['Caller asked to remove their personal data', 'Caller is closing the account and asked for erasure', 'Caller no longer wants to be contacted'];

export function ErasurePanel({ customerId, role, verified }: { customerId: string; role: Role; verified: boolean }) {
  const { items } = useQueue('erasureRequest');
  const requests = (items ?? []).filter((item) => item.record.customerId === customerId);
  const mayFile = performers('erasureRequest.file').includes(role);
  const [filing, setFiling] = useState(false);
  const [filed, setFiled] = useState(false);
  // the lesser erasure is the default: the whole account is what the caller must ask for
  const [scope, setScope] = useState<ErasureScope>('contact');
  const change = useRecordChange();
  const domain = useReasonForm('Not filed');
  const submit = domain.submit(async ({ reason }) => {
    try {
      await change({ operation: 'erasureRequest.file', values: { customerId, scope, reason: reason.trim() }, reason: reason.trim() });
      setFiling(false);
      setFiled(true);
    } catch (err) {
      domain.refused(err);
    }
  });

  const open = requests.some((r) => r.record.status === 'pending' || r.record.status === 'approved');
  return (
    <Panel
      id="erasure"
      title="Erasure of personal data"
      actions={
        mayFile &&
        !filing &&
        !open && (
          <Button variant="ghost" icon="trash" onClick={() => (verified ? (setFiled(false), setFiling(true)) : undefined)} aria-disabled={!verified} title={verified ? undefined : 'Verify the caller first'}>
            Request erasure
          </Button>
        )
      }
    >
      {filed && open && <Notice tone="good">Erasure request filed: a supervisor or compliance officer decides it. The caller can be told it is on its way.</Notice>}
      {filing && (
        <EditFrame form={{ control: domain.control, submit, cancel: () => setFiling(false), busy: domain.busy, formError: domain.formError, otherIssues: domain.otherIssues }} label="Request erasure" reasons={ERASURE_REASONS}>
          <fieldset className="choice-row">
            <legend className="field-label">What the caller asks to erase</legend>
            {ERASURE_SCOPES.map((s, i) => (
              <label key={s} className="radio choice">
                <input type="radio" name={`erasure-scope-${customerId}`} value={s} checked={scope === s} autoFocus={i === 0} onChange={() => setScope(s)} />
                <span>
                  <span className="strong">{ERASURE_SCOPE_LABELS[s].label}</span>
                  <span className="choice-hint">{ERASURE_SCOPE_LABELS[s].explains}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <p className="small muted">Nothing is erased until a supervisor or compliance officer approves. Write what the caller asked for.</p>
        </EditFrame>
      )}
      {requests.length === 0 && !filing && <p className="muted">{mayFile && !verified ? 'Verify the caller to file a request.' : 'No erasure requested.'}</p>}
      {requests.length > 0 && (
        <ul className="change-list" aria-label="Erasure requests">
          {requests.map(({ record }) => {
            const status = ERASURE_STATUS[String(record.status)] ?? { label: String(record.status), tone: 'neutral' as const };
            return (
              <li key={record.id} className="change">
                <div className="change-line">
                  <Badge tone={status.tone}>{status.label}</Badge>
                  <span className="strong">{scopeLabel(record)}</span>
                  <span className="change-time">{dateTime(record.filedAt)}</span>
                </div>
                <div className="change-reason">“{phonesInText(String(record.reason))}”</div>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
