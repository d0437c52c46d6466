/**
 * Searches of this cache, kept until they are reported to the audit log (issue 14): their kinds and
 * result count, never the query; and the search a profile was opened from, on its view event.
 */
export const version = 9;
export const name = 'search_events';

export const sql = /* sql */ `
CREATE TABLE search_event (
  rid          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  kinds        TEXT NOT NULL,
  result_count INTEGER NOT NULL,
  at           TEXT NOT NULL
);
ALTER TABLE view_event ADD COLUMN search_id TEXT;
`;
