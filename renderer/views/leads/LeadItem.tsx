import { useId, useRef, useState } from 'react';
import { nextStates, transitionOf } from '../../../domain/lifecycles';
import { mayPerform } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
import type { CustomerToOpen } from '../../navigation';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { QueuedChange } from '../../components/QueuedChange';
import { address, dateTime, phone } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import type { useQueue } from '../../hooks/useQueue';
import { StepForm } from '../customers/edit/StepForm';
import { ConvertLeadForm, type Conversion } from './ConvertLeadForm';
import { LeadHistory } from './LeadHistory';
import { leadName, leadStatus, stepLabel } from './leadLabels';

export type LeadEntry = NonNullable<ReturnType<typeof useQueue>['items']>[number];

type Open = { kind: 'step'; to: string } | { kind: 'convert' } | null;

/**
 * One lead: who, what they asked about, where and how to reach them, its status; the steps this role
 * may take from it (domain/lifecycles.ts), each with a reason; converting a contacted or quoted lead
 * (lead.convert); who took each step and when, on demand.
 */
export function LeadItem({ item, role, online, onConverted, onOpenCustomer }: { item: LeadEntry; role: Role; online: boolean; onConverted: (c: Conversion) => void; onOpenCustomer: (c: CustomerToOpen) => void }) {
  const { record } = item;
  const status = String(record.status);
  const name = leadName(record);
  const nameId = useId();
  const [open, setOpen] = useState<Open>(null);
  const [history, setHistory] = useState(false);
  const actions = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const mine = item.changes.at(-1);
  const waiting = mine?.status === 'pending';
  const steps = nextStates('lead', status, role);
  const convertible = !!transitionOf('lead', status, 'converted') && mayPerform('lead.convert', role);
  const services = Array.isArray(record.requestedServices) ? (record.requestedServices as string[]) : [];
  const close = (selector = 'button') => {
    setOpen(null);
    focusAfterRender(() => actions.current?.querySelector<HTMLElement>(selector) ?? actions.current?.querySelector<HTMLElement>('button'));
  };

  return (
    <li className="approval lead" aria-labelledby={nameId}>
      <div className="change-line">
        <span id={nameId} className="strong">
          {name}
        </span>
        <Badge tone={leadStatus(status).tone}>{leadStatus(status).label}</Badge>
        <span className="change-time">created {dateTime(record.createdAt)}</span>
      </div>
      <dl className="lead-facts">
        <div>
          <dt>Asked about</dt>
          <dd>{services.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Location</dt>
          <dd>{typeof record.location === 'string' && record.location ? record.location : '—'}</dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd className="nowrap">{phone(record.phone)}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{String(record.email ?? '—')}</dd>
        </div>
        <div className="wide">
          <dt>Mailing address</dt>
          <dd>{address(record.mailingAddress)}</dd>
        </div>
        {typeof record.convertedCustomerId === 'string' && (
          <div className="wide">
            <dt>Customer</dt>
            <dd>
              {item.customerName ?? '(not on this desk)'}
              {item.customerName && (
                <Button variant="ghost" icon="users" onClick={() => onOpenCustomer({ id: String(record.convertedCustomerId), name: item.customerName! })}>
                  Open the profile<span className="sr-only"> of {item.customerName}</span>
                </Button>
              )}
            </dd>
          </div>
        )}
      </dl>
      <QueuedChange entity="lead" change={mine} />
      <div className="edit-actions lead-actions" ref={actions}>
        {steps.map((to) => (
          <Button key={to} data-step={to} onClick={() => setOpen({ kind: 'step', to })} disabled={open !== null} aria-expanded={open?.kind === 'step' && open.to === to}>
            {stepLabel(to).action}
            <span className="sr-only">: {name}</span>…
          </Button>
        ))}
        {convertible && (
          <Button variant="primary" icon="users" data-step="converted" onClick={() => setOpen({ kind: 'convert' })} disabled={open !== null || waiting} aria-expanded={open?.kind === 'convert'} aria-describedby={waiting ? `${nameId}-waiting` : undefined}>
            Convert to customer<span className="sr-only">: {name}</span>…
          </Button>
        )}
        <Button variant="ghost" icon="clock" onClick={() => setHistory((shown) => !shown)} aria-expanded={history}>
          Who and when<span className="sr-only">: {name}</span>
        </Button>
      </div>
      {convertible && waiting && (
        <p id={`${nameId}-waiting`} className="muted small">
          Converting waits until the central store has this lead's last change.
        </p>
      )}
      {open?.kind === 'step' && <StepForm operation="lead.setStatus" recordId={record.id} to={open.to} step={stepLabel(open.to)} name={name} onClose={() => close(`[data-step="${open.to}"]`)} />}
      {open?.kind === 'convert' && (
        <ConvertLeadForm
          lead={record}
          name={name}
          online={online}
          onDone={(converted) => {
            // converted: the view's outcome takes the focus; cancelled: back to the button
            if (!converted) return close('[data-step="converted"]');
            setOpen(null);
            onConverted(converted);
          }}
        />
      )}
      {history && <LeadHistory id={record.id} name={name} />}
    </li>
  );
}
