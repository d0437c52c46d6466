/**
 * The outbox learns a fifth state, `applied`: the central store applied the mutation, but this cache
 * has not pulled the change log up to where the store wrote it, so its copy of the record is older
 * than the edit. The entry stays as an overlay of the effective view (never sent again, not shown as
 * waiting) until the cursor reaches `settle_at` (the store's head in the push answer) and the cached
 * record holds `server_seq` (where the store wrote it); then it goes. Without it, a second edit of the
 * field made in that window was based on the old value and conflicted with the desk's own edit.
 * SQLite cannot change a CHECK constraint in place, so the table is rebuilt, rows and indexes kept.
 */
export const version = 14;
export const name = 'applied_overlay';

export const sql = /* sql */ `
CREATE TABLE outbox_next (
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
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'conflict', 'rejected', 'held', 'applied')),
  conflicts       TEXT,
  rejection       TEXT,
  hold            TEXT,
  op              TEXT CHECK (op IS NULL OR op = 'create'),
  sent_in         TEXT,
  escalation      TEXT,
  unverified_hold INTEGER,
  -- for status applied: the store's head in the push answer, and the sequence it wrote the record at (null: nothing to write)
  settle_at       INTEGER,
  server_seq      INTEGER,
  CHECK ((status = 'applied') = (settle_at IS NOT NULL))
);
INSERT INTO outbox_next (seq, id, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, conflicts, rejection, hold, op, sent_in, escalation, unverified_hold)
  SELECT seq, id, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, conflicts, rejection, hold, op, sent_in, escalation, unverified_hold FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE UNIQUE INDEX outbox_id ON outbox (id);
CREATE INDEX outbox_entity ON outbox (entity, entity_id);
CREATE INDEX outbox_customer ON outbox (customer_id);
`;
