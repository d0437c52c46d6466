import { useState } from 'react';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { Icon } from '../../components/Icon';
import { QueuedChange } from '../../components/QueuedChange';
import { Notice } from '../../components/Notice';
import { dateTime, phonesInText } from '../../format';
import { useQueue } from '../../hooks/useQueue';
import { useRecordChange } from '../../hooks/useRecordChange';
import { useReasonForm } from '../customers/edit/useReasonForm';
import { CertificateView } from './CertificateView';
import { ERASURE_STATUS, scopeLabel } from './erasureLabels';

type Item = NonNullable<ReturnType<typeof useQueue>['items']>[number];

/**
 * The approvals of a supervisor or compliance officer: erasure requests waiting for a decision, each
 * approved (the central store then erases the customer everywhere) or refused with a reason. A
 * decision the store refuses — a legal hold, the filer deciding their own request — shows why.
 * Decided requests keep their certificate one click away.
 */
export function ApprovalsView() {
  const { items, error } = useQueue('erasureRequest');
  const waiting = (items ?? []).filter((i) => i.record.status === 'pending');
  const decided = (items ?? []).filter((i) => i.record.status !== 'pending');
  return (
    // the view scrolls: it can take the focus, so that the keyboard scrolls it too
    <div className="queue-page approvals" role="region" aria-label="Approvals" tabIndex={0}>
      <header className="view-header">
        <h1 tabIndex={-1}>Approvals</h1>
        <p className="muted">Erasure requests filed on calls. Approving erases the customer on every desk; billing records the law requires are kept apart. You cannot decide a request you filed.</p>
      </header>
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title">Waiting for a decision ({waiting.length})</h2>
        {items && waiting.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>Nothing waits for a decision.</p>
          </div>
        )}
        <ul className="approval-list">
          {waiting.map((item) => (
            <PendingRequest key={item.record.id} item={item} />
          ))}
        </ul>
      </section>
      {decided.length > 0 && (
        <section aria-labelledby="decided-title">
          <h2 id="decided-title">Decided</h2>
          <ul className="approval-list">
            {decided.map((item) => (
              <DecidedRequest key={item.record.id} item={item} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function RequestSummary({ item }: { item: Item }) {
  const status = ERASURE_STATUS[String(item.record.status)] ?? { label: String(item.record.status), tone: 'neutral' as const };
  return (
    <div className="approval-summary">
      <div className="change-line">
        <span className="strong">{item.customerName ?? '(customer no longer on this desk)'}</span>
        <Badge tone={status.tone}>{status.label}</Badge>
        <span>{scopeLabel(item.record)}</span>
        <span className="change-time">filed {dateTime(item.record.filedAt)}</span>
      </div>
      <div className="change-reason">“{phonesInText(String(item.record.reason))}”</div>
    </div>
  );
}

function PendingRequest({ item }: { item: Item }) {
  const change = useRecordChange();
  const label = item.customerName ?? 'this customer';
  const domain = useReasonForm('Not decided');
  const decide = (status: 'approved' | 'rejected') =>
    domain.submit(async ({ reason }) => {
      try {
        await change({ operation: 'erasureRequest.decide', id: item.record.id, values: { status }, reason: reason.trim() });
      } catch (err) {
        domain.refused(err);
      }
    });
  const mine = item.changes.at(-1);
  return (
    <li className="approval">
      <RequestSummary item={item} />
      <QueuedChange entity="erasureRequest" change={mine} pending="Your decision is on its way to the central store." refused="Your decision was refused" />
      {(!mine || mine.status === 'rejected') && (
        <form className="approval-form" aria-label={`Decide the erasure request of ${label}`} onSubmit={(e) => e.preventDefault()} noValidate>
          <FormTextField control={domain.control} name="reason" label="Reason for the decision" placeholder="Identity checked on a callback…" maxLength={500} required />
          {domain.formError && <Notice tone="bad">{domain.formError}</Notice>}
          <div className="edit-actions">
            <Button variant="danger" icon="trash" busy={domain.busy} onClick={() => void decide('approved')()}>
              Approve and erase
            </Button>
            <Button variant="secondary" busy={domain.busy} onClick={() => void decide('rejected')()}>
              Refuse
            </Button>
          </div>
        </form>
      )}
    </li>
  );
}


function DecidedRequest({ item }: { item: Item }) {
  const [shown, setShown] = useState(false);
  return (
    <li className="approval">
      <RequestSummary item={item} />
      {item.record.status === 'completed' &&
        (shown ? (
          <CertificateView requestId={item.record.id} />
        ) : (
          <Button variant="ghost" icon="shieldCheck" onClick={() => setShown(true)}>
            Show certificate
          </Button>
        ))}
    </li>
  );
}
