/**
 * Issue 16: a correction held unverified during an outage (`Mutation.unverifiedHold`, protocol 8)
 * waits in the outbox marked so, is sent with the mark, and is never applied to the desk's view of
 * the record (the central store has not applied it, and may never).
 */
export const version = 12;
export const name = 'unverified_holds';

export const sql = /* sql */ `
ALTER TABLE outbox ADD COLUMN unverified_hold INTEGER;
`;
