import { sql } from 'kysely';
import { project, type EntityName, type PullChange, type Role } from '../../domain';
import { appendAudit, type AuditEntry } from '../audit/auditLog';
import { allocateSeq } from './changeLog';
import { isPostgres, type Tx } from './database';
import type { CentralDb, CentralSchema } from './schema';

/**
 * The record store (DESIGN §8): the one module that reads and writes `records` and `record_history`. Every
 * change takes the next numbers of the change log, writes the record (a deletion is a tombstone,
 * `data` NULL, which a pull delivers as `del`), one history row per record with who, when, which
 * fields and why, and the change's audit row — all in the caller's transaction, so they commit
 * together or not at all. Reads of changes for a pull come projected for the reader's role
 * (`changesPage`). Nothing else touches these tables. Kept small, and dialect-neutral
 * through Kysely, so that a PostgreSQL store can stand behind the same functions.
 */

export interface StoredRecord {
  entity: EntityName;
  id: string;
  customerId: string | null;
  seq: number;
  /** null: deleted (a tombstone) */
  data: Record<string, unknown> | null;
  updatedAt: string;
  updatedBy: string | null;
  /** the display name of whoever changed it last, for conflict messages */
  updatedByName: string | null;
}

export type RecordWrite = {
  entity: EntityName;
  id: string;
  customerId: string | null;
  /** the fields this change sets (names only), for the history */
  fields: readonly string[];
} & ({ op: 'create' | 'update'; data: Record<string, unknown> } | { op: 'delete' });

export interface ChangeContext {
  at: Date;
  /** the user who made the change; null: the store itself */
  by: string | null;
  /** why, in the user's words (kept in the history, never in the audit log) */
  reason?: string | null;
  /** the desk's mutation that carried the change */
  mutationId?: string | null;
  /** the change's audit row, appended in the same transaction */
  audit?: AuditEntry;
}

export interface HistoryEntry {
  seq: number;
  at: string;
  userId: string | null;
  userName: string | null;
  kind: RecordWrite['op'];
  fields: string[];
  reason: string | null;
  mutationId: string | null;
}

/**
 * One record as the store holds it now. `forUpdate`: in a transaction, the record's row stays locked
 * until the commit (PostgreSQL; SQLite's one writer has it anyway), so that what is read is what
 * the change is made from, whichever node another writer of the record runs on.
 */
export async function readRecord(db: CentralDb | Tx, entity: EntityName, id: string, { forUpdate = false }: { forUpdate?: boolean } = {}): Promise<StoredRecord | undefined> {
  const query = db
    .selectFrom('records')
    .leftJoin('users', 'users.id', 'records.updated_by')
    .select(['records.customer_id', 'records.seq', 'records.data', 'records.updated_at', 'records.updated_by', 'users.display_name'])
    .where('records.entity', '=', entity)
    .where('records.id', '=', id);
  const row = await (forUpdate && isPostgres(db) ? query.forUpdate('records') : query).executeTakeFirst();
  if (!row) return undefined;
  return {
    entity,
    id,
    customerId: row.customer_id,
    seq: Number(row.seq),
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    updatedByName: row.display_name ?? null,
  };
}

/**
 * Writes `writes` as one change: consecutive sequence numbers in the given order, the history, and
 * the audit row. Returns the sequence numbers. A create of an existing (entity, id) fails (the
 * primary key), an update or delete of a missing one throws: callers check first and refuse with a
 * reason; this is the last line.
 */
