import { randomUUID } from 'node:crypto';
import { CareDeskError } from '../../../domain/errors';
import type { RecordRef, SyncStatus } from '../../../domain/console/contract';
import { ENTITY_NAMES } from '../../../domain/entities';
import { visibleEntities } from '../../../domain/policy';
import type { Role } from '../../../domain/roles';
import { PROTOCOL, revocationScopeOf, sentToProtocol, staleSyncState, type PullChange, type PullLine, type RevocationScope } from '../../../domain/sync/protocol';
import type { ViewChainHead, ViewHeadReport } from '../../../domain/sync/viewChain';
import { META, type WorkstationCache } from '../cache';
import { NotSentError, type CentralClient } from './centralClient';

export interface SyncEngineDeps {
  cache: WorkstationCache;
  client: CentralClient;
  clientId: string;
  /** the signed-in user's role: which entities its pulls bring */
  role: Role;
  /** the session token, or null when the user must sign in online again */
  token: () => string | null;
  clock: () => Date;
  onStatus: (status: SyncStatus) => void;
  /** records whose local data a pull or a push result changed */
  onRecordsChanged: (records: RecordRef[]) => void;
  /** the server revoked this user or device: the session wipes what the scope covers */
  onRevoked: (scope: Exclude<RevocationScope, 'session'>, reason: string) => void;
  /** the session token was refused: the user must sign in online to sync again */
  onSignInNeeded: () => void;
  retry?: { baseMs: number; maxMs: number };
  /** rows per pull response (the server's maximum when absent) */
  pullLimit?: number;
  /** rows applied to the cache per transaction (in a snapshot, a row is a customer aggregate) */
  batchSize?: number;
  /**
   * how a first sync into an empty cache fills it: the store's snapshot (the default), or the whole
   * change log as a desk before protocol 7 pulls it (the tests and the bench compare the two)
   */
  firstSyncBy?: 'snapshot' | 'pull';
  /**
   * signs the head of this cache's chain of offline reads with the device key (device/viewHeadSigner.ts,
   * issue 16), reported at every push and pull; absent, no head is reported (a desk without its key)
   */
  signViewHead?: (clientId: string, head: { seq: number; hash: string }) => ViewChainHead;
}

const PUSH_BATCH = 200;
/** The last protocol whose desks did not record the one they pulled with (META.syncProtocol). */
const LAST_UNRECORDED_PROTOCOL = 5;
/** Held edits are asked about again when the store's head moved (a decision moves it), and at least this often. */
const HELD_ASK_EVERY_MS = 5 * 60_000;
/** starts over within one sync: a store that keeps answering `resync_required` is an error (retried with backoff), not a loop */
const MAX_START_OVERS = 2;

/**
 * Server-authoritative, offline-first sync (DESIGN §5): push the outbox, then pull since the
 * cursor; live pokes from the server trigger a pull; failures retry with backoff; every outcome
 * lands in the cache where the console shows it. Nothing is dropped silently.
 */
export class SyncEngine {
  private online = false;
  private lastSyncAt: string | null = null;
  private error: string | null = null;
  private progress: { received: number; total: number } | null = null;
  /** while the first sync is not complete: the customers the cache holds, counted once and then as they arrive */
  private firstSyncCustomers: number | null = null;
  private inflight: Promise<void> | null = null;
  private rerun = false;
  private failures = 0;
  private startOvers = 0;
  /** mutations (and views) per push: halved after a push lost on the network, doubled after one that got through */
  private pushBatch = PUSH_BATCH;
  /** the store's head at the last pull, and when and at which head the held edits were last asked about */
  private storeHead: number | null = null;
  private heldAsked: { head: number | null; at: number } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private events: AbortController | null = null;
  /** aborted by `stop`: a push or pull stalled on the network must not hold up a lock (and the cache key) until it times out */
  private halt = new AbortController();
  private stopped = false;
  private listening = false;
  private readonly retry: { baseMs: number; maxMs: number };

  constructor(private readonly deps: SyncEngineDeps) {
    this.retry = deps.retry ?? { baseMs: 500, maxMs: 15_000 };
    this.lastSyncAt = deps.cache.getMeta('last_sync_at');
  }

  /** Connects the live-update stream and runs a first sync. */
  start(): void {
    this.stopped = false;
    this.halt = new AbortController();
    void this.listen();
    void this.syncNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt.abort();
    this.events?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.inflight?.catch(() => undefined);
  }

