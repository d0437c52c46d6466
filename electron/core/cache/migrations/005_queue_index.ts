/**
 * The records a role works as a queue rather than through a customer (erasure requests, legal
 * holds, leads, inquiries): listed by entity (issue 11, the approvals queue). A partial index holds
 * only these, so the first sync of a million customers maintains nothing more for every other row.
 * Keep the list equal to QUEUE_ENTITIES (domain/operations.ts; a cache test checks it).
 */
export const version = 5;
export const name = 'queue_index';

export const sql = /* sql */ `
CREATE INDEX record_body_queue ON record_body (entity) WHERE entity IN ('erasureRequest', 'legalHold', 'lead', 'inquiry');
`;
