import type { EntityName } from '../../../domain/entities';
import { QUEUE_ENTITIES, QUEUE_MARKS, type QueueEntity } from '../../../domain/operations';
import { BatchInsert } from './batchInsert';
import { customerKeyHash, recordKeyHash } from './recordKeys';
import type { Db, SyncMode } from './sqlite';

/** A server record as cached: the role's projection of it, at the change-log sequence it came with. */
export interface CachedRecord {
  entity: EntityName;
  id: string;
  customerId: string | null;
  seq: number;
  data: Record<string, unknown>;
}

/** A cached record with its row id, which the search index uses as the customer's key. */
export interface StoredRecord extends CachedRecord {
  rid: number;
}

interface RecordRow {
  rid: number;
  seq: number;
  entity: EntityName;
  id: string;
  customer_id: string | null;
  data: string;
}

const WHOLE_QUEUES = QUEUE_ENTITIES.filter((e) => !QUEUE_MARKS[e]);
/** The WHERE term of a queue's partial index: migration 005's for whole entities, 007's for an entity only some of whose records are a queue's. */
function queueIndexTerm(entity: QueueEntity): string {
  const mark = QUEUE_MARKS[entity];
  return mark ? `b.entity = '${entity}' AND json_extract(b.data, '$.${mark}') IS NOT NULL` : `b.entity IN (${WHOLE_QUEUES.map((e) => `'${e}'`).join(', ')}) AND b.entity = '${entity}'`;
}

/** Which service lines network operations list: a status's, or those the central store flagged for an E911 review. */
export type ServiceLineFilter = { by: 'status'; status: string } | { by: 'review' };
/** A service line list counts up to this many: past it the console says "more than". */
export const LINE_COUNT_CAP = 10_000;

const SELECT = 'SELECT r.rid, r.seq, b.entity, b.id, b.customer_id, b.data FROM record AS r CROSS JOIN record_body AS b ON b.rid = r.rid';

/**
 * The `record` and `record_body` tables. In normal mode a put replaces the stored version unless
 * that one is newer. During a first sync nothing is looked up: rows are appended (rids assigned
 * here, so both tables agree without a round trip) and a deletion is kept as a tombstone; the
 * latest row of each key wins when the sync finishes (initialSync.ts).
 */
export class RecordTable {
  private readonly statements;
  private readonly appendKeys: BatchInsert;
  private readonly appendBodies: BatchInsert;
  private nextRid: number | null = null;
  private readonly queueStatements: Partial<Record<QueueEntity, ReturnType<Db['prepare']>>> = {};
  private readonly lineStatements: Partial<Record<ServiceLineFilter['by'], [ReturnType<Db['prepare']>, ReturnType<Db['prepare']>]>> = {};

  constructor(private readonly db: Db, private readonly mode: SyncMode) {
    this.statements = {
      byKey: db.prepare(`${SELECT} WHERE r.key_hash = ? AND b.entity = ? AND b.id = ? ORDER BY r.seq DESC, r.rid DESC LIMIT 1`),
      locate: db.prepare(
        'SELECT r.rid, r.seq FROM record AS r CROSS JOIN record_body AS b ON b.rid = r.rid WHERE r.key_hash = ? AND b.entity = ? AND b.id = ? ORDER BY r.seq DESC, r.rid DESC LIMIT 1',
      ),
      ofCustomer: db.prepare(`${SELECT} WHERE r.customer_hash = ? AND b.customer_id = ? AND b.entity = ? ORDER BY r.rid`),
      insertKeys: db.prepare('INSERT INTO record (key_hash, customer_hash, seq) VALUES (?, ?, ?)'),
      insertBody: db.prepare('INSERT INTO record_body (rid, entity, id, customer_id, data) VALUES (?, ?, ?, ?, ?)'),
      updateKeys: db.prepare('UPDATE record SET customer_hash = ?, seq = ? WHERE rid = ?'),
      updateBody: db.prepare('UPDATE record_body SET customer_id = ?, data = ? WHERE rid = ?'),
      deleteKeys: db.prepare('DELETE FROM record WHERE rid = ?'),
      deleteBody: db.prepare('DELETE FROM record_body WHERE rid = ?'),
      maxRid: db.prepare('SELECT coalesce(max(rid), 0) FROM record').pluck(),
      any: db.prepare('SELECT 1 FROM record LIMIT 1').pluck(),
      tombstone: db.prepare(
        `INSERT INTO initial_sync_tombstone (entity, id, seq) VALUES (?, ?, ?)
         ON CONFLICT (entity, id) DO UPDATE SET seq = max(seq, excluded.seq)`,
      ),
      tombstoneSeq: db.prepare('SELECT seq FROM initial_sync_tombstone WHERE entity = ? AND id = ?').pluck(),
    };
    this.appendKeys = new BatchInsert(db, 'record', ['rid', 'key_hash', 'customer_hash', 'seq']);
    this.appendBodies = new BatchInsert(db, 'record_body', ['rid', 'entity', 'id', 'customer_id', 'data']);
  }

