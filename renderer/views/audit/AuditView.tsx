import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditQuery, AuditViewRow } from '../../../domain/auditView';
import { AUDIT_ACTIONS, type AuditAction } from '../../../domain/entities/audit';
import { mayPerform } from '../../../domain/operations';
import { ROLE_LABELS, type Role } from '../../../domain/roles';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Notice } from '../../components/Notice';
import { SelectField } from '../../components/SelectField';
import { dateTime, phonesInText } from '../../format';
import { AuditIntegrityNotice } from './AuditIntegrityNotice';
import { OfflineViewsNotice } from './OfflineViewsNotice';
import { AUDIT_ACTION_LABELS, AUDIT_OUTCOME_TONES, AUDIT_SCOPE_TEXT } from './auditLabels';

type Filters = Omit<AuditQuery, 'before' | 'limit'> & { userName?: string; customerName?: string };
const PAGE = 50;

const ACTION_OPTIONS: readonly { value: AuditAction | ''; label: string }[] = [
  { value: '', label: 'Any action' },
  ...[...AUDIT_ACTIONS].sort((a, b) => AUDIT_ACTION_LABELS[a].localeCompare(AUDIT_ACTION_LABELS[b])).map((a) => ({ value: a, label: AUDIT_ACTION_LABELS[a] })),
];

/** A day typed in a date field, as the start or the end of that day in this desk's time zone. */
const dayBound = (day: string, end: boolean) => (day ? new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`).toISOString() : undefined);

/**
 * The audit view (issue 14): the hash-chained log as the reader's role may see it — their own
 * actions, their team's, everything, or everything without customer data (the admin) — applied by
 * the central store, which also applies the field policy to every row. Newest first; filtered by
 * action and period here, and by a person or a customer picked from a row. Online only: nothing of
 * the log is kept on the desk.
 */
export function AuditView({ title = 'Audit log', role }: { title?: string; role: Role }) {
  const [filters, setFilters] = useState<Filters>({});
  const [days, setDays] = useState({ from: '', to: '' });
  const { userName, customerName, ...query } = filters;
  const log = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => invoke('audit.search', { ...query, limit: PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next ?? undefined,
    gcTime: 0,
  });
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];
  const scope = log.data?.pages[0]?.scope;
  const set = (patch: Partial<Filters>) => setFilters((f) => Object.fromEntries(Object.entries({ ...f, ...patch }).filter(([, v]) => v !== undefined && v !== '')) as Filters);
  const chips = [
    userName && { label: `Person: ${userName}`, clear: () => set({ userId: undefined, userName: undefined }) },
    (customerName || filters.customerId) && { label: `Customer: ${customerName ?? filters.customerId}`, clear: () => set({ customerId: undefined, customerName: undefined }) },
  ].filter((c): c is { label: string; clear: () => void } => !!c);

  return (
    <div className="queue-page audit" role="region" aria-label={title} tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>{title}</h1>
          <p className="muted">
            {scope ? AUDIT_SCOPE_TEXT[scope] : 'What was done, by whom and when, as the central store recorded it.'} Read from the central store; nothing of it is kept on this workstation, and
            reading it is recorded too.
          </p>
        </div>
      </header>
      {mayPerform('audit.integrity', role) && <AuditIntegrityNotice />}
      {mayPerform('audit.integrity', role) && <OfflineViewsNotice />}
      <form className="audit-filters" aria-label="Filter the log" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Action" value={filters.action ?? ''} options={ACTION_OPTIONS} onValue={(action) => set({ action: action || undefined })} />
        <div className="field">
          <label className="field-label" htmlFor="audit-from">
            From
          </label>
          <input id="audit-from" className="input" type="date" value={days.from} onChange={(e) => (setDays((d) => ({ ...d, from: e.target.value })), set({ from: dayBound(e.target.value, false) }))} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="audit-to">
            To
          </label>
          <input id="audit-to" className="input" type="date" value={days.to} onChange={(e) => (setDays((d) => ({ ...d, to: e.target.value })), set({ to: dayBound(e.target.value, true) }))} />
        </div>
        {chips.length > 0 && (
          <ul className="audit-chips" aria-label="Also filtered by">
            {chips.map((chip) => (
              <li key={chip.label}>
                <span>{chip.label}</span>
                <Button variant="ghost" icon="x" onClick={chip.clear} aria-label={`Remove the filter ${chip.label}`}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
      </form>
      {log.error && <Notice tone="bad">Not shown: {messageOf(log.error)}</Notice>}
      {log.isPending ? (
        <p className="muted" role="status">
          Reading the log…
        </p>
      ) : rows.length === 0 ? (
        <p className="muted" role="status">
          Nothing recorded matches.
        </p>
      ) : (
        <table className="table audit-table">
          <caption className="sr-only">Audit log, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Customer</th>
              <th scope="col">Fields</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <AuditRow key={row.seq} row={row} onPerson={(u) => set({ userId: u.id, userName: u.name })} onCustomer={(c) => set({ customerId: c.id, customerName: c.name ?? undefined })} />
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <Button variant="ghost" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? 'Reading…' : 'Show older'}
        </Button>
      )}
    </div>
  );
}

function AuditRow({ row, onPerson, onCustomer }: { row: AuditViewRow; onPerson: (u: { id: string; name: string }) => void; onCustomer: (c: { id: string; name: string | null }) => void }) {
  const outcome = AUDIT_OUTCOME_TONES[row.outcome] ?? { label: row.outcome, tone: 'neutral' as const };
  return (
    <tr className={row.outcome === 'ok' ? undefined : 'is-refused'}>
      <td className="nowrap">{dateTime(row.at)}</td>
      <td>
        {row.user ? (
          <button type="button" className="history-link" title="Show only this person's actions" onClick={() => onPerson(row.user!)}>
            {row.user.name}
          </button>
        ) : (
          <span className="muted">Central store</span>
        )}
        {row.user?.role && <div className="muted">{ROLE_LABELS[row.user.role]}</div>}
      </td>
      <td>
        <div>{AUDIT_ACTION_LABELS[row.action]}</div>
        {row.outcome !== 'ok' && <Badge tone={outcome.tone}>{outcome.label}</Badge>}
      </td>
      <td>
        {row.customer ? (
          <button type="button" className="history-link" title="Show only what concerns this customer" onClick={() => onCustomer(row.customer!)}>
            {row.customer.name ?? `customer ${row.customer.id.slice(0, 8)}`}
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {row.fields.length > 0 ? row.fields.join(', ') : row.hiddenFields === 0 ? <span className="muted">—</span> : null}
        {row.hiddenFields > 0 && <div className="muted">{row.hiddenFields === 1 ? '1 field you may not see' : `${row.hiddenFields} fields you may not see`}</div>}
      </td>
      <td className="audit-detail">{row.detail ? phonesInText(row.detail) : <span className="muted">—</span>}</td>
    </tr>
  );
}
