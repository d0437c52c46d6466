import { useRef, useState } from 'react';
import { DISCLOSABLE_FIELDS, LEGAL_BASIS_RULES } from '../../../domain/disclosure';
import type { DisclosableFieldName, DisclosedItem, DisclosureRecord, LegalBasis } from '../../../domain/entities/compliance';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useQueue } from '../../hooks/useQueue';
import { DISCLOSURE_STATUS, byWhom } from './complianceLabels';
import { DisclosureForm } from './DisclosureForm';
import { saveFile } from './saveFile';

type Item = NonNullable<ReturnType<typeof useQueue>['items']>[number];
/** What an approval released: shown and saved from memory only, never kept on the desk. */
type Released = Record<string, DisclosedItem[]>;

/**
 * The disclosure register of compliance officers (issue 14): every legal disclosure, recorded before
 * anything leaves. One officer records it (the items its legal basis allows); another approves it,
 * and only that approval makes the central store release the items, handed to the approving officer
 * to save. Waiting ones first; the register comes from the desk's cache, the items never do.
 */
export function DisclosuresView({ userId }: { userId: string }) {
  const { items, error } = useQueue('disclosureRecord');
  const waiting = (items ?? []).filter((i) => i.record.status === 'prepared');
  const approved = (items ?? []).filter((i) => i.record.status !== 'prepared');
  const [recording, setRecording] = useState(false);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [released, setReleased] = useState<Released>({});
  const recordButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  return (
    <div className="queue-page disclosures" role="region" aria-label="Disclosure register" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Disclosure register</h1>
          <p className="muted">Every disclosure to law enforcement or for the policy’s special cases is recorded here before anything leaves, and released only once another compliance officer approves it.</p>
        </div>
        {!recording && (
          <Button ref={recordButton} variant="primary" icon="plus" onClick={() => (setRecorded(null), setRecording(true))}>
            Record a disclosure
          </Button>
        )}
      </header>
      {recording && (
        <section className="queue-panel" aria-labelledby="record-title">
          <h2 id="record-title">Record a disclosure</h2>
          <DisclosureForm
            onDone={(prepared) => {
              setRecording(false);
              setRecorded(prepared ? prepared.customerName : null);
              focusAfterRender(() => recordButton.current);
            }}
          />
        </section>
      )}
      {recorded && <Notice tone="good">Disclosure about {recorded} recorded. Nothing leaves until another compliance officer approves it.</Notice>}
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title">Awaiting approval ({waiting.length})</h2>
        {items && waiting.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>No disclosure is waiting for approval.</p>
          </div>
        )}
        <ul className="approval-list" aria-label="Disclosures awaiting approval">
          {waiting.map((item) => (
            <DisclosureItem key={item.record.id} item={item} userId={userId} released={released[item.record.id]} onReleased={(items) => setReleased((r) => ({ ...r, [item.record.id]: items }))} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="approved-title">
        <h2 id="approved-title">Approved ({approved.length})</h2>
        <ul className="approval-list" aria-label="Approved disclosures">
          {approved.map((item) => (
            <DisclosureItem key={item.record.id} item={item} userId={userId} released={released[item.record.id]} onReleased={() => undefined} />
          ))}
        </ul>
      </section>
    </div>
  );
}

function DisclosureItem({ item, userId, released, onReleased }: { item: Item; userId: string; released: DisclosedItem[] | undefined; onReleased: (items: DisclosedItem[]) => void }) {
  const record = item.record as unknown as DisclosureRecord;
  const status = DISCLOSURE_STATUS[record.status] ?? { label: record.status, tone: 'neutral' as const };
  const name = item.customerName ?? '(customer no longer on this desk)';
  const basis = LEGAL_BASIS_RULES[record.legalBasis as LegalBasis];
  return (
    <li className="approval disclosure">
      <div className="change-line">
        <span className="strong">{name}</span>
        {item.accountNumber && <span className="mono muted">{item.accountNumber}</span>}
        <Badge tone={status.tone} icon={record.status === 'approved' ? 'check' : 'clock'}>
          {status.label}
        </Badge>
        {record.nonDisclosureOrder && (
          <Badge tone="bad" icon="lock">
            Non-disclosure order
          </Badge>
        )}
      </div>
      <dl className="hold-facts">
        <dt>Requester</dt>
        <dd>{record.requester}</dd>
        <dt>Legal basis</dt>
        <dd>
          {basis?.label ?? record.legalBasis} <span className="muted">({basis?.authority})</span>
        </dd>
        <dt>Items</dt>
        <dd>{record.fieldsDisclosed.map((f) => DISCLOSABLE_FIELDS[f as DisclosableFieldName]?.label ?? f).join(', ')}</dd>
        <dt>Document</dt>
        <dd className="mono">{record.documentReference}</dd>
        <dt>Prepared</dt>
        <dd>
          by {byWhom(record.preparedBy, userId)}, {dateTime(record.preparedAt)}
        </dd>
        <dt>Approved</dt>
        <dd>{record.approvedAt ? `by ${byWhom(record.approvedBy, userId)}, ${dateTime(record.approvedAt)}` : 'not yet'}</dd>
      </dl>
      {record.status === 'prepared' && (record.preparedBy === userId ? <p className="muted">You prepared it: another compliance officer approves it.</p> : <Approve item={item} record={record} name={name} onReleased={onReleased} />)}
      {released && <ReleasedItems record={record} name={name} items={released} />}
    </li>
  );
}

/** The approval: the central store records it, then reads the items and hands them to this officer. */
function Approve({ record, name, onReleased }: { item: Item; record: DisclosureRecord; name: string; onReleased: (items: DisclosedItem[]) => void }) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const approve = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      const { disclosed } = await invoke('disclosure.approve', { disclosureId: record.id });
      onReleased(disclosed ?? []);
    } catch (err) {
      setRefusal(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="edit-actions">
      <Button variant="primary" icon="shieldCheck" busy={busy} onClick={() => void approve()}>
        Approve and release<span className="sr-only"> the disclosure about {name}</span>
      </Button>
      {refusal && (
        <Notice tone="bad" assertive>
          Not approved: {refusal}
        </Notice>
      )}
    </div>
  );
}

function ReleasedItems({ record, name, items }: { record: DisclosureRecord; name: string; items: DisclosedItem[] }) {
  const text = [
    `Disclosure ${record.id}`,
    `Customer: ${name}`,
    `Requester: ${record.requester}`,
    `Legal basis: ${LEGAL_BASIS_RULES[record.legalBasis].label} (${LEGAL_BASIS_RULES[record.legalBasis].authority})`,
    `Document: ${record.documentReference}`,
    '',
    ...items.map((i) => `${i.label}: ${i.value}`),
    '',
  ].join('\r\n');
  const fileName = `disclosure-${record.documentReference.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}.txt`;
  return (
    <section className="released" aria-label={`Released items: ${name}`}>
      <h3>Released to you</h3>
      <dl className="hold-facts">
        {items.map((i) => (
          <div key={i.field} className="released-item">
            <dt>{i.label}</dt>
            <dd>{i.value || '—'}</dd>
          </div>
        ))}
      </dl>
      <div className="edit-actions">
        <Button icon="download" onClick={() => saveFile(fileName, text, 'text/plain')}>
          Save the disclosure
        </Button>
        <span className="muted">Kept only on this screen: it is gone when you leave the view.</span>
      </div>
    </section>
  );
}
