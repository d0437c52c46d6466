import { ENTITY_NAMES, type AuditAction, type EntityName } from './entities';
import { OPERATIONS, type OperationName, type Operation } from './operations';

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

/**
 * The online operations on a customer's records that change nothing held about them: a check of the
 * caller, a read, something sent (a partner's file, a reply to the customer, whose inquiry the store
 * marks answered as its own step). Their audit rows count as views.
 */
const NOT_CHANGING: readonly OperationName[] = ['customer.verifyCaller', 'subjectAccess.report', 'sharing.export', 'inquiry.reply'];

/**
 * Audit actions that count as a change of the customer's data in the recipients' tally; every other
 * access is a view. Derived from the operations (domain/operations.ts): what every offline one writes
 * (a create, an edit) and every online one on a record but those above, so that a new operation on a
 * customer's records counts as a change without being listed here; and the store's own erasure,
 * which no operation declares. A withheld entity's operations are left out with their rows.
 */
export const CHANGING_ACTIONS: readonly AuditAction[] = [
  ...new Set<AuditAction>([
    ...(Object.entries(OPERATIONS) as [OperationName, Operation][])
      .filter(([name, op]) => op.kind !== 'online' || ((ENTITY_NAMES as readonly unknown[]).includes(op.entity) && !WITHHELD_ENTITIES.includes(op.entity as EntityName) && !NOT_CHANGING.includes(name)))
      .map(([, op]) => op.audit),
    'erasure.completed',
  ]),
];
