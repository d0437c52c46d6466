import { useRef, useState, type KeyboardEvent } from 'react';
import { INQUIRY_STATUSES } from '../../../domain/entities/prospects';
import type { Role } from '../../../domain/roles';
import { Badge } from '../../components/Badge';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { dateTime } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useQueue } from '../../hooks/useQueue';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { InquiryDetail, type InquiryEntry } from './InquiryDetail';
import { INQUIRY_STATUS, inquiryStatus, subjectOf } from './inquiryLabels';

const receivedAt = (entry: InquiryEntry) => String(entry.record.receivedAt ?? '');
/** Open inquiries are a queue, the oldest first; answered and closed ones are a record of work, the newest first. */
const ordered = (entries: InquiryEntry[], status: string) =>
  entries.filter((e) => e.record.status === status).sort((a, b) => (status === 'open' ? receivedAt(a).localeCompare(receivedAt(b)) : receivedAt(b).localeCompare(receivedAt(a))));

/**
 * The email inquiries of care reps and supervisors (issue 12): the queue (open first, oldest first;
 * then answered and closed), and the inquiry opened from it, read and worked in the pane beside it.
 * The view says what the policy binds the return address to; the queue never shows it.
 */
export function InquiriesView({ role }: { role: Role }) {
  const { items, error } = useQueue('inquiry');
  const online = useSyncStatus()?.online ?? false;
  const [selected, setSelected] = useState<string | null>(null);
  const queue = useRef<HTMLDivElement>(null);
  const detail = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const all = items ?? [];
  const opened = all.find((i) => i.record.id === selected) ?? null;
  const rowOf = (id: string) => queue.current?.querySelector<HTMLElement>(`[data-inquiry="${CSS.escape(id)}"]`);

  const openInquiry = (id: string) => {
    setSelected(id);
    focusAfterRender(() => detail.current?.querySelector<HTMLElement>('h2'));
  };
  // Esc in the opened inquiry (outside its forms, which take their own Esc) goes back to its line in the queue
  const onDetailKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented || !selected) return;
    event.preventDefault();
    rowOf(selected)?.focus();
  };

  return (
    <div className="inquiries" role="region" aria-label="Inquiries">
      <header className="view-header">
        <h1 tabIndex={-1}>Inquiries</h1>
        <p className="inquiry-purpose">
          <Icon name="shield" size={15} />
          <span>
            Emails from customers and prospects, with card numbers and SSNs already removed. The return address is used only to answer the inquiry: it is never shared or exported, and it is
            copied into a customer's record only when you link the inquiry to that customer yourself.
          </span>
        </p>
      </header>
      {error && <Notice tone="bad">{error}</Notice>}
      <div className="inquiry-split">
        <div className="inquiry-queue" ref={queue} role="region" aria-label="Inquiry queue">
          {items && all.length === 0 && (
            <div className="empty-state small">
              <Icon name="inbox" size={24} />
              <p>No inquiries. Emails sent to the service's address arrive here once the central store has read them.</p>
            </div>
          )}
          {INQUIRY_STATUSES.map((status) => {
            const entries = ordered(all, status);
            if (status !== 'open' && entries.length === 0) return null;
            const label = INQUIRY_STATUS[status].label;
            return (
              <section key={status} aria-labelledby={`inquiries-${status}`}>
                <h2 id={`inquiries-${status}`} className="queue-title">
                  {label} ({entries.length})
                </h2>
                {status === 'open' && items && entries.length === 0 && all.length > 0 && <p className="muted small">Nothing waits for an answer.</p>}
                <ul className="inquiry-list" aria-label={`${label} inquiries, ${status === 'open' ? 'oldest' : 'newest'} first`}>
                  {entries.map((entry) => (
                    <li key={entry.record.id}>
                      <button type="button" className="inquiry-row" data-inquiry={entry.record.id} aria-current={entry.record.id === selected ? 'true' : undefined} onClick={() => openInquiry(entry.record.id)}>
                        <span className="inquiry-row-subject">{subjectOf(entry.record)}</span>
                        <span className="inquiry-row-meta">
                          <Badge tone={inquiryStatus(entry.record.status).tone}>{inquiryStatus(entry.record.status).label}</Badge>
                          <span>received {dateTime(entry.record.receivedAt)}</span>
                        </span>
                        {entry.customerName && (
                          <span className="inquiry-row-customer">
                            <Icon name="users" size={12} /> {entry.customerName}
                          </span>
                        )}
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
        <div className="inquiry-pane" ref={detail} role="region" aria-label="Opened inquiry" tabIndex={0} onKeyDown={onDetailKeyDown}>
          {opened ? (
            <InquiryDetail key={opened.record.id} item={opened} role={role} online={online} />
          ) : (
            <div className="empty-state small">
              <Icon name="mail" size={24} />
              <p>{selected && items ? 'This inquiry is no longer on this desk.' : 'Open an inquiry from the queue to read it and answer it.'}</p>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
