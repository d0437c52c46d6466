import { z } from 'zod';
import { rule } from '../validation/rule';
import { EntityNameSchema, StoreGeneration } from './protocol';
import type { EntityName } from '../entities';

/**
 * The first sync's snapshot (protocol 7, issue 15): instead of the change log's 3.65 rows per
 * customer, one NDJSON row per customer aggregate — the customer and every record of theirs the
 * role may see (service lines, billing summary, orders…), each already projected — then one row per
 * record that belongs to no customer (leads, unlinked inquiries, held edits). The store reads them
 * with keyset pages (by customer id, then by record id), never OFFSET.
 *
 * The snapshot is consistent at `at`, the change-log head read before its first page: every record
 * it carries is at `at` or newer, and the desk pulls from `at` afterwards, which brings whatever
 * changed or was deleted meanwhile (the cache keeps the newest version of each record).
 *
 * A row is a JSON array `[L,H,D0,D1,…]`: H is a header of L characters naming each record
 * (entity, id, sequence, length of its text) and D0… are the records' projected JSON texts. The
 * desk parses H and each Di on its own — so every byte is validated as JSON and against the
 * schemas here — and stores each Di as it came, without serialising it again. Lengths count
 * JavaScript string characters (UTF-16 code units) of the decoded line.
 */
export const SNAPSHOT_SINCE_PROTOCOL = 7;

/** Where a snapshot resumes: after a customer (`c/<id>`), or after a record of no customer (`l/<entity>/<id>`). */
export type SnapshotPosition = { phase: 'customers'; after: string } | { phase: 'loose'; entity: EntityName; after: string };

const POSITION = /^(?:c\/.{1,200}|l\/[A-Za-z]{1,40}\/.{1,200})$/s;
export const SnapshotCursor = z.string().refine((value) => POSITION.test(value) && (value.startsWith('c/') || EntityNameSchema.safeParse(value.split('/')[1]).success), rule('snapshot.cursor', 'a snapshot position (c/<customer id> or l/<entity>/<id>)'));

export function positionOf(cursor: string | undefined): SnapshotPosition | null {
  if (!cursor) return null;
  if (cursor.startsWith('c/')) return { phase: 'customers', after: cursor.slice(2) };
  const slash = cursor.indexOf('/', 2);
  return { phase: 'loose', entity: cursor.slice(2, slash) as EntityName, after: cursor.slice(slash + 1) };
}

export function cursorOf(position: SnapshotPosition): string {
  return position.phase === 'customers' ? `c/${position.after}` : `l/${position.entity}/${position.after}`;
}

export const SnapshotQuery = z.strictObject({
  /** the head the snapshot is consistent at, from its first response's head line (absent: a new snapshot) */
  at: z.coerce.number().int().min(0).optional(),
  /** where the last page the desk wrote ended (absent: from the start) */
  after: SnapshotCursor.optional(),
  /** records per response, about: a response ends at the first page boundary past it */
  limit: z.coerce.number().int().min(1).max(200_000).optional(),
  /** rows per page (a customer aggregate is one row), at most 2,000; the store's choice when absent */
  page: z.coerce.number().int().min(1).max(2000).optional(),
  generation: StoreGeneration.optional(),
});
export type SnapshotQuery = z.infer<typeof SnapshotQuery>;

/** The lines of a snapshot response other than rows: the head first, a page mark after each page's rows, the end last. */
export const SnapshotLine = z.discriminatedUnion('t', [
  /** `total`: records of the role from the log's start to `at`, for the progress bar */
  z.strictObject({ t: z.literal('snapshot'), at: z.number().int().min(0), total: z.number().int().min(0), generation: StoreGeneration }),
  /** the rows since the previous mark form a page: written together or not at all; `next` is where the snapshot resumes after it */
  z.strictObject({ t: z.literal('page'), next: SnapshotCursor.nullable() }),
  /** `done`: the snapshot is complete (else the desk asks again from its last page) */
  z.strictObject({ t: z.literal('end'), done: z.boolean() }),
]);
export type SnapshotLine = z.infer<typeof SnapshotLine>;

const RecordHead = z.tuple([EntityNameSchema, z.string().min(1).max(200), z.number().int().min(1), z.number().int().min(2)]);
const RowHeader = z.strictObject({ customerId: z.string().min(1).max(200).nullable(), records: z.array(RecordHead).min(1).max(10_000) });

/** One record of a snapshot row: `json` is its projected data's text as it travelled, `data` that text parsed. */
export interface SnapshotRecord {
  entity: EntityName;
  id: string;
  customerId: string | null;
  seq: number;
  data: Record<string, unknown>;
  json: string;
}

/** A row's text, from the records' texts (each `JSON.stringify` of the projected data). */
export function encodeSnapshotRow(customerId: string | null, records: readonly { entity: EntityName; id: string; seq: number; json: string }[]): string {
  const header = JSON.stringify({ customerId, records: records.map((r) => [r.entity, r.id, r.seq, r.json.length]) });
  let row = `[${header.length},${header}`;
  for (const record of records) row += `,${record.json}`;
  return `${row}]`;
}

export class MalformedSnapshotRow extends Error {}

/**
 * A row's records, every part parsed and checked; throws MalformedSnapshotRow on anything else
 * (a length that does not fit, a separator out of place, a text that is not a JSON object naming
 * its record's id, an unknown entity).
 */
export function decodeSnapshotRow(line: string): SnapshotRecord[] {
  const fail = (why: string): never => {
    throw new MalformedSnapshotRow(why);
  };
  if (line[0] !== '[') fail('a row is a JSON array');
  const comma = line.indexOf(',');
  const lengthText = line.slice(1, comma);
  if (comma < 2 || !/^\d{1,7}$/.test(lengthText)) fail('the header length');
  const headerEnd = comma + 1 + Number(lengthText);
  const header = RowHeader.safeParse(parseJson(line.slice(comma + 1, headerEnd)));
  if (!header.success) return fail('the row header');
  let at = headerEnd;
  const records: SnapshotRecord[] = [];
  for (const [entity, id, seq, length] of header.data.records) {
    if (line[at] !== ',') fail('a separator');
    const json = line.slice(at + 1, at + 1 + length);
    at += 1 + length;
    const data = parseJson(json);
    if (json.length !== length || typeof data !== 'object' || data === null || Array.isArray(data) || (data as { id?: unknown }).id !== id) fail(`the text of ${entity} ${id}`);
    const customerId = header.data.customerId ?? (entity === 'customer' ? id : null);
    records.push({ entity, id, customerId, seq, data: data as Record<string, unknown>, json });
  }
  if (at !== line.length - 1 || line[at] !== ']') fail('the row end');
  return records;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
