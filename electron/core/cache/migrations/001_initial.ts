/**
 * The first schema of the workstation cache. Migrations are frozen once shipped: a later change
 * is a new numbered file. Secondary indexes are separate `CREATE INDEX` statements (never inline
 * UNIQUE constraints) so that a first sync can set them aside and build them once at the end.
 */
export const version = 1;
export const name = 'initial';

export const sql = /* sql */ `
-- cursor, client id, session token, last online time, user: small facts kept under the cache key
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- where each server record is: a narrow row of integer keys, so that a first sync can build
-- these indexes in one pass at its end without reading the records themselves (TOOLCHAIN.md)
CREATE TABLE record (
  rid           INTEGER PRIMARY KEY,
  key_hash      INTEGER NOT NULL, -- recordKeys.ts: hash of (entity, id); the text is checked on lookup
  customer_hash INTEGER,          -- hash of customer_id
  seq           INTEGER NOT NULL  -- the change-log sequence this version came with
);
CREATE INDEX record_key ON record (key_hash);
CREATE INDEX record_customer ON record (customer_hash);

-- the server records themselves, as this user's role may see them
CREATE TABLE record_body (
  rid         INTEGER PRIMARY KEY,
  entity      TEXT NOT NULL,
  id          TEXT NOT NULL,
  customer_id TEXT,
  data        TEXT NOT NULL
);

-- the search keys of each customer's effective view (server data with pending edits applied);
-- cust is the rid of the customer's record
CREATE TABLE customer_search (
  cust        INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL,
  name_lf     TEXT NOT NULL,
  name_fl     TEXT NOT NULL,
  email       TEXT,
  account     TEXT,
  phones      TEXT NOT NULL
);
CREATE INDEX customer_search_name_lf ON customer_search (name_lf);
CREATE INDEX customer_search_name_fl ON customer_search (name_fl);
CREATE INDEX customer_search_email ON customer_search (email);
CREATE INDEX customer_search_account ON customer_search (account);

-- any run of phone digits: a trigram index over customer_search.phones, answered with LIKE '%digits%'
CREATE VIRTUAL TABLE phone_search USING fts5 (
  phones, content = 'customer_search', content_rowid = 'cust', tokenize = 'trigram', detail = 'none'
);

-- edits waiting for the central store, and those it sent back (DESIGN §5)
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL,
  client_id       TEXT NOT NULL,
  entity          TEXT NOT NULL,
  entity_id       TEXT NOT NULL,
  customer_id     TEXT,
  base            TEXT NOT NULL,
  changes         TEXT NOT NULL,
  reason          TEXT NOT NULL,
  verification_id TEXT,
  created_at      TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'conflict', 'rejected')),
  conflicts       TEXT,
  rejection       TEXT
);
CREATE UNIQUE INDEX outbox_id ON outbox (id);
CREATE INDEX outbox_entity ON outbox (entity, entity_id);
CREATE INDEX outbox_customer ON outbox (customer_id);

-- sensitive reads (a profile opened) waiting to be reported to the audit log
CREATE TABLE view_event (
  rid       INTEGER PRIMARY KEY,
  id        TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE UNIQUE INDEX view_event_id ON view_event (id);

-- while a first sync runs: the index definitions set aside, and deletions to apply at the end
CREATE TABLE initial_sync_index (
  name TEXT PRIMARY KEY,
  sql  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE initial_sync_tombstone (
  entity TEXT NOT NULL,
  id     TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  PRIMARY KEY (entity, id)
) WITHOUT ROWID;
`;