  /** Stores a pulled record and returns its rid, or null when a newer version is already here. */
  put(entity: EntityName, id: string, customerId: string | null, seq: number, json: string): number | null {
    const customerHash = customerId === null ? null : customerKeyHash(customerId);
    if (this.mode.initial) {
      this.nextRid ??= (this.statements.maxRid.get() as number) + 1;
      const rid = this.nextRid++;
      this.appendKeys.add([rid, recordKeyHash(entity, id), customerHash, seq]);
      this.appendBodies.add([rid, entity, id, customerId, json]);
      return rid;
    }
    const stored = this.locate(entity, id);
    if (stored && stored.seq > seq) return null;
    if (stored) {
      this.statements.updateKeys.run(customerHash, seq, stored.rid);
      this.statements.updateBody.run(customerId, json, stored.rid);
      return stored.rid;
    }
    const rid = Number(this.statements.insertKeys.run(recordKeyHash(entity, id), customerHash, seq).lastInsertRowid);
    this.statements.insertBody.run(rid, entity, id, customerId, json);
    return rid;
  }

  /** Deletes a record (unless a newer version is here) and returns the rid it had. */
  delete(entity: EntityName, id: string, seq: number): number | null {
    if (this.mode.initial) {
      this.statements.tombstone.run(entity, id, seq);
      return null;
    }
    const stored = this.locate(entity, id);
    if (!stored || stored.seq > seq) return null;
    this.remove(stored.rid);
    return stored.rid;
  }

  remove(rid: number): void {
    this.statements.deleteKeys.run(rid);
    this.statements.deleteBody.run(rid);
  }

  any(): boolean {
    return this.statements.any.get() !== undefined;
  }

  /** Writes rows buffered by a first sync; called before its transaction commits. */
  flush(): void {
    this.appendKeys.flush();
    this.appendBodies.flush();
  }

  discard(): void {
    this.appendKeys.discard();
    this.appendBodies.discard();
    this.nextRid = null;
  }

  /** Every record gone (and what a first sync set aside of deletions): the cache starts over (WorkstationCache.startOver). */
  clear(): void {
    this.discard();
    this.db.exec('DELETE FROM record; DELETE FROM record_body; DELETE FROM initial_sync_tombstone;');
  }

  /** Forgets the next rid, which is read again after the mode changes. */
  modeChanged(): void {
    this.nextRid = null;
  }

  get(entity: EntityName, id: string): StoredRecord | null {
    const row = this.statements.byKey.get(recordKeyHash(entity, id), entity, id) as RecordRow | undefined;
    if (!row || this.deletedDuringInitialSync(row)) return null;
    return toRecord(row);
  }

  ofCustomer(entity: EntityName, customerId: string): StoredRecord[] {
    const rows = this.statements.ofCustomer.all(customerKeyHash(customerId), customerId, entity) as RecordRow[];
    if (!this.mode.initial) return rows.map(toRecord);
    const latest = new Map<string, RecordRow>();
    for (const row of rows) if ((latest.get(row.id)?.seq ?? -1) <= row.seq) latest.set(row.id, row);
    return [...latest.values()].filter((row) => !this.deletedDuringInitialSync(row)).map(toRecord);
  }