export async function writeRecords(tx: Tx, writes: readonly RecordWrite[], change: ChangeContext): Promise<number[]> {
  if (writes.length === 0) return [];
  const first = await allocateSeq(tx, writes.length);
  const at = change.at.toISOString();
  const seqs: number[] = [];
  for (const [i, w] of writes.entries()) {
    const seq = first + i;
    seqs.push(seq);
    const data = w.op === 'delete' ? null : JSON.stringify(w.data);
    if (w.op === 'create') {
      await tx.insertInto('records').values({ entity: w.entity, id: w.id, customer_id: w.customerId, seq, data, updated_at: at, updated_by: change.by }).execute();
    } else {
      const updated = await tx
        .updateTable('records')
        // a deletion keeps the tombstone's customer (the erasure that made it); an update takes the record's (an inquiry linked to a customer)
        .set({ data, seq, updated_at: at, updated_by: change.by, ...(w.op === 'update' ? { customer_id: w.customerId } : {}) })
        .where('entity', '=', w.entity)
        .where('id', '=', w.id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new Error(`record store: no ${w.entity} ${w.id} to ${w.op}`);
    }
    await tx
      .insertInto('record_history')
      .values({
        seq,
        entity: w.entity,
        id: w.id,
        customer_id: w.customerId,
        at,
        user_id: change.by,
        mutation_id: change.mutationId ?? null,
        kind: w.op,
        fields: JSON.stringify(w.fields),
        reason: change.reason ?? null,
      })
      .execute();
  }
  if (change.audit) await appendAudit(tx, change.at, change.audit);
  return seqs;
}

/** Every live record (not a tombstone) of one customer, of any entity (what an erasure goes through) or of one. */
export async function recordsOfCustomer(tx: Tx, customerId: string, entity?: EntityName): Promise<(StoredRecord & { data: Record<string, unknown> })[]> {
  let query = tx.selectFrom('records').select(['entity', 'id', 'customer_id', 'seq', 'data', 'updated_at', 'updated_by']).where('customer_id', '=', customerId).where('data', 'is not', null);
  if (entity) query = query.where('entity', '=', entity);
  const rows = await query.orderBy('seq').execute();
  return rows.map((row) => ({
    entity: row.entity as EntityName,
    id: row.id,
    customerId: row.customer_id,
    seq: Number(row.seq),
    data: JSON.parse(row.data!) as Record<string, unknown>,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    updatedByName: null,
  }));
}

/** An erased customer's change reasons (free text) leave the history; who, when and which fields stay. */
export async function forgetReasons(tx: Tx, customerId: string): Promise<void> {
  await tx.updateTable('record_history').set({ reason: null }).where('customer_id', '=', customerId).execute();
}

/** Rows per multi-row insert when loading (7 parameters a row, well under SQLite's 32,766) */
const ROWS_PER_INSERT = 1_000;

/**
 * Bulk-loads records made by the store itself (demo data, an import): numbered like any change,
 * without history rows (nobody changed them; 1M customers are 3.6M rows).
 */
export async function loadRecords(tx: Tx, rows: readonly Omit<CentralSchema['records'], 'seq'>[]): Promise<void> {
  if (rows.length === 0) return;
  const first = await allocateSeq(tx, rows.length);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await tx
      .insertInto('records')
      .values(rows.slice(i, i + ROWS_PER_INSERT).map((r, j) => ({ ...r, seq: first + i + j })))
      .execute();
  }
}

/** A record's history, oldest first: who changed which fields when, and why. */
export async function recordHistory(db: CentralDb | Tx, entity: EntityName, id: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('record_history')
    .leftJoin('users', 'users.id', 'record_history.user_id')
    .select(['record_history.seq', 'record_history.at', 'record_history.user_id', 'users.display_name', 'record_history.kind', 'record_history.fields', 'record_history.reason', 'record_history.mutation_id'])
    .where('record_history.entity', '=', entity)
    .where('record_history.id', '=', id)
    .orderBy('record_history.seq')
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    userId: r.user_id,
    userName: r.display_name ?? null,
    kind: r.kind as RecordWrite['op'],
    fields: JSON.parse(r.fields) as string[],
    reason: r.reason,
    mutationId: r.mutation_id,
  }));
}

/** A stretch of the change log: the changes after `after` up to `head`, of these entities. */
export interface ChangeRange {
  after: number;
  head: number;
  entities: readonly EntityName[];
}

function inRange(db: CentralDb | Tx, range: ChangeRange) {
  return db.selectFrom('records').where('seq', '>', range.after).where('seq', '<=', range.head).where('entity', 'in', [...range.entities]);
}

