import { useId, useRef, useState } from 'react';
import type { InquiryReplyResult } from '../../../domain/entities/prospects';
import { nextStates } from '../../../domain/lifecycles';
import { mayPerform, performers } from '../../../domain/operations';
import type { Role } from '../../../domain/roles';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { QueuedChange } from '../../components/QueuedChange';
import { dateTime, time } from '../../format';
import { useFocusAfterRender } from '../../hooks/useFocusAfterRender';
import { useHotkeys } from '../../hooks/useHotkeys';
import type { useQueue } from '../../hooks/useQueue';
import { StepForm } from '../customers/edit/StepForm';
import { inquiryStatus, paragraphsOf, stepLabel, subjectOf } from './inquiryLabels';
import { LinkCustomerForm } from './LinkCustomerForm';
import { ReplyForm, replyDraftKey } from './ReplyForm';
import { draftOf } from '../../hooks/useWorkspace';
import { SHORTCUTS } from '../../shortcuts';

export type InquiryEntry = NonNullable<ReturnType<typeof useQueue>['items']>[number];

type Open = { kind: 'reply' } | { kind: 'link' } | { kind: 'step'; to: string } | null;

/**
 * One inquiry opened from the queue: its subject, when it came, its status and linked customer, the
 * message as plain text in its paragraphs (never read as HTML), and what this role may do with it:
 * reply (Alt+R), link it to the customer who wrote it, and the steps of its lifecycle
 * (domain/lifecycles.ts), each with a reason. The return address appears in the reply's form only.
 */
export function InquiryDetail({ item, role, online }: { item: InquiryEntry; role: Role; online: boolean }) {
  const { record } = item;
  const status = String(record.status);
  const subject = subjectOf(record);
  const headingId = useId();
  // a reply left half written (a lock, another inquiry) opens again as it was
  const [open, setOpen] = useState<Open>(() => (draftOf(replyDraftKey(record.id)) ? { kind: 'reply' } : null));
  const [sent, setSent] = useState<InquiryReplyResult | null>(null);
  const [linked, setLinked] = useState(false);
  const actions = useRef<HTMLDivElement>(null);
  const sentNotice = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const mine = item.changes.at(-1);
  const canReply = mayPerform('inquiry.reply', role) && status !== 'closed';
  const canLink = performers('inquiry.linkCustomer').includes(role);
  const steps = nextStates('inquiry', status, role);
  const linkedTo = typeof record.customerId === 'string' ? (item.customerName ?? '(a customer not on this desk)') : null;

  const start = (next: Open) => (setSent(null), setLinked(false), setOpen(next));
  const close = (selector: string) => {
    setOpen(null);
    focusAfterRender(() => actions.current?.querySelector<HTMLElement>(selector) ?? actions.current?.querySelector<HTMLElement>('button'));
  };
  // a shortcut for the keyboard, never taken from a field being typed in
  useHotkeys({ [SHORTCUTS.reply]: () => canReply && start({ kind: 'reply' }) }, open === null);

  return (
    <article className="inquiry" aria-labelledby={headingId}>
      <header className="inquiry-head">
        <h2 id={headingId} tabIndex={-1} className="inquiry-subject">
          {subject}
        </h2>
        <dl className="inquiry-facts">
          <div>
            <dt>Status</dt>
            <dd>
              <Badge tone={inquiryStatus(status).tone}>{inquiryStatus(status).label}</Badge>
            </dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>{dateTime(record.receivedAt)}</dd>
          </div>
          <div>
            <dt>Customer</dt>
            <dd>{linkedTo ?? <span className="muted">Not linked</span>}</dd>
          </div>
        </dl>
      </header>
      <section className="inquiry-body" aria-label="Message">
        {paragraphsOf(record.body).map((paragraph, i) => (
          <p key={i}>{paragraph}</p>
        ))}
      </section>
      <QueuedChange entity="inquiry" change={mine} />
      {sent && (
        <div className="notice notice-good inquiry-sent" role="status" tabIndex={-1} ref={sentNotice}>
          <Icon name="check" size={15} />
          <div>
            <p>
              <span className="strong">Sent</span> at {time(sent.sentAt)}.{' '}
              {status === 'answered' ? 'The inquiry is answered.' : "The inquiry shows as answered once the central store's change reaches this desk."}
            </p>
            {sent.redacted && <p>A card number or SSN in your text was removed from what was sent.</p>}
          </div>
        </div>
      )}
      {linked && mine?.status !== 'rejected' && <Notice tone="good">Linked to {linkedTo ?? 'the customer'}.</Notice>}
      <div className="edit-actions inquiry-actions" ref={actions}>
        {canReply && (
          <Button variant="primary" icon="mail" data-action="reply" onClick={() => start({ kind: 'reply' })} disabled={open !== null} aria-expanded={open?.kind === 'reply'} shortcut={SHORTCUTS.reply}>
            Reply
          </Button>
        )}
        {canLink && (
          <Button icon="users" data-action="link" onClick={() => start({ kind: 'link' })} disabled={open !== null} aria-expanded={open?.kind === 'link'}>
            {linkedTo ? 'Link to another customer' : 'Link to a customer'}…
          </Button>
        )}
        {steps.map((to) => (
          <Button key={to} data-action={`step-${to}`} onClick={() => start({ kind: 'step', to })} disabled={open !== null} aria-expanded={open?.kind === 'step' && open.to === to}>
            {stepLabel(to).action}…
          </Button>
        ))}
      </div>
      {status === 'closed' && mayPerform('inquiry.reply', role) && <p className="muted small">A closed inquiry is not answered{steps.includes('open') ? ': reopen it to reply.' : '; a supervisor can reopen it.'}</p>}
      {open?.kind === 'reply' && (
        <ReplyForm
          inquiryId={record.id}
          returnAddress={String(record.returnAddress ?? '')}
          subject={subject}
          online={online}
          onDone={(result) => {
            if (!result) return close('[data-action="reply"]');
            setOpen(null);
            setSent(result);
            focusAfterRender(() => sentNotice.current);
          }}
        />
      )}
      {open?.kind === 'link' && (
        <LinkCustomerForm
          inquiryId={record.id}
          subject={subject}
          relinking={linkedTo !== null}
          onDone={(done) => {
            setLinked(done);
            close('[data-action="link"]');
          }}
        />
      )}
      {open?.kind === 'step' && <StepForm operation="inquiry.setStatus" recordId={record.id} to={open.to} step={stepLabel(open.to)} name={subject} className="inquiry-form" onClose={() => close(`[data-action="step-${open.to}"]`)} />}
    </article>
  );
}
