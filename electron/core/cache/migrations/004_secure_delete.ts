/**
 * Deleted phone digits must leave the trigram index at once (issue 11: an erased customer is not
 * searchable, nor readable in the file). FTS5 otherwise keeps a deleted row's tokens in its
 * segments, marked deleted, until a merge rewrites them; `secure-delete` removes them on delete.
 * The setting is stored with the index, so it holds across opens and first-sync rebuilds.
 */
export const version = 4;
export const name = 'secure_delete';

export const sql = /* sql */ `
INSERT INTO phone_search (phone_search, rank) VALUES ('secure-delete', 1);
`;
