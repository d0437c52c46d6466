import type { EntityName } from '../../../domain/entities';
import { CareDeskError } from '../../../domain/errors';
import { Workspace, type RecordRef } from '../../../domain/console/contract';
import { provisionalRecord } from '../../../domain/mutations';
import { applyChanges } from '../../../domain/records';
import type { SearchPlan, SearchToken } from '../../../domain/search';
import type { Mutation, MutationResult, PullChange, SearchEvent, ViewEvent } from '../../../domain/sync/protocol';
import { namingFullDisk } from './diskFull';
import { buildIndexes, setIndexesAside } from './initialSync';
import { META, MetaTable } from './meta';
import { schemaVersion } from './migrations';
import { Outbox, type MutationDraft, type OutboxConflict, type OutboxCounts, type RejectedChange } from './outbox';
import { OutboxTable, recordKey, type ListedEntry } from './outboxTable';
import { recordKeyHash } from './recordKeys';
import type { QueueEntity } from '../../../domain/operations';
import { RecordTable, type CachedRecord, type ServiceLineFilter, type StoredRecord } from './records';
import { SearchIndex, type SearchAnswer, type SearchMatch } from './searchIndex';
import type { Db, SyncMode } from './sqlite';
import { ViewLog, type ViewChainTip } from './viewLog';

export interface CacheTuning {
  /** page cache in normal use */
  cacheMiB?: number;
  /** page cache during a first sync: index builds and the trigram rebuild work in it */
  initialSyncCacheMiB?: number;
}

export interface WorkstationCacheOptions extends CacheTuning {
  now?: () => Date;
}

type Data = Record<string, unknown>;

/** A pulled change, or a snapshot's record with the text it travelled in (stored as it came). */
export type SnapshotChange = PullChange | (Extract<PullChange, { t: 'put' }> & { json: string });
/** Where a first sync's snapshot stands: the head it is consistent at, and where it resumes. */
export interface SnapshotProgress {
  at: number;
  next: string | null;
}

/**
 * The encrypted local cache of one user on one workstation, and the only holder of its database
 * handle (STYLE.md). Server records with their search index, the outbox of edits, view events and
 * small meta facts; every change that must agree with another happens in one transaction.
 * After `close` every method throws.
 */
export class WorkstationCache {
  private handle: Db | null;
  private readonly mode: SyncMode;
  private readonly tuning: Required<CacheTuning>;
  private readonly meta: MetaTable;
  private readonly records: RecordTable;
  private readonly searchIndex: SearchIndex;
  private readonly outboxTable: OutboxTable;
  private readonly outbox: Outbox;
  private readonly views: ViewLog;

  /** Use `openCache`, which checks the key and migrates first. */
  constructor(db: Db, options: WorkstationCacheOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.handle = db;
    this.tuning = { cacheMiB: options.cacheMiB ?? 64, initialSyncCacheMiB: options.initialSyncCacheMiB ?? 512 };
    db.function('hash_record_key', { deterministic: true }, (entity, id) => recordKeyHash(String(entity), String(id)));
    this.meta = new MetaTable(db);
    this.mode = { initial: this.meta.get(META.initialSync) !== null };
    this.records = new RecordTable(db, this.mode);
    this.searchIndex = new SearchIndex(db, this.mode);
    this.outboxTable = new OutboxTable(db);
    this.outbox = new Outbox({
      table: this.outboxTable,
      meta: this.meta,
      reindexCustomer: (id) => this.reindexCustomer(id),
      storedSeq: (entity, id) => this.records.get(entity, id)?.seq ?? null,
      now,
    });
    this.views = new ViewLog(db, now);
    this.applyModeSettings();
  }

  // ── meta ──────────────────────────────────────────────────────────────────────────────────
  getMeta(key: string): string | null {
    this.live();
    return this.meta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.live();
    namingFullDisk(() => this.meta.set(key, value));
  }

