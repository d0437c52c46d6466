import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { htmlToText } from 'html-to-text';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress as MailAddress, type ParsedMail } from 'mailparser';
import { CareDeskError, EmailAddress, INQUIRY_LIMITS, Inquiry, fitFreeText, redactSensitive } from '../../domain';

/**
 * One email message (RFC 5322 bytes, an `.eml` file or a Maildir entry) read into an inquiry
 * (issue 12): who to answer, the subject, the body as plain text, when it arrived, and what a
 * reply will need (its Message-ID and References). The policy's clauses this carries out:
 * card numbers and SSNs never reach a desk (domain/redaction.ts, applied here, before anything is
 * stored), HTML is read as text only (no markup, no address of remote content survives), and
 * attachments are dropped, named at the end of the body. Nothing here writes anything.
 */

/** Larger messages are refused unread: an inquiry keeps 10,000 characters, and mailparser buffers every attachment. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** HTML past this is cut before it is rendered: rendering is quadratic in nesting depth, and the body keeps 10,000 characters */
const MAX_HTML_CHARS = 256 * 1024;
/** text past this is cut (whole numbers only) before redaction, which costs time in proportion to it */
const MAX_TEXT_CHARS = 20 * INQUIRY_LIMITS.body;
/** a sender's clock a little ahead of ours is not a lie */
export const DATE_SKEW_MS = 5 * 60 * 1000;
/** a Date header older than this is a wrong clock or a forgery, not a backlog */
export const DATE_MAX_AGE_MS = 365 * 86_400_000;
const MAX_LISTED_ATTACHMENTS = 20;
const MAX_MESSAGE_ID = 250;
const MAX_REFERENCES = 2000;

export const TRUNCATED_MARKER = '\n[… message truncated by CareDesk]';
export const SUBJECT_CUT_MARKER = '…';
/** a Message-ID made from the bytes of a message that had none (`.invalid`: no reply can thread on it, RFC 2606) */
export const SYNTHETIC_MESSAGE_ID = /^<[0-9a-f]{64}@caredesk\.invalid>$/;

export interface InquiryMail {
  /** the inquiry, without its id (the store gives it one), valid under `Inquiry` */
  inquiry: Omit<Inquiry, 'id'>;
  /** `<…>`: the message's own, or made from the SHA-256 of its bytes */
  messageId: string;
  /** the References header (Message-IDs, space-separated), for a reply's */
  references: string | null;
  /** what was taken out, counted for the audit row (never what it was) */
  removed: { attachments: number; cards: number; ssns: number; truncated: boolean };
}

/** Why a message makes no inquiry: named by a rule, as every bad input is (DESIGN §9). */
export function refusal(rule: string, message: string, field = '(message)'): CareDeskError {
  return new CareDeskError('validation', message, [{ field, rule, message }]);
}

/**
 * Reads one message. `now` is the store's clock (the time of a message without a sane Date).
 * Refuses (a `validation` CareDeskError naming the rule) a message that is too large, that
 * mailparser cannot read, or that has no address to answer; never returns a half inquiry.
 */
