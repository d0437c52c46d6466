import { useId, useRef, useState } from 'react';
import { DEFAULT_LEAD_RETENTION_DAYS, LEAD_STATUSES } from '../../../domain/entities/prospects';
import type { Role } from '../../../domain/roles';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useHotkeys } from '../../hooks/useHotkeys';
import { useQueue } from '../../hooks/useQueue';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import type { Conversion } from './ConvertLeadForm';
import type { CustomerToOpen } from '../../navigation';
import { LeadItem } from './LeadItem';
import { LEAD_STATUS } from './leadLabels';
import { NEW_LEAD_DRAFT, NewLeadForm } from './NewLeadForm';
import { draftOf } from '../../hooks/useWorkspace';
import { SHORTCUTS } from '../../shortcuts';

type Filter = 'all' | (typeof LEAD_STATUSES)[number];

/**
 * The leads of care reps and supervisors (issue 12): prospects from prequalification and quote calls,
 * created here (offline too), worked through their steps with a reason, and converted into a
 * customer with an order. The view says what the policy binds a lead's details to; newest first,
 * filtered by status.
 */
export function LeadsView({ role, onOpenCustomer }: { role: Role; onOpenCustomer: (customer: CustomerToOpen) => void }) {
  const { items, error } = useQueue('lead');
  const online = useSyncStatus()?.online ?? false;
  const filterName = useId();
  const [filter, setFilter] = useState<Filter>('all');
  // a lead left half typed (a lock, another view) opens again as it was
  const [creating, setCreating] = useState(() => draftOf(NEW_LEAD_DRAFT) !== null);
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const [conversion, setConversion] = useState<Conversion | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const startCreating = () => (setCreated(null), setConversion(null), setCreating(true));
  // a shortcut for the keyboard, never taken from a field being typed in
  useHotkeys({ [SHORTCUTS.newLead]: startCreating }, !creating);

  const all = items ?? [];
  const count = (status: Filter) => (status === 'all' ? all.length : all.filter((i) => i.record.status === status).length);
  const shown = filter === 'all' ? all : all.filter((i) => i.record.status === filter);
  const filterLabel = filter === 'all' ? 'All' : LEAD_STATUS[filter].label;
  const reached = conversion && all.find((i) => i.record.id === conversion.leadId)?.record.status === 'converted';

  return (
    // the view scrolls: it can take the focus, so that the keyboard scrolls it too
    <div className="queue-page leads" role="region" aria-label="Leads" tabIndex={0}>
      <header className="view-header queue-header">
        <div>
          <h1 tabIndex={-1}>Leads</h1>
          <p className="lead-purpose">
            <Icon name="shield" size={15} />
            <span>
              A prospect's details are used only to contact them about the services they asked about. Leads are never exported or shared. A lead that is not converted into a customer is deleted
              after {DEFAULT_LEAD_RETENTION_DAYS} days, unless your organisation set another period.
            </span>
          </p>
        </div>
        {!creating && (
          <Button ref={newButton} variant="primary" icon="plus" onClick={startCreating} shortcut={SHORTCUTS.newLead}>
            New lead
          </Button>
        )}
      </header>
      {creating && (
        <section className="queue-panel" aria-labelledby="new-lead-title">
          <h2 id="new-lead-title">New lead</h2>
          <NewLeadForm
            onDone={(lead) => {
              setCreating(false);
              setCreated(lead);
              if (lead) setFilter((f) => (f === 'all' || f === 'new' ? f : 'all'));
              focusAfterRender(() => newButton.current);
            }}
          />
        </section>
      )}
      {created && all.some((i) => i.record.id === created.id) && <Notice tone="good">Lead created for {created.name}. It reaches the other desks through the central store.</Notice>}
      {conversion && (
        <div className="notice notice-good lead-outcome" role="status" tabIndex={-1} ref={outcome}>
          <Icon name="check" size={15} />
          <div>
            <p>
              <span className="strong">{conversion.leadName}</span>{' '}
              {conversion.created ? 'is now a customer' : <>was added to the existing customer {conversion.customerName}</>}: account{' '}
              <span className="mono strong">{conversion.accountNumber}</span>, with an order for the plans chosen.
            </p>
            <p>Payment is taken afterwards: a billing clerk puts a card on file through the card replacement on the customer's billing tab.</p>
            {reached ? (
              <Button variant="secondary" icon="users" onClick={() => onOpenCustomer({ id: conversion.customerId, name: conversion.customerName, accountNumber: conversion.accountNumber })}>
                Open {conversion.customerName}'s profile
              </Button>
            ) : (
              <p className="muted">The customer reaches this desk with the next sync.</p>
            )}
          </div>
        </div>
      )}
      {error && <Notice tone="bad">{error}</Notice>}
      <fieldset className="lead-filter">
        <legend className="field-label">Show</legend>
        {(['all', ...LEAD_STATUSES] as const).map((status) => (
          <label key={status} className="filter-chip">
            <input type="radio" name={filterName} value={status} checked={filter === status} onChange={() => setFilter(status)} />
            <span>{status === 'all' ? 'All' : LEAD_STATUS[status].label}</span>
            <span className="filter-count">{count(status)}</span>
          </label>
        ))}
      </fieldset>
      <section aria-labelledby="leads-list-title">
        <h2 id="leads-list-title">
          {filterLabel} ({shown.length})
        </h2>
        {items && shown.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>{filter === 'all' ? 'No leads yet. A prospect on a prequalification or quote call becomes one with New lead.' : `No ${filterLabel.toLowerCase()} leads.`}</p>
          </div>
        )}
        <ul className="approval-list" aria-label={`${filterLabel} leads, newest first`}>
          {shown.map((item) => (
            <LeadItem
              key={item.record.id}
              item={item}
              role={role}
              online={online}
              onOpenCustomer={onOpenCustomer}
              onConverted={(c) => {
                setCreated(null);
                setConversion(c);
                focusAfterRender(() => outcome.current);
              }}
            />
          ))}
        </ul>
      </section>
    </div>
  );
}
