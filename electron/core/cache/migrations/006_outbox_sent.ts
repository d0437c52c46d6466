/**
 * The push attempt that first carried a pending mutation and was not answered: it may have reached
 * the central store, so the user may no longer discard it; the store's answer at a later contact
 * settles it. Cleared only when that same attempt failed before anything was sent.
 */
export const version = 6;
export const name = 'outbox_sent';

export const sql = /* sql */ `
ALTER TABLE outbox ADD COLUMN sent_in TEXT;
`;
