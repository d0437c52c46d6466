import { useState } from 'react';
import type { SearchHit } from '../../../domain/console/contract';
import { SERVICE_LINE_STATUSES } from '../../../domain/entities/service';
import type { Role } from '../../../domain/roles';
import { invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { useServiceLines } from '../../hooks/useServiceLines';
import { CustomerPicker } from '../holds/CustomerPicker';
import { LineCard, type LineEntry } from './LineCard';
import { LineEditDialog, type LineChange } from './LineEditDialog';
import { LINE_STATUS } from './lineLabels';

type Status = (typeof SERVICE_LINE_STATUSES)[number];

/**
 * Network operations' service lines (issue 14). `lines`: the lines of a status, or of one customer
 * found with the console's search. `review`: the queue of lines the central store flagged because
 * their customer's service address changed without their E911 address, oldest first; an E911 update
 * clears the flag. Each line opens for a change of its plan, status or E911 address, online.
 */
export function ServiceLinesView({ mode, role }: { mode: 'lines' | 'review'; role: Role }) {
  const [status, setStatus] = useState<Status>('active');
  const [customer, setCustomer] = useState<SearchHit | null>(null);
  const [open, setOpen] = useState<{ entry: LineEntry; start: LineChange } | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const query = mode === 'review' ? ({ by: 'review' } as const) : customer ? ({ by: 'customer', customerId: customer.id } as const) : ({ by: 'status', status } as const);
  const { listing, error } = useServiceLines(query);
  const lines = listing?.lines ?? [];
  const title = mode === 'review' ? 'E911 review' : 'Service lines';
  const listTitle = mode === 'review' ? 'Flagged lines, oldest first' : customer ? `Lines of ${customer.name}` : `${LINE_STATUS[status].label} lines`;
  const count = listing ? (listing.capped ? `more than ${listing.total.toLocaleString()}` : listing.total.toLocaleString()) : '…';

  return (
    <div className="queue-page service-lines" role="region" aria-label={title} tabIndex={0}>
      <header className="view-header">
        <h1 tabIndex={-1}>{title}</h1>
        {mode === 'review' && (
          <p className="lead-purpose">
            <Icon name="alert" size={15} />
            <span>
              These lines' customers moved (their service address changed) but the lines' E911 address, where emergency dispatchers are sent, did not. Confirm where each line is and
              update its E911 address: that clears the flag.
            </span>
          </p>
        )}
      </header>
      {mode === 'lines' && (
        <div className="line-filters">
          <div className="line-choices" role="group" aria-label="Status">
            {SERVICE_LINE_STATUSES.map((s) => (
              <Button key={s} variant={!customer && s === status ? 'primary' : 'secondary'} aria-pressed={!customer && s === status} onClick={() => (setCustomer(null), setStatus(s))}>
                {LINE_STATUS[s].label}
              </Button>
            ))}
          </div>
          <CustomerPicker label="Or a customer's lines" picked={customer} onPick={setCustomer} />
        </div>
      )}
      {said && (
        <Notice tone="good" id="line-outcome">
          {said}
        </Notice>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="line-list-title">
        <h2 id="line-list-title">
          {listTitle} ({count})
        </h2>
        {listing && lines.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>{mode === 'review' ? 'No line waits for an E911 review.' : 'No lines here.'}</p>
          </div>
        )}
        {listing && listing.lines.length < listing.total && <p className="muted">Showing the first {listing.lines.length}. Pick a customer to see theirs.</p>}
        <ul className="approval-list" aria-label={listTitle}>
          {lines.map((entry) => (
            <LineCard key={entry.line.id} entry={entry} action={mode === 'review' ? 'Review line' : 'Edit line'} onEdit={() => (setSaid(null), setOpen({ entry, start: mode === 'review' ? 'e911' : 'plan' }))} />
          ))}
        </ul>
      </section>
      {open && (
        <LineEditDialog
          entry={open.entry}
          role={role}
          start={open.start}
          onClose={() => setOpen(null)}
          onDone={(text) => {
            setOpen(null);
            setSaid(text);
            // the change is at the central store: bring it to this desk now rather than at the next poke
            void invoke('sync.now', {}).catch(() => undefined);
          }}
        />
      )}
    </div>
  );
}