  /** Every record of a queue (QUEUE_ENTITIES and QUEUE_MARKS, domain/operations.ts), through the partial index of migration 005 or 007 (its WHERE term is restated in the query: SQLite uses a partial index only for a query that says the same). */
  ofEntity(entity: QueueEntity): StoredRecord[] {
    const rows = this.queueStatement(entity).all([]) as RecordRow[];
    if (!this.mode.initial) return rows.map(toRecord);
    const latest = new Map<string, RecordRow>();
    for (const row of rows) if ((latest.get(row.id)?.seq ?? -1) <= row.seq) latest.set(row.id, row);
    return [...latest.values()].filter((row) => !this.deletedDuringInitialSync(row)).map(toRecord);
  }

  /** The statement that lists a queue: for `ofEntity`, and for the test that shows its plan uses the index. */
  queueStatement(entity: QueueEntity): ReturnType<Db['prepare']> {
    // the entity is written into the statement so that SQLite can use the partial index; it is one of QUEUE_ENTITIES, never input
    return (this.queueStatements[entity] ??= this.db.prepare(
      `SELECT r.rid, r.seq, b.entity, b.id, b.customer_id, b.data FROM record_body AS b CROSS JOIN record AS r ON r.rid = b.rid WHERE ${queueIndexTerm(entity)}`,
    ));
  }

  /**
   * Service lines for network operations (migration 008): those of a status in the order they came,
   * or those flagged for an E911 review, oldest flag first; at most `limit`, with how many there are
   * (counted up to LINE_COUNT_CAP, so that a count never reads a million lines).
   */
  serviceLines(filter: ServiceLineFilter, limit: number): { rows: StoredRecord[]; total: number } {
    const [list, count] = this.serviceLineStatements(filter.by);
    const args: unknown[] = filter.by === 'status' ? [filter.status] : [];
    const rows = list.all([...args, limit]) as RecordRow[];
    const total = count.get([...args, LINE_COUNT_CAP]) as number;
    if (!this.mode.initial) return { rows: rows.map(toRecord), total };
    const latest = new Map<string, RecordRow>();
    for (const row of rows) if ((latest.get(row.id)?.seq ?? -1) <= row.seq) latest.set(row.id, row);
    return { rows: [...latest.values()].filter((row) => !this.deletedDuringInitialSync(row)).map(toRecord), total };
  }

  /** The two statements of a service line list: its page, and its count (also for the test that shows their plans use the index). */
  serviceLineStatements(by: ServiceLineFilter['by']): [ReturnType<Db['prepare']>, ReturnType<Db['prepare']>] {
    const term = by === 'status' ? "b.entity = 'serviceLine' AND json_extract(b.data, '$.status') = ?" : "b.entity = 'serviceLine' AND json_extract(b.data, '$.e911Review') IS NOT NULL";
    const order = by === 'status' ? 'b.rid' : "json_extract(b.data, '$.e911Review.since'), b.rid";
    return (this.lineStatements[by] ??= [
      this.db.prepare(`SELECT r.rid, r.seq, b.entity, b.id, b.customer_id, b.data FROM record_body AS b CROSS JOIN record AS r ON r.rid = b.rid WHERE ${term} ORDER BY ${order} LIMIT ?`),
      this.db.prepare(`SELECT count(*) FROM (SELECT 1 FROM record_body AS b WHERE ${term} LIMIT ?)`).pluck(),
    ]);
  }

  private locate(entity: EntityName, id: string): { rid: number; seq: number } | null {
    return (this.statements.locate.get(recordKeyHash(entity, id), entity, id) as { rid: number; seq: number } | undefined) ?? null;
  }

  private deletedDuringInitialSync(row: RecordRow): boolean {
    if (!this.mode.initial) return false;
    const deletedAt = this.statements.tombstoneSeq.get(row.entity, row.id) as number | undefined;
    return deletedAt !== undefined && deletedAt > row.seq;
  }
}

function toRecord(row: RecordRow): StoredRecord {
  return { rid: row.rid, entity: row.entity, id: row.id, customerId: row.customer_id, seq: row.seq, data: JSON.parse(row.data) as Record<string, unknown> };
}
