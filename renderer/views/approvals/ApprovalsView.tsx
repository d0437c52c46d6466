import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { performers } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
import { invoke, messageOf } from '../../api/client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { FormTextField } from '../../components/FormField';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { QueuedChange } from '../../components/QueuedChange';
import { dateTime, phonesInText } from '../../format';
import { queryKeys } from '../../hooks/queries';
import { useRecordChange } from '../../hooks/useRecordChange';
import { useReasonForm } from '../customers/edit/useReasonForm';
import { APPROVAL_KINDS, type ApprovalItem, type ApprovalKind } from './approvalKinds';

interface Entry {
  kind: ApprovalKind;
  item: ApprovalItem;
}

/** The kinds this role decides: the queue holds what it performs the decision of. */
const approvalKindsOf = (role: Role) => APPROVAL_KINDS.filter((kind) => performers(kind.decides).includes(role));

/** Every waiting and decided record of the role's kinds, newest first, each loaded as its entity's queue (refreshed when a record of it changes). */
function useApprovals(kinds: readonly ApprovalKind[]) {
  return useQueries({
    queries: kinds.map((kind) => ({ queryKey: queryKeys.records(kind.entity), queryFn: () => invoke('records.list', { entity: kind.entity }), gcTime: 0 })),
    combine: (results) => {
      const error = results.find((r) => r.error)?.error;
      const entries = results.flatMap((r, i) => (r.data ?? []).map((item) => ({ kind: kinds[i]!, item })));
      const when = ({ kind, item }: Entry) => String(kind.asked(item.record).at ?? '');
      entries.sort((a, b) => when(b).localeCompare(when(a)));
      return { loaded: results.every((r) => r.data), entries, error: error ? messageOf(error) : null };
    },
  });
}

/**
 * The approvals of a supervisor or a compliance officer (issue 11, issue 13): one queue of every
 * kind they decide (approvalKinds.ts) — erasure requests, credits and adjustments above the billing
 * clerks' threshold — each shown with whose account it is, what it asks, who asked and when, and
 * approved or declined with a reason. A decision the central store refuses (a legal hold, someone
 * deciding what they asked for themselves) shows why.
 */
export function ApprovalsView({ role }: { role: Role }) {
  const kinds = approvalKindsOf(role);
  const { loaded, entries, error } = useApprovals(kinds);
  const waiting = entries.filter(({ kind, item }) => kind.waiting(item.record));
  const decided = entries.filter(({ kind, item }) => !kind.waiting(item.record) && kind.decided(item.record));
  return (
    // the view scrolls: it can take the focus, so that the keyboard scrolls it too
    <div className="queue-page approvals" role="region" aria-label="Approvals" tabIndex={0}>
      <header className="view-header">
        <h1 tabIndex={-1}>Approvals</h1>
        <p className="muted">
          What waits for your decision: {kinds.map((k) => k.about).join('; ')}. You cannot decide what you filed or recorded yourself.
        </p>
      </header>
      {error && <Notice tone="bad">{error}</Notice>}
      <section aria-labelledby="waiting-title">
        <h2 id="waiting-title">Waiting for a decision ({waiting.length})</h2>
        {loaded && waiting.length === 0 && (
          <div className="empty-state small">
            <Icon name="check" size={24} />
            <p>Nothing waits for a decision.</p>
          </div>
        )}
        <ul className="approval-list">
          {waiting.map(({ kind, item }) => (
            <Waiting key={`${kind.entity}:${item.record.id}`} kind={kind} item={item} />
          ))}
        </ul>
      </section>
      {decided.length > 0 && (
        <section aria-labelledby="decided-title">
          <h2 id="decided-title">Decided</h2>
          <ul className="approval-list">
            {decided.map(({ kind, item }) => (
              <li key={`${kind.entity}:${item.record.id}`} className="approval">
                <Summary kind={kind} item={item} />
                {kind.outcome(item.record) && <p className="approval-outcome">{kind.outcome(item.record)}</p>}
                {kind.Decided && <kind.Decided item={item} />}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Summary({ kind, item }: Entry) {
  const status = kind.status(item.record);
  const asked = kind.asked(item.record);
  return (
    <div className="approval-summary">
      <div className="change-line">
        <Badge tone="info">{kind.name(item.record)}</Badge>
        <span className="strong">{item.customerName ?? '(customer no longer on this desk)'}</span>
        {item.accountNumber && <span className="muted">account {item.accountNumber}</span>}
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <dl className="approval-facts">
        {kind.facts(item).map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd>{fact.value}</dd>
          </div>
        ))}
        <div>
          <dt>{asked.verb.charAt(0).toUpperCase() + asked.verb.slice(1)}</dt>
          <dd>
            {asked.by ? `${asked.by}, ` : ''}
            {dateTime(asked.at)}
          </dd>
        </div>
      </dl>
      <div className="change-reason">“{phonesInText(asked.reason)}”</div>
    </div>
  );
}

/** One waiting for a decision: the decision's reason, approve or decline, and what came of it. */
function Waiting({ kind, item }: Entry) {
  const change = useRecordChange();
  const domain = useReasonForm('Not decided');
  const [sent, setSent] = useState<string | null>(null);
  const route = kind.route;
  const decide = (approve: boolean) =>
    domain.submit(async ({ reason }) => {
      try {
        if (route.via === 'transition') {
          await change({ operation: route.operation, id: item.record.id, values: { status: approve ? route.approved : route.declined }, reason: reason.trim() });
        } else {
          await route.send(item, approve, reason.trim());
          setSent(approve ? 'Approved at the central store.' : 'Declined at the central store.');
        }
      } catch (err) {
        domain.refused(err);
      }
    });
  const mine = item.changes.at(-1);
  const label = `${kind.name(item.record).toLowerCase()} of ${item.customerName ?? 'this customer'}`;
  return (
    <li className="approval">
      <Summary kind={kind} item={item} />
      <QueuedChange entity={kind.entity} change={mine} pending="Your decision is on its way to the central store." refused="Your decision was refused" />
      {sent && <Notice tone="good">{sent}</Notice>}
      {!sent && (!mine || mine.status === 'rejected') && (
        <form className="approval-form" aria-label={`Decide the ${label}`} onSubmit={(e) => e.preventDefault()} noValidate>
          <FormTextField control={domain.control} name="reason" label="Reason for the decision" placeholder={kind.placeholder} maxLength={500} required />
          {domain.formError && <Notice tone="bad">{domain.formError}</Notice>}
          <div className="edit-actions">
            <Button variant={kind.approve.danger ? 'danger' : 'primary'} icon={kind.approve.danger ? 'trash' : 'check'} busy={domain.busy} onClick={() => void decide(true)()}>
              {kind.approve.label}
            </Button>
            <Button variant="secondary" busy={domain.busy} onClick={() => void decide(false)()}>
              {kind.decline}
            </Button>
          </div>
        </form>
      )}
    </li>
  );
}
