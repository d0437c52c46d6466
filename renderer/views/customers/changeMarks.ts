import type { PendingChange } from '../../../domain/console/contract';
import type { ConfirmedChange } from '../../hooks/useCustomer';

/** The sections of a profile the rep can correct, and the mutation paths each one writes. */
export const SECTIONS = {
  name: { label: 'Name', paths: ['firstName', 'lastName'], key: 'N' },
  phones: { label: 'Phones', paths: ['phones'], key: 'P' },
  email: { label: 'Email', paths: ['email'], key: 'E' },
  serviceAddress: { label: 'Service address', paths: ['serviceAddress'], key: 'S' },
  mailingAddress: { label: 'Mailing address', paths: ['mailingAddress'], key: 'M' },
  consents: { label: 'Consents', paths: ['consents.marketingEmail', 'consents.marketingCalls', 'consents.sms', 'consents.partnerSharing'], key: 'C' },
} as const;
export type SectionId = keyof typeof SECTIONS;
export const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];

export type Mark = 'pending' | 'held' | 'conflict' | 'rejected' | 'confirmed';
/** Most urgent last. Held waits on a supervisor, not on the rep, so it ranks below what the rep must act on. */
export const MARK_RANK: Record<Mark, number> = { confirmed: 0, pending: 1, held: 2, conflict: 3, rejected: 4 };

/** How a section reads right now: the most urgent state among the changes that touch it. */
export function sectionMark(section: SectionId, changes: readonly PendingChange[], confirmed: readonly ConfirmedChange[]): Mark | null {
  const paths: readonly string[] = SECTIONS[section].paths;
  const touches = (fields: readonly string[]) => fields.some((f) => paths.includes(f));
  let mark: Mark | null = null;
  for (const c of changes) if (touches(c.fields) && (!mark || MARK_RANK[c.status] > MARK_RANK[mark])) mark = c.status;
  if (!mark && confirmed.some((c) => touches(c.fields))) mark = 'confirmed';
  return mark;
}
