/**
 * Network operations' lists of service lines (issue 14): the lines of a status, and the lines the
 * central store flagged for an E911 review, oldest flag first. Expression indexes over the lines only,
 * so that neither list reads every record of a million customers. The listing statements
 * (records.ts, `serviceLineStatement`) restate these WHERE terms so that SQLite uses them.
 */
export const version = 8;
export const name = 'service_line_index';

export const sql = /* sql */ `
CREATE INDEX record_body_line_status ON record_body (json_extract(data, '$.status')) WHERE entity = 'serviceLine';
CREATE INDEX record_body_line_review ON record_body (json_extract(data, '$.e911Review.since')) WHERE entity = 'serviceLine' AND json_extract(data, '$.e911Review') IS NOT NULL;
`;