  deleteMeta(key: string): void {
    this.live();
    namingFullDisk(() => this.meta.delete(key));
  }

  // ── server records ────────────────────────────────────────────────────────────────────────
  /**
   * One page of a pull, in one transaction: records stored or deleted, the search index brought to
   * each touched customer's effective view (pending edits, and applied ones not yet pulled,
   * re-applied over the pulled data), the cursor advanced, the applied edits it brought dropped
   * (Outbox.settle). A deleted customer is an erased one: their outbox entries go too, the purge is
   * noted for the central store, and the WAL is checkpointed after the commit. Returns the records
   * that changed.
   */
  applyPull(changes: readonly PullChange[], cursor: number): RecordRef[] {
    return this.applyChanges(changes, () => this.meta.set(META.cursor, String(cursor)));
  }

  /**
   * One page of a first sync's snapshot (domain/sync/snapshot.ts), in one transaction like a pull's:
   * each record stored as the text it travelled in (`json`, already parsed and checked), and where
   * the snapshot resumes (`at`, `next`) kept beside them. `next` null: the snapshot is complete, and
   * the cursor becomes `at`, from which pulls go on.
   */
  applySnapshotPage(changes: readonly SnapshotChange[], position: SnapshotProgress): RecordRef[] {
    return this.applyChanges(changes, () => {
      if (position.next === null) {
        this.meta.delete(META.snapshot);
        this.meta.set(META.cursor, String(position.at));
      } else {
        this.meta.set(META.snapshot, JSON.stringify(position));
      }
    });
  }

  /** Whether any pulled record is here (a cache before its first sync holds none). */
  holdsRecords(): boolean {
    this.live();
    return this.records.any();
  }

  /** Where a first sync's snapshot cut short resumes, or null. */
  snapshotProgress(): SnapshotProgress | null {
    this.live();
    const kept = safeJson(this.meta.get(META.snapshot) ?? '') as SnapshotProgress | null;
    return kept && Number.isInteger(kept.at) && (kept.next === null || typeof kept.next === 'string') ? kept : null;
  }

  private applyChanges(changes: readonly SnapshotChange[], advance: () => void): RecordRef[] {
    /** customers deleted (a whole-account erasure) and those whose contact data was erased: each purge is reported */
    const deleted = new Set<string>();
    const erased = new Set<string>();
    const removedRecords: [EntityName, string][] = [];
    const affected = this.transaction(() => {
      const pending = this.outboxTable.allPendingChanges();
      const affected = new Map<string, RecordRef>();
      try {
        for (const change of changes) {
          const customerId = change.customerId ?? (change.entity === 'customer' ? change.id : null);
          if (change.t === 'put') {
            // the customer's contact data erased since this desk last had them: the edits that would write it back go
            const contactErased = change.entity === 'customer' && this.contactNewlyErased(change.id, change.data);
            if (contactErased) {
              this.outboxTable.removeErasedContactEdits(change.id);
              pending.delete(recordKey('customer', change.id));
              erased.add(change.id);
            }
            const rid = this.records.put(change.entity, change.id, customerId, change.seq, 'json' in change ? change.json : JSON.stringify(change.data));
            if (rid !== null && change.entity === 'customer') {
              const edits = contactErased ? this.outboxTable.pendingChangesOf('customer', change.id) : pending.get(recordKey('customer', change.id));
              this.searchIndex.put(rid, change.id, edits ? edits.reduce<Data>((view, edit) => applyChanges(view, edit), change.data) : change.data, true);
            }
          } else {
            const rid = this.records.delete(change.entity, change.id, change.seq);
            if (rid !== null && change.entity === 'customer') this.searchIndex.delete(rid);
            // a customer is deleted only by an erasure (issue 11)
            if (change.entity === 'customer') deleted.add(change.id);
            // any other record only by an erasure or the end of its retention (a stale lead): its own outbox entries go with it
            else if (rid !== null) removedRecords.push([change.entity, change.id]);
          }
          affected.set(recordKey(change.entity, change.id), { entity: change.entity, id: change.id, customerId });
        }
        this.records.flush();
        this.searchIndex.flush();
      } catch (err) {
        this.records.discard();
        this.searchIndex.discard();
        throw err;
      }
      for (const customerId of deleted) {
        this.outboxTable.removeOfCustomer(customerId);
        erased.add(customerId);
      }
      for (const [entity, id] of removedRecords) this.outboxTable.removeOfRecord(entity, id);
      if (erased.size) this.forgetWorkspaceOf(erased);
      if (erased.size) this.meta.set(META.purgedCustomers, JSON.stringify([...new Set([...this.pendingPurgesIn(), ...erased])]));
      advance();
      for (const record of this.settleApplied()) affected.set(recordKey(record.entity, record.id), record);
      return [...affected.values()];
    });
    // the erased pages' old versions must not wait in the WAL (a no-op during a first sync, in rollback-journal mode)
    if (erased.size || removedRecords.length) namingFullDisk(() => this.live().pragma('wal_checkpoint(TRUNCATE)'));
    return affected;
  }