export async function readInquiryMail(bytes: Buffer, now: Date): Promise<InquiryMail> {
  if (bytes.length > MAX_MESSAGE_BYTES) throw refusal('mail.too_large', `the message is ${bytes.length} bytes; at most ${MAX_MESSAGE_BYTES} are read`);
  let parsed: ParsedMail;
  try {
    // CareDesk renders the HTML itself (htmlText): mailparser's own rendering keeps image and link addresses
    parsed = await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false });
  } catch {
    throw refusal('mail.unreadable', 'the message could not be read as email');
  }
  const returnAddress = replyAddress(parsed);
  if (!returnAddress) throw refusal('inquiry.return_address', 'no address to answer: neither Reply-To nor From holds a valid email address', 'returnAddress');

  const subject = redactSensitive(fitFreeText(parsed.subject ?? ''));
  // fitted before it is cut or redacted: a control character between digits must not hide a card number
  const fitted = fitFreeText(bodyText(parsed), { multiLine: true });
  const text = redactSensitive(tidy(cut(fitted, MAX_TEXT_CHARS, '')));
  const note = attachmentNote(parsed.attachments);
  const room = INQUIRY_LIMITS.body - (note ? note.text.length + 2 : 0);
  const truncated = fitted.length > MAX_TEXT_CHARS || text.text.length > room;
  const body = [truncated ? cut(text.text, room, TRUNCATED_MARKER, true) : text.text, note?.text].filter(Boolean).join('\n\n');
  const inquiry = Inquiry.omit({ id: true }).safeParse({
    receivedAt: receivedAt(parsed, now).toISOString(),
    returnAddress,
    subject: cut(subject.text, INQUIRY_LIMITS.subject, SUBJECT_CUT_MARKER),
    body,
    status: 'open',
    customerId: null,
  });
  // the fitting above makes every message valid; should it not, the message is refused, not stored in part
  if (!inquiry.success) throw refusal('inquiry.invalid', `the message does not make a valid inquiry (${inquiry.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  return {
    inquiry: inquiry.data,
    messageId: messageIdOf(parsed.messageId) ?? `<${createHash('sha256').update(bytes).digest('hex')}@caredesk.invalid>`,
    references: referencesOf(parsed.references),
    removed: {
      attachments: parsed.attachments.length,
      cards: subject.cards + text.cards + (note?.cards ?? 0),
      ssns: subject.ssns + text.ssns + (note?.ssns ?? 0),
      truncated,
    },
  };
}

/** Reply-To's first valid address if it has one, else From's; lower-cased, its domain in ASCII (what a reply is sent to). */
function replyAddress(parsed: ParsedMail): string | null {
  for (const header of [parsed.replyTo, parsed.from]) {
    for (const mailbox of mailboxes(header)) {
      const at = mailbox.lastIndexOf('@');
      const ascii = at > 0 ? `${mailbox.slice(0, at)}@${domainToASCII(mailbox.slice(at + 1)) || mailbox.slice(at + 1)}` : mailbox;
      const address = EmailAddress.safeParse(ascii);
      if (address.success) return address.data;
    }
  }
  return null;
}

function mailboxes(header: AddressObject | undefined): string[] {
  const flat = (list: MailAddress[]): string[] => list.flatMap((a) => (a.group ? flat(a.group) : a.address ? [a.address] : []));
  return header ? flat(header.value) : [];
}

/** The text part; else the HTML read as text; else nothing. */
function bodyText(parsed: ParsedMail): string {
  if (parsed.text?.trim()) return parsed.text;
  return parsed.html ? htmlText(parsed.html) : '';
}

/**
 * HTML as plain text only: images, media, frames, forms and scripts leave nothing (not even their
 * address, so nothing remote is ever named, let alone fetched), a link leaves its words, not its target.
 */
export function htmlText(html: string): string {
  const skip = ['img', 'picture', 'video', 'audio', 'iframe', 'object', 'embed', 'svg', 'canvas', 'form', 'noscript', 'template'].map((selector) => ({ selector, format: 'skip' }));
  try {
    return htmlToText(html.slice(0, MAX_HTML_CHARS), {
      wordwrap: false,
      limits: { maxDepth: 500, maxChildNodes: 5000 },
      selectors: [...skip, { selector: 'a', options: { ignoreHref: true } }, ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }))],
    });
  } catch {
    return '[the message’s HTML could not be read as text]';
  }
}

/** no trailing spaces on a line, at most one blank line in a row (what HTML leaves behind) */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * At most `max` characters, `marker` saying what was cut (`always`: text was cut before, say so).
 * Never splits a character, and never keeps the beginning of a number that ran past the cut: a
 * part of a card number left by the cut would be a run the redaction never saw as one.
 */
export function cut(text: string, max: number, marker: string, always = false): string {
  if (text.length <= max && !always) return text;
  const head = text.slice(0, Math.max(0, max - marker.length)).replace(/[\uD800-\uDBFF]$/, '');
  return withoutTrailingNumber(head).trimEnd() + marker;
}

/** `text` less the digits (with their spaces and dashes) it ends with; a loop, as a regex anchored at the end would be quadratic */
function withoutTrailingNumber(text: string): string {
  let end = text.length;
  let start = end;
  while (end > 0 && /[\d -]/.test(text[end - 1]!)) {
    end--;
    if (/\d/.test(text[end]!)) start = end;
  }
  return start < text.length ? text.slice(0, start) : text;
}

/** `Attachments removed by CareDesk: invoice.pdf (12 KB), scan.png (1.4 MB)`, redacted like the rest */
function attachmentNote(attachments: Attachment[]): { text: string; cards: number; ssns: number } | null {
  if (!attachments.length) return null;
  const listed = attachments.slice(0, MAX_LISTED_ATTACHMENTS).map((a) => `${cut(fitFreeText(a.filename ?? '') || `unnamed ${fitFreeText(a.contentType)}`, 80, '…')} (${size(a.size)})`);
  const more = attachments.length > MAX_LISTED_ATTACHMENTS ? ` and ${attachments.length - MAX_LISTED_ATTACHMENTS} more` : '';
  return redactSensitive(`Attachments removed by CareDesk: ${listed.join(', ')}${more}`);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The Date header if it is a time no later than a small skew past now and less than a year old; else now. */
function receivedAt(parsed: ParsedMail, now: Date): Date {
  // mailparser turns an unreadable Date into its own wall-clock time: read the header as written
  const line = parsed.headerLines.find((h) => h.key === 'date')?.line;
  const sent = line ? Date.parse(line.slice(line.indexOf(':') + 1).replace(/\s+/g, ' ').trim()) : NaN;
  const fresh = !Number.isNaN(sent) && sent <= now.getTime() + DATE_SKEW_MS && sent >= now.getTime() - DATE_MAX_AGE_MS;
  return fresh ? new Date(Math.min(sent, now.getTime())) : now;
}

/** `<id>` when the header holds one usable as a reply's In-Reply-To; else null (the store makes one) */
function messageIdOf(value: string | undefined): string | null {
  const id = value?.trim();
  if (!id) return null;
  const bracketed = id.startsWith('<') ? id : `<${id}>`;
  return bracketed.length <= MAX_MESSAGE_ID && /^<[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(bracketed) ? bracketed : null;
}

/** the usable Message-IDs of References, the latest kept when they are many */
function referencesOf(value: string | string[] | undefined): string | null {
  const ids = (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.split(/\s+/)).map(messageIdOf).filter((id): id is string => id !== null);
  let kept = '';
  for (const id of ids.reverse()) {
    if (kept.length + id.length + 1 > MAX_REFERENCES) break;
    kept = kept ? `${id} ${kept}` : id;
  }
  return kept || null;
}
