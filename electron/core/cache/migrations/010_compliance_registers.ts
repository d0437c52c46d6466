/**
 * The compliance officer's registers (issue 14): disclosure records and sharing records are listed
 * by entity like the queues, so the queue index (migration 005) now holds them too. Keep the list
 * equal to QUEUE_ENTITIES without QUEUE_MARKS (domain/operations.ts; a cache test checks it).
 * Numbered at merge: nothing depends on the number.
 */
export const version = 10;
export const name = 'compliance_registers';

export const sql = /* sql */ `
DROP INDEX record_body_queue;
CREATE INDEX record_body_queue ON record_body (entity) WHERE entity IN ('erasureRequest', 'legalHold', 'lead', 'inquiry', 'disclosureRecord', 'sharingRecord');
`;