  // ── the workspace kept for a lock (issue 13) ───────────────────────────────────────────────
  /** What the rep had in hand, as the contract states it; one that no longer parses is dropped, not half-restored. */
  keptWorkspace(): Workspace | null {
    this.live();
    const raw = this.meta.get(META.workspace);
    if (!raw) return null;
    const kept = Workspace.safeParse(safeJson(raw));
    if (!kept.success) namingFullDisk(() => this.meta.delete(META.workspace));
    return kept.success ? kept.data : null;
  }

  keepWorkspace(workspace: Workspace | null): void {
    this.live();
    namingFullDisk(() => (workspace ? this.meta.set(META.workspace, JSON.stringify(workspace)) : this.meta.delete(META.workspace)));
  }

  /**
   * An erased customer leaves nothing of theirs in the kept workspace: it is dropped when they were
   * the customer open, and their drafts go otherwise (drafts are keyed `customerId:form`).
   */
  private forgetWorkspaceOf(customerIds: ReadonlySet<string>): void {
    const raw = this.meta.get(META.workspace);
    if (!raw) return;
    const kept = Workspace.safeParse(safeJson(raw));
    if (!kept.success || (kept.data.customer && customerIds.has(kept.data.customer.id))) return this.meta.delete(META.workspace);
    const drafts = Object.entries(kept.data.drafts).filter(([key]) => !customerIds.has(key.split(':')[0]!));
    this.meta.set(META.workspace, JSON.stringify({ ...kept.data, drafts: Object.fromEntries(drafts) }));
  }


  /** Whether pulled customer data carries a contact erasure this cache has not seen (CONTACT_ERASURE: the store marks the record). */
  private contactNewlyErased(customerId: string, data: Data): boolean {
    if (typeof data.erasedContactAt !== 'string') return false;
    const cached = this.records.get('customer', customerId);
    return cached?.data.erasedContactAt !== data.erasedContactAt;
  }

  /**
   * Customers erased from this cache (issue 11: their records, search keys and outbox entries are
   * gone, the WAL checkpointed) that the central store has yet to hear of; the next push reports them.
   */
  pendingPurges(limit: number): string[] {
    this.live();
    return this.pendingPurgesIn().slice(0, limit);
  }

  /** The central store has the report of these purges. */
  clearPurges(customerIds: readonly string[]): void {
    this.live();
    const left = this.pendingPurgesIn().filter((id) => !customerIds.includes(id));
    namingFullDisk(() => (left.length ? this.meta.set(META.purgedCustomers, JSON.stringify(left)) : this.meta.delete(META.purgedCustomers)));
  }

  private pendingPurgesIn(): string[] {
    return JSON.parse(this.meta.get(META.purgedCustomers) ?? '[]') as string[];
  }

