import { CareDeskError, Customer, Inquiry, ValidationError, redactSensitive, type InquiryReplyRequest, type InquiryReplyResult } from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import type { StoreContext } from '../context';
import type { SessionContext } from '../identity/sessions';
import { inTransaction } from '../storage/database';
import { readRecord, writeRecords } from '../storage/recordStore';
import { verifiedRecently } from '../verification/callerVerification';

/** An account number in a reply's text: it tells the reader something of an account, declared or not. */
const ACCOUNT_NUMBER = /\bA\d{8}\b/;

/**
 * Answers an email inquiry (issue 12): the central store sends the reply through its relay — From
 * the service address, To the inquiry's return address (used for nothing else), In-Reply-To and
 * References threading it on the original message, no Bcc, no internal id anywhere in it — and then
 * marks the inquiry answered (the store's own step) with the reply's who and when in its history.
 * The reply's text is checked like anything else that leaves: card numbers and SSNs are removed. A
 * reply that tells anything of an account needs the inquiry linked to its customer, and the return
 * address to be the email on file or the caller verified by this user now. Every outcome is audited,
 * with ids only. Nothing is sent twice by this call: a relay that fails leaves the inquiry as it was.
 */
export async function replyToInquiry(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed' | 'mailRelay'>, session: SessionContext, request: InquiryReplyRequest): Promise<InquiryReplyResult> {
  const { user } = session;
  const audit = { action: 'inquiry.replied', userId: user.id, role: user.role, deviceId: session.deviceId, entity: 'inquiry', entityId: request.inquiryId } as const;
  const refuse = async (entry: Partial<AuditEntry>, error: Error): Promise<never> => {
    await inTransaction(ctx.db, (tx) => appendAudit(tx, ctx.clock(), { ...audit, outcome: 'denied', ...entry }));
    throw error;
  };

  const stored = await readRecord(ctx.db, 'inquiry', request.inquiryId);
  if (!stored?.data) throw new CareDeskError('not_found', 'no such inquiry');
  const inquiry = Inquiry.parse(stored.data);
  if (inquiry.status === 'closed') throw new ValidationError([{ field: 'inquiryId', rule: 'inquiry.closed', message: 'this inquiry is closed: reopen it before replying' }]);

  const discloses = request.disclosesAccountData || ACCOUNT_NUMBER.test(request.body);
  if (discloses) {
    if (!inquiry.customerId) {
      return refuse({ detail: 'account data, inquiry not linked' }, new ValidationError([{ field: 'disclosesAccountData', rule: 'inquiry.not_linked', message: 'link the inquiry to the customer before a reply tells anything of their account' }]));
    }
    const customer = Customer.parse((await readRecord(ctx.db, 'customer', inquiry.customerId))?.data);
    const sameAddress = customer.email !== null && customer.email.toLowerCase() === inquiry.returnAddress.toLowerCase();
    if (!sameAddress && !(await verifiedRecently(ctx.db, user.id, inquiry.customerId, ctx.clock()))) {
      return refuse(
        { customerId: inquiry.customerId, detail: 'account data, return address not on file, caller not verified' },
        new ValidationError([
          { field: 'disclosesAccountData', rule: 'inquiry.unverified_recipient', message: 'the return address is not the email on file: verify the customer on a call before a reply tells anything of their account' },
        ]),
      );
    }
  }
  if (!ctx.mailRelay) {
    return refuse({ outcome: 'failed', detail: 'no mail relay configured' }, new CareDeskError('unavailable', 'replies cannot be sent: the central store has no mail relay configured. Nothing was sent.'));
  }

  const mail = await ctx.db.selectFrom('inquiry_mail').select(['message_id', 'references_header']).where('inquiry_id', '=', inquiry.id).executeTakeFirst();
  const { text, cards, ssns } = redactSensitive(request.body);
  try {
    await ctx.mailRelay.send({
      to: inquiry.returnAddress,
      subject: /^re:/i.test(inquiry.subject ?? '') ? (inquiry.subject ?? '') : `Re: ${inquiry.subject ?? 'your message'}`,
      text,
      inReplyTo: mail?.message_id ?? '',
      references: [mail?.references_header, mail?.message_id].filter(Boolean).join(' '),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'unknown';
    return refuse({ outcome: 'failed', detail: `relay: ${reason}` }, new CareDeskError('unavailable', 'the mail relay did not take the reply: nothing was sent. Try again in a moment.'));
  }

  const now = ctx.clock();
  const seq = await inTransaction(ctx.db, async (tx) => {
    const entry = { ...audit, outcome: 'ok', customerId: inquiry.customerId, detail: `reply sent${cards + ssns ? `; ${cards} card numbers and ${ssns} SSNs removed from it` : ''}` } as const;
    const current = await readRecord(tx, 'inquiry', inquiry.id);
    if (current?.data?.status !== 'open') {
      await appendAudit(tx, now, entry);
      return 0;
    }
    const [written] = await writeRecords(tx, [{ op: 'update', entity: 'inquiry', id: inquiry.id, customerId: inquiry.customerId, data: { ...current.data, status: 'answered' }, fields: ['status'] }], {
      at: now,
      by: user.id,
      reason: 'Replied by email',
      audit: entry,
    });
    return written!;
  });
  if (seq) ctx.feed.publish({ kind: 'advanced', head: seq });
  return { status: 'sent', sentAt: now.toISOString(), redacted: cards + ssns > 0 };
}
