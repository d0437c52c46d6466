import { useState } from 'react';
import type { Role } from '../../../domain/roles';
import { performers } from '../../../domain/operations';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { Panel } from '../../components/Panel';
import { dateTime, phone, phonesInText } from '../../format';
import { useQueue } from '../../hooks/useQueue';
import { useRecordChange } from '../../hooks/useRecordChange';
import { EditFrame } from './edit/EditFrame';
import { useReasonForm } from './edit/useReasonForm';

const CALLBACK_REASONS = ['Caller asked to be called back once the system is back', 'Caller wants to correct their contact details', 'Caller has a question about the bill'];

/**
 * Callbacks the caller asked for (issue 16): recorded on the call, offline too and with no verified
 * caller, as the rep's word with the reason; called back on the number on file (never one given on
 * the call: the record has none), and marked done by whoever called. Open ones stay on the profile.
 */
export function CallbacksPanel({ customerId, role, numberOnFile }: { customerId: string; role: Role; numberOnFile: string | null }) {
  const { items } = useQueue('callbackRequest');
  const callbacks = (items ?? []).filter((item) => item.record.customerId === customerId);
  const mayRecord = performers('callbackRequest.record').includes(role);
  const mayClose = performers('callbackRequest.setStatus').includes(role);
  const [recording, setRecording] = useState(false);
  const change = useRecordChange();
  const domain = useReasonForm('Not recorded');
  const submit = domain.submit(async ({ reason }) => {
    try {
      await change({ operation: 'callbackRequest.record', values: { customerId, reason: reason.trim() }, reason: reason.trim() });
      setRecording(false);
    } catch (err) {
      domain.refused(err);
    }
  });
  const open = callbacks.filter((c) => c.record.status === 'requested');
  return (
    <Panel
      id="callbacks"
      title="Callbacks"
      actions={
        mayRecord &&
        !recording && (
          <Button variant="ghost" icon="clock" onClick={() => setRecording(true)}>
            Record a callback
          </Button>
        )
      }
    >
      {recording && (
        <EditFrame form={{ control: domain.control, submit, cancel: () => setRecording(false), busy: domain.busy, formError: domain.formError, otherIssues: domain.otherIssues }} label="Record a callback" reasons={CALLBACK_REASONS} saveLabel="Record callback">
          <p className="small">The caller asked to be called back: recorded as your word, not a verified request. The call goes to the number on file{numberOnFile ? `, ${phone(numberOnFile)}` : ''}.</p>
        </EditFrame>
      )}
      {callbacks.length === 0 && !recording && <p className="muted">No callback asked for.</p>}
      {callbacks.length > 0 && (
        <ul className="change-list" aria-label="Callbacks asked for">
          {callbacks.map(({ record, changes }) => (
            <li key={record.id} className="change">
              <div className="change-line">
                <Badge tone={record.status === 'done' ? 'good' : 'warn'}>{record.status === 'done' ? 'Called back' : 'To call back'}</Badge>
                {typeof record.requestedAt === 'string' && <span className="change-time">{dateTime(record.requestedAt)}</span>}
              </div>
              <div className="change-reason">“{phonesInText(String(record.reason))}”</div>
              {record.status === 'requested' && numberOnFile && <div className="change-note">Call the number on file: {phone(numberOnFile)}</div>}
              {changes.some((c) => c.status === 'pending') && <div className="change-note">Waiting for the central store.</div>}
              {changes.map((c) => c.status === 'rejected' && c.rejection && <Notice key={c.mutationId} tone="bad">Refused: {c.rejection.message}</Notice>)}
              {record.status === 'requested' && mayClose && (
                <Button variant="ghost" onClick={() => void change({ operation: 'callbackRequest.setStatus', id: String(record.id), values: { status: 'done' }, reason: 'Called the customer back on the number on file' })}>
                  Mark called back
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {open.length > 0 && <p className="sr-only">{open.length} callbacks to make</p>}
    </Panel>
  );
}
