/**
 * Edits held for a supervisor's review (issue 14, protocol 6) are a queue of the approvals view, so
 * the queue index (migration 005, widened by 010) holds them too. Keep the list equal to
 * QUEUE_ENTITIES without QUEUE_MARKS (domain/operations.ts; a cache test checks it). An outbox entry
 * may carry a rep's escalation of a conflict (`Mutation.escalation`, JSON), sent as it was queued.
 */
export const version = 11;
export const name = 'held_edits';

export const sql = /* sql */ `
DROP INDEX record_body_queue;
CREATE INDEX record_body_queue ON record_body (entity) WHERE entity IN ('erasureRequest', 'legalHold', 'lead', 'inquiry', 'disclosureRecord', 'sharingRecord', 'heldEdit');
ALTER TABLE outbox ADD COLUMN escalation TEXT;
`;