  status(): SyncStatus {
    const counts = this.deps.cache.outboxCounts();
    return {
      online: this.online,
      lastSyncAt: this.lastSyncAt,
      pending: counts.pending,
      conflicts: counts.conflicts,
      rejected: counts.rejected,
      held: counts.held,
      progress: this.progress,
      firstSync: this.firstSync(),
      error: this.error,
    };
  }

  /** Whether the first sync is still to finish (running, or cut short), with the customers it brought so far. */
  private firstSync(): SyncStatus['firstSync'] {
    const { cache } = this.deps;
    if (!cache.isInitialSync() && cache.getMeta(META.cursor) !== null) {
      this.firstSyncCustomers = null;
      return null;
    }
    this.firstSyncCustomers ??= cache.customerCount();
    return { customers: this.firstSyncCustomers };
  }

  /** The outbox changed outside a sync (a change discarded, a refusal dismissed): the status bar hears its counts now. */
  outboxChanged(): void {
    this.emit();
  }

  /** A local edit was queued: push it now. */
  kick(): void {
    this.emit();
    void this.syncNow();
  }

  /** Push then pull; concurrent calls join the running sync, which then runs once more. */
  syncNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inflight) {
      this.rerun = true;
      return this.inflight;
    }
    this.inflight = (async () => {
      this.startOvers = 0;
      try {
        do {
          this.rerun = false;
          await this.runOnce();
        } while (this.rerun && !this.stopped);
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  private async runOnce(): Promise<void> {
    const token = this.deps.token();
    if (!token) {
      this.setError('Sign in online to sync; your changes are kept until then.');
      return;
    }
    try {
      await this.push(token);
      await this.pull(token);
      // a pull that erased a customer: the central store hears of the purge now, not at the next edit
      if (this.deps.cache.pendingPurges(1).length) await this.push(token);
      await this.askHeld(token);
      this.online = true;
      this.error = null;
      this.failures = 0;
      this.lastSyncAt = this.deps.clock().toISOString();
      this.deps.cache.setMeta('last_sync_at', this.lastSyncAt);
      this.deps.cache.setMeta('last_online_at', this.lastSyncAt);
    } catch (err) {
      if (err instanceof CareDeskError && err.code === 'resync_required' && this.startOvers < MAX_START_OVERS) await this.startOver(token);
      else this.handleFailure(err);
    } finally {
      this.emit();
    }
  }

  /**
   * The central store was restored from a backup (protocol 3): this cache's records and cursor
   * belong to a change log that is gone, and the store's count of this desk's mutations went back
   * with it. The registration, asked again, says where that count is now (and registers this client
   * should the backup predate it); the records and cursor go, the outbox is numbered after the
   * count, and the sync runs again at once: the queued edits are pushed, then a first sync with its
   * progress bar. The purges to report stay, and go with that push.
   */
  private async startOver(token: string): Promise<void> {
    this.startOvers++;
    try {
      const { lastSeq } = await this.deps.client.registerClient(token, this.deps.clientId);
      this.deps.cache.startOver(lastSeq);
      this.rerun = true;
    } catch (err) {
      // offline, or a full disk: nothing was dropped (one transaction), and the store will ask again
      this.handleFailure(err);
    }
  }

  private async push(token: string): Promise<void> {
    const { cache, client, clientId } = this.deps;
    for (;;) {
      const batch = this.pushBatch;
      const mutations = cache.pendingMutations(batch);
      // the reads are numbered into the chain now, and go in its order with the head that signs them (issue 16)
      const viewHead = this.viewHead();
      const { views, searches } = cache.chainedReads(batch);
      const purged = cache.pendingPurges(batch);
      if (mutations.length === 0 && views.length === 0 && purged.length === 0 && searches.length === 0) return;
      // the store generation this desk synced with: a store restored since refuses the push whole (`resync_required`)
      const generation = cache.getMeta(META.generation);
      const body = {
        clientId,
        mutations,
        views,
        ...(searches.length ? { searches } : {}),
        ...(purged.length ? { purged } : {}),
        ...(generation ? { generation } : {}),
        ...(viewHead ? { viewHead: viewHead.head } : {}),
      };
      // from here the store may take them: the user can no longer take them back (Outbox.discardPending)
      const attempt = randomUUID();
      cache.markSent(mutations.map((m) => m.id), attempt);
      const response = await client.push(token, body, this.halt.signal).catch((err: unknown) => {
        // a cache closed meanwhile (a lock) keeps the marks: the store's answer settles them later
        if (err instanceof NotSentError) ignoringClosed(() => cache.unmarkSent(attempt));
        // a slow link may carry a small push within the timeouts where a large one never fits:
        // resending the same batch would time out for ever, so the next one is half as large
        if (err instanceof CareDeskError && err.code === 'offline') this.pushBatch = Math.max(1, Math.ceil(Math.max(mutations.length, views.length) / 2));
        throw err;
      });
      this.pushBatch = Math.min(PUSH_BATCH, batch * 2);
      const affected = cache.recordResults(response.results, response.head);
      cache.clearViews(views.map((v) => v.id));
      if (searches.length) cache.clearSearches(searches.map((e) => e.id));
      if (purged.length) cache.clearPurges(purged);
      if (affected.length) this.deps.onRecordsChanged(affected);
      this.emit();
      // A sequence gap means the server misses an earlier mutation: stop rather than loop.
      if (response.results.some((r) => r.rejection?.code === 'sequence_gap')) {
        throw new CareDeskError('internal', 'The central store is missing an earlier change from this workstation.');
      }
      if (mutations.length < batch && views.length + searches.length < batch && purged.length < batch) return;
    }
  }

  /** The chain of offline reads sealed to now and its head signed with the device key, for a push or a pull to report. */
  private viewHead(): ViewHeadReport | undefined {
    const { cache, clientId, signViewHead } = this.deps;
    // sealed whatever happens: a push carries only reads in the chain
    const tip = cache.sealViewChain();
    return signViewHead ? { clientId, head: signViewHead(clientId, tip) } : undefined;
  }

  /**
   * The edits the central store holds for a supervisor (protocol 6) are sent again, unchanged: the
   * store applies nothing twice and answers each with its state, held until a supervisor decides,
   * then applied or declined. Asked when the store's head moved since the last ask (a decision
   * moves it) and otherwise every few minutes, not at every sync.
   */
  private async askHeld(token: string): Promise<void> {
    const { cache, client, clientId } = this.deps;
    const now = this.deps.clock().getTime();
    if (this.heldAsked && this.heldAsked.head === this.storeHead && now - this.heldAsked.at < HELD_ASK_EVERY_MS) return;
    const held = cache.heldMutations(PUSH_BATCH);
    if (!held.length) return;
    const generation = cache.getMeta(META.generation);
    const response = await client.push(token, { clientId, mutations: held, views: [], ...(generation ? { generation } : {}) }, this.halt.signal);
    this.heldAsked = { head: this.storeHead, at: now };
    const affected = cache.recordResults(response.results, response.head);
    if (affected.length) this.deps.onRecordsChanged(affected);
  }

  /**
   * A desk upgraded to a protocol that sends its role an entity older ones were not sent
   * (ENTITY_SINCE_PROTOCOL: the held edits, from 6 and again from 8; callbacks, from 8) missed the records of it made meanwhile: its
   * cursor is past them. It pulls everything again, once, as a first sync that keeps what it holds
   * (rows already here are resolved at its end, as for a first sync cut short); its outbox stays.
   */
  private catchUpAfterUpgrade(): void {
    const { cache } = this.deps;
    const recorded = cache.getMeta(META.syncProtocol);
    if (recorded === String(PROTOCOL.version)) return;
    const pulledWith = Number(recorded ?? LAST_UNRECORDED_PROTOCOL);
    const missed = ENTITY_NAMES.filter((entity) => visibleEntities(this.deps.role).includes(entity) && !sentToProtocol(entity, pulledWith) && sentToProtocol(entity, PROTOCOL.version));
    // from a cursor of 0 every later pull walks the whole log with this protocol: recorded at once
    if (missed.length) cache.deleteMeta(META.cursor);
    cache.setMeta(META.syncProtocol, String(PROTOCOL.version));
  }

  private async pull(token: string): Promise<void> {
    const { cache, client } = this.deps;
    this.catchUpAfterUpgrade();
    // a first sync cut short (a full disk, a crash) has a cursor but is not over: it resumes as one
    const initial = cache.isInitialSync() || cache.getMeta('cursor') === null;
    if (initial) {
      cache.beginInitialSync();
      // a first sync resumed after a cut holds customers already (a store restore leaves none)
      this.firstSyncCustomers = cache.customerCount();
    }
    try {
      let more = true;
      // one progress bar for the whole sync: a long pull arrives in several responses, and each
      // response's `begin` counts what remains from its own cursor
      let received = 0;
      const landed = (changes: readonly PullChange[]) => {
        received += changes.length;
        if (initial) this.firstSyncCustomers = Math.max(0, (this.firstSyncCustomers ?? 0) + customersIn(changes));
        if (this.progress) this.progress = { ...this.progress, received: Math.min(received, this.progress.total) };
        this.emit();
      };
      if (initial && this.snapshotWanted()) await this.takeSnapshot(token, landed);
      while (more && !this.stopped) {
        more = false;
        const from = { cursor: Number(cache.getMeta(META.cursor) ?? 0), generation: cache.getMeta(META.generation) };
        await client.pull(token, { ...from, pending: unsentEdits(cache.outboxCounts()), viewHead: this.viewHead() }, this.deps.pullLimit, (lines: PullLine[]) => {
          const changes: PullChange[] = [];
          let cursor: number | null = null;
          for (const line of lines) {
            if (line.t === 'put' || line.t === 'del') {
              changes.push(line);
              cursor = line.seq;
            } else if (line.t === 'begin') {
              this.storeHead = line.head;
              if (line.generation) this.adoptGeneration(from, line.head, line.generation);
              if (line.total > 0 && !this.progress) this.progress = { received: 0, total: line.total };
            } else {
              cursor = line.cursor;
              more = line.more;
            }
          }
          if (cursor === null) return;
          const affected = cache.applyPull(changes, cursor);
          if (!initial && affected.length) this.deps.onRecordsChanged(affected);
          landed(changes);
        }, this.deps.batchSize, this.halt.signal);
      }
    } finally {
      // first: a finish that fails (a full disk) must not leave a progress bar over the error
      this.progress = null;
      if (initial) cache.finishInitialSync();
    }
  }

  /**
   * A first sync into an empty cache, or one resuming its snapshot, takes the store's snapshot
   * (protocol 7: one row per customer aggregate). A cache that holds records without a cursor (the
   * catch-up after an upgrade) pulls the whole log instead: only the log carries the deletions it missed.
   */
  private snapshotWanted(): boolean {
    const { cache } = this.deps;
    if (this.deps.firstSyncBy === 'pull' || cache.getMeta(META.cursor) !== null) return false;
    return cache.snapshotProgress() !== null || !cache.holdsRecords();
  }

  /**
   * The snapshot, response after response until complete, each page written whole with where it
   * resumes (a cut resumes after the last page written, at the same head); the cache's cursor is
   * then the head it is consistent at, and the pull that follows brings what changed since.
   */
  private async takeSnapshot(token: string, landed: (changes: readonly PullChange[]) => void): Promise<void> {
    const { cache, client } = this.deps;
    let done = false;
    while (!done && !this.stopped) {
      const kept = cache.snapshotProgress();
      const generation = cache.getMeta(META.generation);
      let at = kept?.at ?? null;
      const resume = kept ? { at: kept.at, ...(kept.next ? { after: kept.next } : {}) } : {};
      done = await client.snapshot(
        token,
        { ...resume, generation, pending: unsentEdits(cache.outboxCounts()), viewHead: this.viewHead(), limit: this.deps.pullLimit, page: this.deps.batchSize },
        {
          onHead: (head) => {
            if (kept && head.at !== kept.at) throw new CareDeskError('internal', 'The central store resumed the snapshot at another head; it was refused.');
            at = head.at;
            this.storeHead = head.at;
            this.adoptGeneration({ cursor: head.at, generation }, head.at, head.generation);
            if (head.total > 0 && !this.progress) this.progress = { received: 0, total: head.total };
          },
          onPage: (records, next) => {
            const changes = records.map(({ entity, id, customerId, seq, data, json }) => ({ t: 'put' as const, entity, id, customerId, seq, data, json }));
            cache.applySnapshotPage(changes, { at: at!, next });
            landed(changes);
          },
        },
        this.halt.signal,
      );
    }
    if (done && cache.getMeta(META.cursor) === null) throw new CareDeskError('internal', 'The central store ended the snapshot before its last page; it was refused.');
  }

  /**
   * The store's generation, named by a pull's `begin` line (protocol 3), is kept with the cursor. A
   * store answers a cursor of another generation `resync_required` before it streams; should one
   * stream anyway, nothing of it is applied.
   */
  private adoptGeneration(from: { cursor: number; generation: string | null }, head: number, generation: string): void {
    if (staleSyncState(from, { head, generation })) throw new CareDeskError('resync_required', 'The central store was restored from a backup since this workstation last synced.');
    if (from.generation !== generation) this.deps.cache.setMeta(META.generation, generation);
  }

  private handleFailure(err: unknown): void {
    const e = err instanceof CareDeskError ? err : new CareDeskError('internal', String((err as Error)?.message ?? err));
    // a disabled account or a revoked device is not "sign in again": its caches go (DESIGN §4)
    const revoked = revocationScopeOf(e.code);
    if (revoked || e.code === 'forbidden') {
      this.setError(e.message);
      if (revoked) this.deps.onRevoked(revoked, e.message);
      return;
    }
    if (e.code === 'unauthenticated') {
      this.setError('Your session has ended: sign in online to sync. Your changes are kept until then.');
      this.deps.onSignInNeeded();
      return;
    }
    if (e.code === 'offline') this.online = false;
    this.setError(e.message);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** this.failures++) * (0.75 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.syncNow();
    }, delay);
    this.retryTimer.unref?.();
  }

  /**
   * A new session token after the user signed in again where they were (issue 14): the stream
   * reconnects (unless its loop is still running) and a sync runs now, sending what waited.
   */
  resume(): void {
    if (this.stopped) return;
    this.error = null;
    void this.listen();
    void this.syncNow();
  }

  /** The live-update stream, one loop at a time. */
  private async listen(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    try {
      await this.listenLoop();
    } finally {
      this.listening = false;
    }
  }

  /** A poke means the change log advanced; reconnects with backoff. */
  private async listenLoop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const token = this.deps.token();
      if (!token) return;
      this.events = new AbortController();
      let dropped = 'The live-update stream closed; reconnecting.';
      try {
        await this.deps.client.events(
          token,
          (event) => {
            if (event.type === 'poke') {
              if (event.head > Number(this.deps.cache.getMeta('cursor') ?? 0)) void this.syncNow();
            } else if (event.scope === 'session') {
              // only this sign-in ended: keep the cache and its unsent changes, ask for a sign-in
              this.setError(`Sign in online to sync (${event.reason}). Your changes are kept until then.`);
              this.deps.onSignInNeeded();
              this.emit();
            } else {
              this.deps.onRevoked(event.scope, event.reason);
            }
          },
          this.events.signal,
          () => {
            attempt = 0;
            const wasOffline = !this.online;
            this.online = true;
            this.emit();
            // back from an outage: send what was queued offline and catch up
            if (wasOffline) void this.syncNow();
          },
        );
      } catch (err) {
        if (this.stopped) return;
        const code = err instanceof CareDeskError ? err.code : 'offline';
        if (code === 'unauthenticated') {
          this.deps.onSignInNeeded();
          return;
        }
        const revoked = revocationScopeOf(code);
        if (revoked) {
          this.deps.onRevoked(revoked, (err as Error).message);
          return;
        }
        if (err instanceof CareDeskError) dropped = err.message;
      }
      if (this.stopped) return;
      // the console says why live updates stopped, until a sync succeeds again; a sign-in asked
      // for (the token is gone) says more than the stream it ended
      if (this.online || this.error === null) {
        this.online = false;
        if (this.deps.token()) this.setError(dropped);
        this.emit();
      }
      await sleep(Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt++));
    }
  }

  private setError(message: string): void {
    this.error = message;
  }

  private emit(): void {
    this.deps.onStatus(this.status());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

function ignoringClosed(fn: () => void): void {
  try {
    fn();
  } catch {
    // the cache is closed: nothing to mark
  }
}

/** Customers a page of a first sync adds (a deletion, an erasure meanwhile, takes one away). */
function customersIn(changes: readonly PullChange[]): number {
  let n = 0;
  for (const change of changes) if (change.entity === 'customer') n += change.t === 'put' ? 1 : -1;
  return n;
}

/**
 * The edits a wipe of this cache would lose, as the desk tells the store with each pull (the admin
 * sees it before disabling a user or revoking the desk): waiting to send, or in conflict and not
 * yet resolved. Refused ones are the rep's to read, held ones are kept by the store.
 */
function unsentEdits(counts: { pending: number; conflicts: number }): number {
  return counts.pending + counts.conflicts;
}
