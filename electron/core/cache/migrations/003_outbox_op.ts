/**
 * The outbox carries records born on this desk (issue 10): a mutation's `op` is `create` for them
 * and empty for an edit or a transition, which is every entry an older CareDesk queued. Those keep
 * their meaning and are delivered as they were.
 */
export const version = 3;
export const name = 'outbox_op';

export const sql = /* sql */ `
ALTER TABLE outbox ADD COLUMN op TEXT CHECK (op IS NULL OR op = 'create');
`;
