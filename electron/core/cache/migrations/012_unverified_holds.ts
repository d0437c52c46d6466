/**
 * Issue 16: callbacks a caller asked for are a queue too (`callbackRequest`, listed on the customer's
 * profile): the queue index holds them (keep the list equal to QUEUE_ENTITIES without QUEUE_MARKS,
 * domain/operations.ts; a cache test checks it). A correction held unverified during an outage (`Mutation.unverifiedHold`, protocol 8)
 * waits in the outbox marked so, is sent with the mark, and is never applied to the desk's view of
 * the record (the central store has not applied it, and may never).
 */
export const version = 12;
export const name = 'unverified_holds';

export const sql = /* sql */ `
DROP INDEX record_body_queue;
CREATE INDEX record_body_queue ON record_body (entity) WHERE entity IN ('erasureRequest', 'legalHold', 'lead', 'inquiry', 'disclosureRecord', 'sharingRecord', 'heldEdit', 'callbackRequest');
ALTER TABLE outbox ADD COLUMN unverified_hold INTEGER;
`;