  /**
   * The central store was restored from a backup since this cache last synced (its generation
   * changed, protocol 3): the change log the cursor points into is gone, and its numbers are handed
   * out again. Every pulled record and search key goes with the cursor and the generation, in one
   * transaction, and the next pull is a first sync. What the user and the store still need stays:
   * the outbox in every state but applied (queued edits are pushed again; the store applies each mutation once
   * per id), the purges not yet reported, the view events, the client id. The restore also took the
   * store's count of this client's mutations back to `lastSeq`: what is pending is numbered after it.
   */
  startOver(lastSeq: number): void {
    this.transaction(() => {
      this.records.clear();
      this.searchIndex.clear();
      this.meta.delete(META.cursor);
      this.meta.delete(META.snapshot);
      this.meta.delete(META.generation);
      // applied edits wait for sequence numbers of a change log that is gone: what the restored store kept comes with the first sync
      this.outboxTable.removeApplied();
      this.meta.set(META.lastMutationSeq, String(this.outboxTable.renumberFrom(lastSeq + 1)));
    });
    // the dropped pages' old versions must not wait in the WAL (secure_delete overwrote them in the new ones)
    namingFullDisk(() => this.live().pragma('wal_checkpoint(TRUNCATE)'));
  }

  /** The server's version of a record, as pulled. */
  getRecord(entity: EntityName, id: string): Data | null {
    this.live();
    return this.records.get(entity, id)?.data ?? null;
  }

  /** The server's versions of one customer's records of one entity, in arrival order. */
  recordsOfCustomer(entity: EntityName, customerId: string): Data[] {
    this.live();
    return this.records.ofCustomer(entity, customerId).map((stored) => stored.data);
  }

  /** The server's version with its change-log sequence, or null. */
  storedRecord(entity: EntityName, id: string): CachedRecord | null {
    this.live();
    const stored = this.records.get(entity, id);
    return stored && withoutRid(stored);
  }

  /**
   * The record as the user should see it: the server's version with each pending edit applied in
   * order, or, for a record born on this desk that the central store has not taken yet, as created.
   */
  effectiveRecord(entity: EntityName, id: string): Data | null {
    this.live();
    const stored = this.records.get(entity, id);
    if (stored) return this.withPendingEdits(stored);
    const created = this.outboxTable.pendingCreate(entity, id);
    return created && this.withPendingEditsOf(entity, id, provisionalRecord(entity, id, created.changes));
  }

  /** One customer's records of one entity as the user should see them: the server's, then those created here and not yet taken. */
  effectiveRecordsOfCustomer(entity: EntityName, customerId: string): Data[] {
    this.live();
    const stored = this.records.ofCustomer(entity, customerId);
    const known = new Set(stored.map((r) => r.id));
    const created = this.outboxTable.pendingCreatesOfCustomer(entity, customerId).filter((entry) => !known.has(entry.entityId));
    return [...stored.map((r) => this.withPendingEdits(r)), ...created.map((entry) => this.withPendingEditsOf(entity, entry.entityId, provisionalRecord(entity, entry.entityId, entry.changes)))];
  }

  /** The records of a queue entity as the user should see them: the server's with pending edits, then those created here and not yet taken. */
  effectiveRecordsOf(entity: QueueEntity): Data[] {
    this.live();
    const stored = this.records.ofEntity(entity);
    const known = new Set(stored.map((r) => r.id));
    const created = this.outboxTable.pendingCreatesOf(entity).filter((entry) => !known.has(entry.entityId));
    return [...stored.map((r) => this.withPendingEdits(r)), ...created.map((entry) => this.withPendingEditsOf(entity, entry.entityId, provisionalRecord(entity, entry.entityId, entry.changes)))];
  }

