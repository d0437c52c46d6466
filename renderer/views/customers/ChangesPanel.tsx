import type { PendingChange } from '../../../domain/console/contract';
import { Button } from '../../components/Button';
import { Panel } from '../../components/Panel';
import type { ConfirmedChange } from '../../hooks/useCustomer';
import { fieldLabel, phonesInText, time } from '../../format';
import { ChangeMark } from './ChangeMark';
import { UnverifiedChange } from './UnverifiedHold';

/** Every outcome of the rep's edits stays visible: pending, confirmed, in conflict, held for review or rejected with the reason. */
export function ChangesPanel({ changes, confirmed, onDismiss, customerId, verificationId }: {
  changes: readonly PendingChange[];
  confirmed: readonly ConfirmedChange[];
  onDismiss: (mutationId: string) => Promise<void>;
  customerId: string;
  /** the rep's current verification of this caller (issue 16: what releases a correction held unverified) */
  verificationId: string | null;
}) {
  if (changes.length === 0 && confirmed.length === 0) return null;
  return (
    <Panel id="changes" title="Changes">
      <ul className="change-list">
        {changes.map((c) => (
          <li key={c.mutationId} className={`change change-${c.status}`}>
            <div className="change-line">
              <ChangeMark mark={c.status} />
              <span className="change-fields">{c.fields.map(fieldLabel).join(', ')}</span>
              <span className="change-time">{time(c.createdAt)}</span>
            </div>
            <div className="change-reason">“{phonesInText(c.reason)}”</div>
            {c.unverified && <UnverifiedChange change={c} customerId={customerId} verificationId={verificationId} />}
            {c.status === 'pending' && !c.unverified && <div className="change-note">Waiting for the central store.</div>}
            {c.status === 'conflict' && <div className="change-note">Changed by someone else meanwhile: resolve under Conflicts (Alt+2).</div>}
            {c.status === 'held' && c.hold && !c.unverified && (
              <div className="change-note tone-warn" data-testid="change-held">
                {c.hold.message}
                <code className="rule">{c.hold.reason}</code>
              </div>
            )}
            {c.status === 'rejected' && c.rejection && (
              <div className="change-note tone-bad">
                {phonesInText(c.rejection.message)}
                {c.rejection.issues.map((i) => (
                  <code key={i.field + i.rule} className="rule">
                    {i.field}: {i.rule}
                  </code>
                ))}
                <Button variant="ghost" onClick={() => void onDismiss(c.mutationId)}>
                  Dismiss
                </Button>
              </div>
            )}
          </li>
        ))}
        {confirmed.map((c) => (
          <li key={c.mutationId} className="change change-confirmed">
            <div className="change-line">
              <ChangeMark mark="confirmed" />
              <span className="change-fields">{c.fields.map(fieldLabel).join(', ')}</span>
              <span className="change-time">{time(c.confirmedAt)}</span>
            </div>
            <div className="change-reason">“{phonesInText(c.reason)}”</div>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
