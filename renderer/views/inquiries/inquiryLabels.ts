import type { Inquiry } from '../../../domain/entities/prospects';
import type { Tone } from '../../components/Badge';
import { phonesInText } from '../../format';

type InquiryStatus = Inquiry['status'];

/** How an inquiry's status reads, and its tone. Display only: the steps live in domain/lifecycles.ts. */
export const INQUIRY_STATUS: Record<InquiryStatus, { label: string; tone: Tone }> = {
  open: { label: 'Open', tone: 'info' },
  answered: { label: 'Answered', tone: 'good' },
  closed: { label: 'Closed', tone: 'neutral' },
};
export const inquiryStatus = (status: unknown) => INQUIRY_STATUS[status as InquiryStatus] ?? { label: String(status), tone: 'neutral' as const };

/** What taking a step to a status is called on its button, and its reason's placeholder. */
const STEP_LABELS: Partial<Record<InquiryStatus, { action: string; example: string }>> = {
  closed: { action: 'Close', example: 'Answered on a call…' },
  open: { action: 'Reopen', example: 'The customer wrote again…' },
};
export const stepLabel = (to: string) => STEP_LABELS[to as InquiryStatus] ?? { action: `Move to ${to}`, example: '' };

/** An inquiry's subject as a heading or a list line: an email may have none. */
export const subjectOf = (record: Record<string, unknown>) => (typeof record.subject === 'string' && record.subject.trim() ? phonesInText(record.subject) : '(no subject)');

/** An email's body as the paragraphs it was written in (blank lines between them), its phone numbers formatted; line breaks inside a paragraph are kept by the style. */
export const paragraphsOf = (body: unknown) =>
  phonesInText(String(body ?? ''))
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