  /** Service lines of a status, or flagged for an E911 review (oldest flag first), as the user should see them, with how many there are. */
  serviceLines(filter: ServiceLineFilter, limit: number): { lines: Data[]; total: number } {
    this.live();
    const { rows, total } = this.records.serviceLines(filter, limit);
    return { lines: rows.map((r) => this.withPendingEdits(r)), total };
  }

  /** `EXPLAIN QUERY PLAN` of a service line list's two statements. */
  serviceLineQueryPlan(by: ServiceLineFilter['by']): string[] {
    const db = this.live();
    const params = by === 'status' ? ['active', 1] : [1];
    return this.records.serviceLineStatements(by).flatMap((statement) => (db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all(params) as { detail: string }[]).map((row) => row.detail));
  }

  /** `EXPLAIN QUERY PLAN` of the statement that lists a queue: how the tests show it never scans every record. */
  queueQueryPlan(entity: QueueEntity): string[] {
    const db = this.live();
    return (db.prepare(`EXPLAIN QUERY PLAN ${this.records.queueStatement(entity).source}`).all() as { detail: string }[]).map((row) => row.detail);
  }

  // ── first sync ────────────────────────────────────────────────────────────────────────────
  /** What the file promises against a power cut now (see applyModeSettings): for diagnostics and tests. */
  durability(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' } {
    const db = this.live();
    const level = db.pragma('synchronous', { simple: true }) as number;
    return { journalMode: String(db.pragma('journal_mode', { simple: true })), synchronous: (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[level]! };
  }

  isInitialSync(): boolean {
    this.live();
    return this.mode.initial;
  }

  /** Before the first pull: indexes set aside, rows appended, a large page cache (see initialSync.ts). */
  beginInitialSync(): void {
    this.live();
    if (this.mode.initial) return;
    this.transaction(() => {
      setIndexesAside(this.live());
      this.meta.set(META.initialSync, new Date().toISOString());
    });
    this.switchMode(true);
  }

  /** After the last page: every index built in one pass, duplicates and deletions resolved. */
  finishInitialSync(): void {
    this.live();
    if (!this.mode.initial) return;
    this.transaction(() => {
      buildIndexes(this.live(), this.records, this.searchIndex);
      this.meta.delete(META.initialSync);
    });
    this.switchMode(false);
    this.transaction(() => this.settleApplied());
  }

  /** How many customers this cache holds; while a first sync runs, a scan (ask it once, then count what arrives). */
  customerCount(): number {
    this.live();
    return this.searchIndex.count();
  }

  // ── search ────────────────────────────────────────────────────────────────────────────────
  search(plans: readonly SearchPlan[], limit: number): SearchMatch[] {
    this.live();
    if (!Number.isInteger(limit) || limit < 1) throw new CareDeskError('validation', 'limit is a whole number of at least 1');
    return this.searchIndex.find(plans, limit);
  }

  /** How many customers one-kind plans match, counted up to `cap`. */
  countMatches(plans: readonly SearchPlan[], cap: number): { total: number; capped: boolean } {
    this.live();
    return this.searchIndex.countMatches(plans, cap);
  }

  /** A search of several words: the customers every word matches, ranked, the first `limit`, and how many up to `cap`. */
  searchCombined(tokens: readonly SearchToken[], limit: number, cap: number): SearchAnswer {
    this.live();
    if (!Number.isInteger(limit) || limit < 1) throw new CareDeskError('validation', 'limit is a whole number of at least 1');
    return this.searchIndex.findCombined(tokens, limit, cap);
  }

  /** `EXPLAIN QUERY PLAN` of a combined search's one statement. */
  combinedQueryPlan(tokens: readonly SearchToken[]): string[] {
    this.live();
    return (this.searchIndex.combinedQuery(tokens, 20, true) as { detail: string }[]).map((row) => row.detail);
  }

  /** `EXPLAIN QUERY PLAN` of the statements a plan runs: how the tests show search never scans a table. */
  searchQueryPlan(plan: SearchPlan): string[] {
    const db = this.live();
    return this.searchIndex.queriesFor(plan).flatMap(([statement, params]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${statement.source}`).all([...params, 20]) as { detail: string }[]).map((row) => row.detail),
    );
  }

  // ── outbox ────────────────────────────────────────────────────────────────────────────────
  /** Appends an edit to the outbox and shows it in the customer's search keys, in one transaction. */
  enqueueMutation(draft: MutationDraft): Mutation {
    return this.transaction(() => this.outbox.enqueue(draft));
  }

  pendingMutations(limit: number): Mutation[] {
    this.live();
    return this.outbox.pending(limit);
  }

  /** The mutations the central store holds for a supervisor's review, to ask again for its decision. */
  heldMutations(limit: number): Mutation[] {
    this.live();
    return this.outbox.held(limit);
  }

  /** Files the push results, the push answer's head being `head` (see Outbox.recordResults); returns the records whose effective view or listed changes changed. */
  recordResults(results: readonly MutationResult[], head: number): RecordRef[] {
    return this.transaction(() => {
      const touched = this.outbox.recordResults(results, head);
      this.settleApplied();
      return touched;
    });
  }

  /**
   * Drops the applied edits this cache has pulled (Outbox.settle), inside the caller's transaction.
   * Not while a first sync runs: its records are not indexed yet and its rows resolved only at its
   * end; finishInitialSync settles them.
   */
  private settleApplied(): RecordRef[] {
    if (this.mode.initial) return [];
    const cursor = this.meta.get(META.cursor);
    return this.outbox.settle(cursor === null ? null : Number(cursor));
  }

  conflicts(): OutboxConflict[] {
    this.live();
    return this.outbox.conflicts();
  }

  resolveConflict(mutationId: string, field: string, keep: 'mine' | 'theirs'): Mutation | null {
    return this.transaction(() => this.outbox.resolveConflict(mutationId, field, keep));
  }

  escalateConflict(mutationId: string, field: string, note: string): Mutation {
    return this.transaction(() => this.outbox.escalateConflict(mutationId, field, note));
  }

  rejected(): RejectedChange[] {
    this.live();
    return this.outbox.rejected();
  }

  dismissRejected(mutationId: string): void {
    this.transaction(() => this.outbox.dismissRejected(mutationId));
  }

  /** Takes back a change the central store has not seen (Outbox.discardPending); returns the record whose view changed. */
  discardPending(mutationId: string): RecordRef {
    this.live();
    return namingFullDisk(() => this.transaction(() => this.outbox.discardPending(mutationId)));
  }

  /** Marks mutations as carried by push `attempt`: from then on the user cannot take them back, unless the attempt sent nothing (`unmarkSent`). */
  markSent(ids: readonly string[], attempt: string): void {
    this.live();
    if (ids.length) this.transaction(() => this.outbox.markSent(ids, attempt));
  }

  unmarkSent(attempt: string): void {
    this.live();
    this.transaction(() => this.outbox.unmarkSent(attempt));
  }

  outboxCounts(): OutboxCounts {
    this.live();
    return this.outbox.counts();
  }

  /** Every outbox entry of one record (pending, conflict, rejected, held), for its view's change list. */
  /** Every entry of the outbox, whatever its state, oldest first (the console's queued-edits list). */
  queuedChanges(): ListedEntry[] {
    this.live();
    return (['pending', 'conflict', 'rejected', 'held'] as const).flatMap((status) => this.outboxTable.withStatus(status)).sort((a, b) => a.seq - b.seq);
  }

  changesOf(entity: EntityName, id: string): ListedEntry[] {
    this.live();
    return this.outbox.ofRecord(entity, id);
  }

  // ── view events ───────────────────────────────────────────────────────────────────────────
  recordView(entity: EntityName, id: string, searchId?: string): ViewEvent {
    this.live();
    return namingFullDisk(() => this.views.record(entity, id, searchId));
  }

  /** A search made on this desk (kinds and count, never the query), or the one being typed updated: its id. */
  recordSearch(kinds: SearchEvent['kinds'], resultCount: number, continuing: string | null): string {
    this.live();
    return namingFullDisk(() => this.views.recordSearch(kinds, resultCount, continuing));
  }

  pendingSearches(limit: number): SearchEvent[] {
    this.live();
    return this.views.pendingSearches(limit);
  }

  clearSearches(ids: readonly string[]): number {
    this.live();
    return namingFullDisk(() => this.views.clearSearches(ids));
  }

  /** Numbers every read not yet in the chain of offline reads (issue 16); the head. */
  sealViewChain(): ViewChainTip {
    this.live();
    return namingFullDisk(() => this.views.seal());
  }

  /** The first `limit` sealed reads to report, in chain order, with their links. */
  chainedReads(limit: number): { views: ViewEvent[]; searches: SearchEvent[] } {
    this.live();
    return this.views.chained(limit);
  }

  pendingViews(limit: number): ViewEvent[] {
    this.live();
    return this.views.pending(limit);
  }

  clearViews(ids: readonly string[]): number {
    this.live();
    return namingFullDisk(() => this.views.clear(ids));
  }

  /** The number of the last migration applied to this cache. */
  schemaVersion(): number {
    return schemaVersion(this.live());
  }

  // ── lifetime ──────────────────────────────────────────────────────────────────────────────
  get isOpen(): boolean {
    return this.handle !== null;
  }

  /** Closes the database; the caller drops (and zeroes) the key it opened it with. */
  close(): void {
    const db = this.handle;
    this.handle = null;
    db?.close();
  }

  private live(): Db {
    if (!this.handle) throw new CareDeskError('locked', 'the local cache is closed');
    return this.handle;
  }

  /** A full disk rolls the whole transaction back and comes out as `disk_full` (diskFull.ts). */
  private transaction<T>(work: () => T): T {
    const db = this.live();
    return namingFullDisk(() => db.transaction(work)());
  }

  private withPendingEdits(stored: StoredRecord): Data {
    return this.withPendingEditsOf(stored.entity, stored.id, stored.data);
  }

  private withPendingEditsOf(entity: EntityName, id: string, data: Data): Data {
    return this.outboxTable.pendingChangesOf(entity, id).reduce<Data>((view, edit) => applyChanges(view, edit), data);
  }

  private reindexCustomer(customerId: string): void {
    const stored = this.records.get('customer', customerId);
    if (stored) this.searchIndex.put(stored.rid, customerId, this.withPendingEdits(stored));
  }

  private switchMode(initial: boolean): void {
    this.mode.initial = initial;
    this.records.modeChanged();
    namingFullDisk(() => this.applyModeSettings());
  }

  /**
   * A first sync appends in rollback-journal mode, where each new page is encrypted once; in WAL
   * mode it would be encrypted into the log and again when checkpointed into the file. In that
   * mode only `synchronous = FULL` keeps a power cut from damaging the file (openCache.ts guards
   * the hot journal such a cut leaves behind). In WAL mode FULL too: the WAL is synced at every
   * commit, so an edit queued in the outbox (and the cursor beside the records it moved) survives a
   * power cut, not only a killed process; NORMAL would sync only at checkpoints.
   */
  private applyModeSettings(): void {
    const db = this.live();
    db.pragma(`journal_mode = ${this.mode.initial ? 'DELETE' : 'WAL'}`);
    db.pragma('synchronous = FULL');
    const mib = this.mode.initial ? this.tuning.initialSyncCacheMiB : this.tuning.cacheMiB;
    db.pragma(`cache_size = ${-Math.max(64, Math.round(1024 * mib))}`);
  }
}

function withoutRid({ rid: _rid, ...record }: StoredRecord): CachedRecord {
  return record;
}

/** JSON text as a value, or null when it is not JSON. */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