/** How many changes the range holds (for a progress bar), counted from the (seq, entity) index alone. */
export async function countChanges(db: CentralDb | Tx, range: ChangeRange): Promise<number> {
  if (range.entities.length === 0 || range.after >= range.head) return 0;
  return Number((await inRange(db, range).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/**
 * The next `limit` changes of the range in sequence order, each projected for `role` (DESIGN §3): a
 * `put` with only what the role may see, or a `del` for a tombstone; a record the role may see
 * nothing of is left out. `rows` counts what was read, `lastSeq` is the last sequence number read.
 */
export async function changesPage(db: CentralDb | Tx, range: ChangeRange, limit: number, role: Role): Promise<{ changes: PullChange[]; rows: number; lastSeq: number | null }> {
  if (range.entities.length === 0 || range.after >= range.head) return { changes: [], rows: 0, lastSeq: null };
  const page = await inRange(db, range).select(['entity', 'id', 'customer_id', 'seq', 'data']).orderBy('seq').limit(limit).execute();
  const changes: PullChange[] = [];
  for (const row of page) {
    const seq = Number(row.seq);
    const entity = row.entity as EntityName;
    if (row.data === null) {
      changes.push({ t: 'del', seq, entity, id: row.id, customerId: row.customer_id });
      continue;
    }
    const data = project(entity, JSON.parse(row.data) as Record<string, unknown>, role);
    if (data) changes.push({ t: 'put', seq, entity, id: row.id, customerId: row.customer_id, data });
  }
  return { changes, rows: page.length, lastSeq: page.length ? Number(page[page.length - 1]!.seq) : null };
}

/** One record of a first sync's snapshot, projected for the reader's role, as JSON text (domain/sync/snapshot.ts). */
export interface SnapshotPart {
  entity: EntityName;
  id: string;
  seq: number;
  json: string;
}

function projectedPart(row: { entity: string; id: string; seq: number | string; data: string | null }, role: Role): SnapshotPart | null {
  const entity = row.entity as EntityName;
  const data = project(entity, JSON.parse(row.data!) as Record<string, unknown>, role);
  return data && { entity, id: row.id, seq: Number(row.seq), json: JSON.stringify(data) };
}

/**
 * The next `customers` customers after `after` (by id) with every live record of theirs of these
 * entities, projected for `role`, each customer's records in sequence order: two range reads of the
 * (customer_id, entity) index, the customers first and then their records. `last` is the last
 * customer read (null: none left); a customer whose records the role may see nothing of has none.
 */
export async function customerAggregates(
  db: CentralDb | Tx,
  { after, entities, customers }: { after: string | null; entities: readonly EntityName[]; customers: number },
  role: Role,
): Promise<{ aggregates: { customerId: string; parts: SnapshotPart[] }[]; last: string | null }> {
  if (entities.length === 0) return { aggregates: [], last: null };
  let ids = db.selectFrom('records').select('customer_id').distinct().where('customer_id', 'is not', null).where('entity', 'in', [...entities]);
  if (after !== null) ids = ids.where('customer_id', '>', after);
  const page = await ids.orderBy('customer_id').limit(customers).execute();
  if (page.length === 0) return { aggregates: [], last: null };
  const first = page[0]!.customer_id!;
  const last = page[page.length - 1]!.customer_id!;
  const rows = await db
    .selectFrom('records')
    .select(['entity', 'id', 'customer_id', 'seq', 'data'])
    .where('customer_id', '>=', first)
    .where('customer_id', '<=', last)
    .where('entity', 'in', [...entities])
    .where('data', 'is not', null)
    .orderBy('customer_id')
    .execute();
  const aggregates: { customerId: string; parts: SnapshotPart[] }[] = [];
  for (const row of rows) {
    const part = projectedPart(row, role);
    if (!part) continue;
    if (aggregates.at(-1)?.customerId !== row.customer_id) aggregates.push({ customerId: row.customer_id!, parts: [] });
    aggregates.at(-1)!.parts.push(part);
  }
  // the order the change log would bring them in: a customer's lines list as an incremental pull leaves them
  for (const aggregate of aggregates) aggregate.parts.sort((a, b) => a.seq - b.seq);
  return { aggregates, last };
}

/**
 * The next `limit` live records of no customer after (`after`, `afterEntity`) in (id, entity) order,
 * projected for `role`: one range of the partial index `records_without_customer` (migration 016).
 * `last` is the key of the last record read, projected or not (null: none left).
 */
export async function recordsWithoutCustomer(
  db: CentralDb | Tx,
  { after, entities, limit }: { after: { id: string; entity: string } | null; entities: readonly EntityName[]; limit: number },
  role: Role,
): Promise<{ parts: SnapshotPart[]; last: { id: string; entity: EntityName } | null }> {
  if (entities.length === 0) return { parts: [], last: null };
  // SQLite's planner, without statistics, prefers records_by_customer (customer_id = NULL) and sorts
  // every remaining record of no customer at each page — quadratic at a million customers — so it
  // is told the partial index; PostgreSQL's picks it by itself
  const from = isPostgres(db) ? sql`records` : sql`records INDEXED BY records_without_customer`;
  const resume = after ? sql`AND (id > ${after.id} OR (id = ${after.id} AND entity > ${after.entity}))` : sql``;
  const { rows } = await sql<{ entity: string; id: string; seq: number | string; data: string | null }>`
    SELECT entity, id, seq, data FROM ${from}
    WHERE customer_id IS NULL AND entity IN (${sql.join([...entities])}) ${resume}
    ORDER BY id, entity LIMIT ${limit}`.execute(db);
  const parts: SnapshotPart[] = [];
  for (const row of rows) {
    if (row.data === null) continue;
    const part = projectedPart(row, role);
    if (part) parts.push(part);
  }
  const tail = rows.at(-1);
  return { parts, last: rows.length < limit || !tail ? null : { id: tail.id, entity: tail.entity as EntityName } };
}
