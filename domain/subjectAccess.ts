import type { EntityName } from './entities';

/**
 * A subject access report (issue 14): what a customer is told the provider holds about them and who
 * received it. The one place this is written down; the central store's report follows it.
 *
 * - Every record of the customer is in it, as the compliance role reads it (a card only masked; the
 *   card number never leaves the card vault), with each change (when, which fields, by which role)
 *   and each audited access (when, what, by which role), and the staff recipients counted by role.
 * - Third parties are the approved disclosures (`disclosures`: who, on which basis, which items, the
 *   document, when), except those under a non-disclosure order: such a disclosure is withheld whole,
 *   and nothing in the report says that anything was withheld (telling would breach the order).
 * - `WITHHELD_ENTITIES` are compliance's own working records: neither they nor their history nor
 *   their audit rows are in the records, changes or accesses (a legal hold may rest on a preservation
 *   request or an open disclosure that is itself confidential; the disclosure register is told only
 *   through `disclosures`, as above).
 */
export const WITHHELD_ENTITIES: readonly EntityName[] = ['legalHold', 'disclosureRecord'];

/** Whether a disclosure reaches the customer's report: approved, and under no non-disclosure order. */
export function reportedDisclosure(record: { status: string; nonDisclosureOrder: boolean }): boolean {
  return record.status === 'approved' && !record.nonDisclosureOrder;
}

/** Audit actions that count as a change of the customer's data in the recipients' tally; every other access is a view. */
export const CHANGING_ACTIONS: readonly string[] = ['record.create', 'record.update', 'card.replace', 'billing.adjustment', 'billing.adjustment_decided', 'billing.adjustment_reversed', 'lead.converted', 'e911.updated', 'erasure.completed'];
