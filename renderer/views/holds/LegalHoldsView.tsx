import { useRef, useState } from 'react';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useQueue } from '../../hooks/useQueue';
import { StepForm } from '../customers/edit/StepForm';
import { HOLD_STATUS, holdKindLabel } from './holdLabels';
import { PlaceHoldForm } from './PlaceHoldForm';
import { QueuedChange } from '../../components/QueuedChange';

type Item = NonNullable<ReturnType<typeof useQueue>['items']>[number];

/**
 * The legal holds of a compliance officer (issue 11): while a hold is active, no erasure request for
 * its customer can be approved, and the approver is told why. Holds are placed here on a customer
 * found with the console's search and released with a reason; active ones first.
 */
export function LegalHoldsView({ userId }: { userId: string }) {
  const { items, error } = useQueue('legalHold');
  const active = (items ?? []).filter((i) => i.record.status === 'active');
  const released = (items ?? []).filter((i) => i.record.status !== 'active');
  const [placing, setPlacing] = useState(false);
  const [placed, setPlaced] = useState<{ id: string; customerName: string } | null>(null);
  const placeButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  return (
    // the view scrolls: it can take the focus, so that the keyboard scrolls it too
    <div className="queue-page holds" role="region" aria-label="Legal holds" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Legal holds</h1>
          <p className="muted">While a hold is active, no erasure request for its customer can be approved: the approver is told which hold stops it.</p>
        </div>
        {!placing && (
          <Button ref={placeButton} variant="primary" icon="plus" onClick={() => (setPlaced(null), setPlacing(true))}>
            Place a hold
          </Button>
        )}
      </header>
      {placing && (
        <section className="queue-panel" aria-labelledby="place-title">
          <h2 id="place-title">Place a hold</h2>
          <PlaceHoldForm
            onDone={(hold) => {
              setPlacing(false);
              setPlaced(hold);
              focusAfterRender(() => placeButton.current);
            }}
          />
        </section>
      )}
      {placed && active.some((i) => i.record.id === placed.id) && (
        <Notice tone="good">Hold placed on {placed.customerName}. Erasure requests for this customer cannot be approved until it is released.</Notice>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="active-holds-title">
        <h2 id="active-holds-title">Active ({active.length})</h2>
        {items && active.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>No hold is active: nothing stops an erasure request from being approved.</p>
          </div>
        )}
        <ul className="approval-list" aria-label="Active holds">
          {active.map((item) => (
            <HoldItem key={item.record.id} item={item} userId={userId} />
          ))}
        </ul>
      </section>
      {released.length > 0 && (
        <section aria-labelledby="released-holds-title">
          <h2 id="released-holds-title">Released ({released.length})</h2>
          <ul className="approval-list" aria-label="Released holds">
            {released.map((item) => (
              <HoldItem key={item.record.id} item={item} userId={userId} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** Who took a step, as the central store stamped it (a user id: the desk holds no directory of users), and when. */
function stamp(by: unknown, at: unknown, userId: string) {
  if (typeof at !== 'string') return <span className="muted">not yet stored by the central store</span>;
  return (
    <>
      {by === userId ? 'by you' : <>by user <span className="mono">{String(by)}</span></>}, {dateTime(at)}
    </>
  );
}

function HoldItem({ item, userId }: { item: Item; userId: string }) {
  const { record } = item;
  const status = HOLD_STATUS[String(record.status)] ?? { label: String(record.status), tone: 'neutral' as const };
  const name = item.customerName ?? '(customer no longer on this desk)';
  const mine = item.changes.at(-1);
  return (
    <li className="approval hold">
      <div className="change-line">
        <span className="strong">{name}</span>
        <Badge tone={status.tone} icon={record.status === 'active' ? 'scale' : undefined}>
          {status.label}
        </Badge>
      </div>
      <dl className="hold-facts">
        <dt>Kind</dt>
        <dd>{holdKindLabel(record.kind)}</dd>
        <dt>Reference</dt>
        <dd className="mono">{String(record.reference)}</dd>
        <dt>Placed</dt>
        <dd>{stamp(record.placedBy, record.placedAt, userId)}</dd>
        {record.status !== 'active' && (
          <>
            <dt>Released</dt>
            <dd>{stamp(record.releasedBy, record.releasedAt, userId)}</dd>
          </>
        )}
      </dl>
      <QueuedChange entity="legalHold" change={mine} />
      {record.status === 'active' && (!mine || mine.status === 'rejected') && <ReleaseHold item={item} name={name} />}
    </li>
  );
}


/** Release, with the reason: the hold stops blocking erasure once the central store has it. */
function ReleaseHold({ item, name }: { item: Item; name: string }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const close = () => {
    setOpen(false);
    focusAfterRender(() => opener.current);
  };
  if (!open) {
    return (
      <div className="edit-actions">
        <Button ref={opener} onClick={() => setOpen(true)}>
          Release<span className="sr-only"> the hold on {name}</span>…
        </Button>
      </div>
    );
  }
  return <StepForm operation="legalHold.release" recordId={item.record.id} to="released" step={{ action: 'Release the hold', example: 'Preservation period over…' }} name={name} onClose={close} />;
}
