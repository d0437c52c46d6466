/**
 * The chain of offline reads (issue 16, domain/sync/viewChain.ts): each view and search gets its
 * number and the hash before it when it is sealed (before the desk reports them), and `view_chain`
 * holds the head, one row. (012 is another change's.)
 */
export const version = 13;
export const name = 'view_chain';

export const sql = /* sql */ `
ALTER TABLE view_event ADD COLUMN chain_seq INTEGER;
ALTER TABLE view_event ADD COLUMN chain_prev TEXT;
ALTER TABLE search_event ADD COLUMN chain_seq INTEGER;
ALTER TABLE search_event ADD COLUMN chain_prev TEXT;
CREATE UNIQUE INDEX view_event_chain ON view_event (chain_seq) WHERE chain_seq IS NOT NULL;
CREATE UNIQUE INDEX search_event_chain ON search_event (chain_seq) WHERE chain_seq IS NOT NULL;
CREATE TABLE view_chain (
  one  INTEGER PRIMARY KEY CHECK (one = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);
`;
