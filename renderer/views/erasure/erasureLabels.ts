import type { Tone } from '../../components/Badge';

/** How an erasure request's status reads, and its tone. Display only: the steps live in domain/lifecycles.ts. */
export const ERASURE_STATUS: Record<string, { label: string; tone: Tone }> = {
  pending: { label: 'Waiting for a decision', tone: 'warn' },
  approved: { label: 'Approved, erasing', tone: 'info' },
  rejected: { label: 'Refused', tone: 'neutral' },
  completed: { label: 'Erased', tone: 'good' },
};
