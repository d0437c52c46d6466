/**
 * The outbox learns a fourth state, `held`: the central store kept the mutation for a supervisor's
 * review instead of applying it (a caller verification that ran out before the edit arrived). SQLite
 * cannot change a CHECK constraint in place, so the table is rebuilt, rows and indexes kept.
 */
export const version = 2;
export const name = 'held_outbox';

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
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'conflict', 'rejected', 'held')),
  conflicts       TEXT,
  rejection       TEXT,
  -- for status held: why the central store holds it ({ reason, message })
  hold            TEXT
);
INSERT INTO outbox_next (seq, id, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, conflicts, rejection)
  SELECT seq, id, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, conflicts, rejection FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE UNIQUE INDEX outbox_id ON outbox (id);
CREATE INDEX outbox_entity ON outbox (entity, entity_id);
CREATE INDEX outbox_customer ON outbox (customer_id);
`;
