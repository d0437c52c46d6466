import { useId, useRef, type KeyboardEvent } from 'react';
import { useController } from 'react-hook-form';
import { InquiryReplyRequest, type InquiryReplyResult } from '../../../domain/entities/prospects';
import { issuesFromZod } from '../../../domain/errors';
import { invoke } from '../../api/client';
import { Button } from '../../components/Button';
import { FieldError } from '../../components/FieldError';
import { FormTextAreaField } from '../../components/FormField';
import { Icon } from '../../components/Icon';
import { FormRefusal } from '../../components/Notice';
import { useDomainForm } from '../../hooks/useDomainForm';
import { SHORTCUTS } from '../../shortcuts';
import { closeOnEscape } from '../../hooks/useHotkeys';

/** What the rep fills in: the request less the inquiry it answers. */
type Draft = Omit<InquiryReplyRequest, 'inquiryId'>;

/**
 * A reply to an email inquiry (inquiry.reply, online: the central store sends it through its mail
 * relay, from the service address, to the return address). The return address is shown here, in
 * the reply's context only. Checked as typed by the domain's own request schema; a refusal of the
 * store (a reply about an account on an inquiry not linked, or to an address not on file for a
 * caller not verified) is shown on the field it names with its rule.
 */
/** The key of a reply being written to one inquiry: kept by the core as it is typed, until sent or cancelled. */
export const replyDraftKey = (inquiryId: string) => `${inquiryId}:reply`;

export function ReplyForm({ inquiryId, returnAddress, subject, online, onDone }: { inquiryId: string; returnAddress: string; subject: string; online: boolean; onDone: (sent: InquiryReplyResult | null) => void }) {
  const ids = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const domain = useDomainForm<Draft>({
    draft: replyDraftKey(inquiryId),
    defaultValues: { body: '', disclosesAccountData: false },
    check: (draft) => {
      const parsed = InquiryReplyRequest.safeParse({ inquiryId, ...draft });
      return parsed.success ? [] : issuesFromZod(parsed.error);
    },
    shows: (field) => field === 'body' || field === 'disclosesAccountData',
    refusal: 'Not sent',
  });
  const discloses = useController({ control: domain.control, name: 'disclosesAccountData' }).field;
  const disclosesIssue = domain.issueFor('disclosesAccountData');

  const send = domain.submit(async (draft) => {
    try {
      const result = await invoke('inquiry.reply', InquiryReplyRequest.parse({ inquiryId, ...draft }));
      domain.forgetDraft();
      onDone(result);
    } catch (err) {
      domain.refused(err);
    }
  });

  const cancel = () => (domain.forgetDraft(), onDone(null));
  const escape = closeOnEscape(cancel);
  const onKeyDown = (event: KeyboardEvent) => {
    // Ctrl+Enter sends from the text (Enter alone is a new line there)
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      formRef.current?.requestSubmit();
      return;
    }
    escape(event);
  };

  return (
    <form ref={formRef} className="reply-form" aria-label={`Reply to “${subject}”`} onSubmit={send} onKeyDown={onKeyDown} noValidate>
      <dl className="reply-envelope">
        <div>
          <dt>To</dt>
          <dd className="mono">{returnAddress}</dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>the service's address: the central store sends the reply</dd>
        </div>
      </dl>
      <p className="muted small">This address is used only to answer this inquiry.</p>
      <FormTextAreaField control={domain.control} name="body" label="Reply" rows={6} autoFocus spellCheck />
      <div className={['field', disclosesIssue ? 'has-error' : ''].filter(Boolean).join(' ')}>
        <label className="check">
          <input
            type="checkbox"
            ref={discloses.ref}
            name={discloses.name}
            checked={discloses.value}
            onChange={(e) => discloses.onChange(e.target.checked)}
            onBlur={discloses.onBlur}
            aria-invalid={disclosesIssue ? true : undefined}
            aria-describedby={`${ids}-discloses-hint${disclosesIssue ? ` ${ids}-discloses-error` : ''}`}
          />
          <span>This reply tells the customer something about their account</span>
        </label>
        <p id={`${ids}-discloses-hint`} className="field-hint check-hint">
          Such a reply is sent only when the inquiry is linked to the customer and this address is their email on file, or you have verified the caller. An account number in the text counts too.
        </p>
        <FieldError id={`${ids}-discloses-error`} issue={disclosesIssue} />
      </div>
      {!online && (
        <p className="offline-reason">
          <Icon name="wifiOff" size={13} /> Sending needs the central store (it sends the reply through its mail relay), and this workstation is offline now.
        </p>
      )}
      <FormRefusal form={domain} />
      <div className="edit-actions">
        <Button type="submit" variant="primary" icon="mail" busy={domain.busy} shortcut={SHORTCUTS.sendReply}>
          Send the reply
        </Button>
        <Button onClick={cancel} shortcut="Esc">
          Cancel
        </Button>
      </div>
    </form>
  );
}
