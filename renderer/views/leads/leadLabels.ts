import type { DuplicateCandidate, Lead } from '../../../domain/entities/prospects';
import type { Tone } from '../../components/Badge';

type LeadStatus = Lead['status'];

/** How a lead's status reads, and its tone. Display only: the steps live in domain/lifecycles.ts. */
export const LEAD_STATUS: Record<LeadStatus, { label: string; tone: Tone }> = {
  new: { label: 'New', tone: 'info' },
  contacted: { label: 'Contacted', tone: 'warn' },
  quoted: { label: 'Quoted', tone: 'warn' },
  converted: { label: 'Converted', tone: 'good' },
  closed: { label: 'Closed', tone: 'neutral' },
};
export const leadStatus = (status: unknown) => LEAD_STATUS[status as LeadStatus] ?? { label: String(status), tone: 'neutral' as const };

/** What taking a step to a status is called on its button ("Mark contacted"), and its reason's placeholder. */
export const STEP_LABELS: Record<LeadStatus, { action: string; example: string }> = {
  new: { action: 'Reopen', example: 'Prospect called back…' },
  contacted: { action: 'Mark contacted', example: 'Called back about the quote…' },
  quoted: { action: 'Mark quoted', example: 'Quote sent by email…' },
  converted: { action: 'Convert', example: '' },
  closed: { action: 'Close', example: 'Not interested any more…' },
};
export const stepLabel = (to: string) => STEP_LABELS[to as LeadStatus] ?? { action: `Move to ${to}`, example: '' };

/** What made the central store think an existing customer may be the prospect. */
const MATCHED_ON: Record<DuplicateCandidate['matchedOn'][number], string> = {
  email: 'same email',
  phone: 'same phone',
  name_and_address: 'same last name and address',
};
export const matchedOn = (candidate: DuplicateCandidate) => candidate.matchedOn.map((m) => MATCHED_ON[m]).join(', ');

export const leadName = (record: Record<string, unknown>) => `${String(record.firstName ?? '')} ${String(record.lastName ?? '')}`.trim() || '(no name)';
