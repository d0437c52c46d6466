/**
 * The credits and adjustments held against the approval threshold (issue 13): the approvals queue's,
 * among the many on billing tabs (QUEUE_MARKS, domain/operations.ts). A partial index holds only
 * those, so a supervisor's approvals list never reads every adjustment of a million customers.
 * Keep it equal to QUEUE_MARKS (a cache test checks it).
 */
export const version = 7;
export const name = 'approval_index';

export const sql = /* sql */ `
CREATE INDEX record_body_marked_queue ON record_body (entity) WHERE entity = 'billingAdjustment' AND json_extract(data, '$.approvalAboveCents') IS NOT NULL;
`;
