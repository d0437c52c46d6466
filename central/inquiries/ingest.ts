import { randomUUID } from 'node:crypto';
import { CareDeskError } from '../../domain';
import type { StoreContext } from '../context';
import { inTransaction, type Tx } from '../storage/database';
import { writeRecords } from '../storage/recordStore';
import type { CentralDb } from '../storage/schema';
import { readInquiryMail, type InquiryMail } from './mailMessage';

/**
 * Ingests one email message as an inquiry (issue 12): read (mailMessage.ts: the return address,
 * the text, redaction), then in one transaction the `inquiry` record (status `open`, the central
 * store's own step, `by: null`) through the record store with its `inquiry.ingested` audit row, and
 * the message's Message-ID and References in `inquiry_mail` (this module is its one writer). The
 * Message-ID is unique there: the same message ingested again, by a second run or a second process,
 * makes no second inquiry. A refused message writes nothing.
 */
export type Ingestion =
  | { outcome: 'ingested'; inquiryId: string }
  | { outcome: 'duplicate'; inquiryId: string }
  | { outcome: 'refused'; rule: string; message: string };

export async function ingestMessage(ctx: Pick<StoreContext, 'db' | 'clock' | 'feed'>, bytes: Buffer): Promise<Ingestion> {
  const now = ctx.clock();
  let mail: InquiryMail;
  try {
    mail = await readInquiryMail(bytes, now);
  } catch (err) {
    if (err instanceof CareDeskError && err.code === 'validation') return { outcome: 'refused', rule: err.issues[0]?.rule ?? 'mail.unreadable', message: err.message };
    throw err;
  }
  let stored: { outcome: 'ingested' | 'duplicate'; inquiryId: string; seq?: number };
  try {
    stored = await inTransaction(ctx.db, async (tx) => {
      const earlier = await ingestedAs(tx, mail.messageId);
      if (earlier) return { outcome: 'duplicate', inquiryId: earlier };
      const id = randomUUID();
      await tx.insertInto('inquiry_mail').values({ inquiry_id: id, message_id: mail.messageId, references_header: mail.references, ingested_at: now.toISOString() }).execute();
      const data = { id, ...mail.inquiry };
      const [seq] = await writeRecords(tx, [{ op: 'create', entity: 'inquiry', id, customerId: null, data, fields: Object.keys(mail.inquiry) }], {
        at: now,
        by: null,
        // ids and counts: the address, the subject and the text are the record's, never the log's
        audit: { action: 'inquiry.ingested', outcome: 'ok', entity: 'inquiry', entityId: id, fields: Object.keys(mail.inquiry), detail: removedDetail(mail.removed) },
      });
      return { outcome: 'ingested', inquiryId: id, seq };
    });
  } catch (err) {
    // another process committed the same Message-ID between our look and our insert (PostgreSQL; SQLite retries the transaction)
    const earlier = isUniqueViolation(err) ? await ingestedAs(ctx.db, mail.messageId) : undefined;
    if (!earlier) throw err;
    stored = { outcome: 'duplicate', inquiryId: earlier };
  }
  if (stored.seq) ctx.feed.publish({ kind: 'advanced', head: stored.seq });
  return { outcome: stored.outcome, inquiryId: stored.inquiryId };
}

/**
 * The mail headers kept for `inquiryIds`, gone: for an erasure that tombstones inquiries (a Message-ID
 * often names its sender), in the erasure's transaction. This module stays the one writer of the table.
 */
export async function forgetInquiryMail(tx: Tx, inquiryIds: readonly string[]): Promise<void> {
  if (inquiryIds.length) await tx.deleteFrom('inquiry_mail').where('inquiry_id', 'in', [...inquiryIds]).execute();
}

async function ingestedAs(db: CentralDb | Tx, messageId: string): Promise<string | undefined> {
  return (await db.selectFrom('inquiry_mail').select('inquiry_id').where('message_id', '=', messageId).executeTakeFirst())?.inquiry_id;
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** `from mail: 2 attachments removed, 1 card number and 1 SSN redacted, body truncated` (or `from mail`) */
function removedDetail(removed: InquiryMail['removed']): string {
  const parts = [
    removed.attachments ? `${removed.attachments} attachment(s) removed` : '',
    removed.cards || removed.ssns ? `${removed.cards} card number(s) and ${removed.ssns} SSN(s) redacted` : '',
    removed.truncated ? 'body truncated' : '',
  ].filter(Boolean);
  return parts.length ? `from mail: ${parts.join(', ')}` : 'from mail';
}
