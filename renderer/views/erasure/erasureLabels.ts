import { ERASURE_SCOPE_LABELS } from '../../../domain/erasure';
import type { Tone } from '../../components/Badge';

/** How an erasure request's status reads, and its tone. Display only: the steps live in domain/lifecycles.ts. */
export const ERASURE_STATUS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: 'Waiting for a decision', tone: 'warn' },
  approved: { label: 'Approved, erasing', tone: 'info' },
  rejected: { label: 'Refused', tone: 'neutral' },
  completed: { label: 'Erased', tone: 'good' },
};

/** What a request asks to erase, as the approver and the rep read it (a request filed before scopes were offered erases the whole account). */
export function scopeLabel(record: Record<string, unknown>): string {
  return ERASURE_SCOPE_LABELS[record.scope === 'contact' ? 'contact' : 'account'].label;
}
