import { createHash, randomUUID } from 'node:crypto';
import type { EntityName } from '../../../domain/entities';
import type { SearchEvent, ViewEvent } from '../../../domain/sync/protocol';
import { VIEW_CHAIN_GENESIS, viewChainPreimage, type ViewChainContent } from '../../../domain/sync/viewChain';
import type { Db } from './sqlite';

/** The chain's head on this desk: the last number handed out and its hash. */
export interface ViewChainTip {
  seq: number;
  hash: string;
}

/**
 * Sensitive reads made on this workstation (profiles opened, searches made), kept until they are
 * reported to the audit log, and their chain (issue 16, domain/sync/viewChain.ts): `seal` numbers
 * the reads not yet numbered, in the order they were made, each linked to the one before by its
 * hash, and moves the head (`view_chain`) in the same transaction. A sealed read is never changed
 * again: the search being typed goes on as a new one.
 */
export class ViewLog {
  private readonly statements;
  private readonly sealAll: () => ViewChainTip;

  constructor(db: Db, private readonly now: () => Date) {
    this.statements = {
      insert: db.prepare('INSERT INTO view_event (id, entity, entity_id, at, search_id) VALUES (?, ?, ?, ?, ?)'),
      pending: db.prepare('SELECT id, entity, entity_id AS entityId, at, search_id AS searchId FROM view_event ORDER BY rid LIMIT ?'),
      clear: db.prepare('DELETE FROM view_event WHERE id IN (SELECT value FROM json_each(?))'),
      insertSearch: db.prepare('INSERT INTO search_event (id, kinds, result_count, at) VALUES (?, ?, ?, ?)'),
      updateSearch: db.prepare('UPDATE search_event SET kinds = ?, result_count = ?, at = ? WHERE id = ? AND chain_seq IS NULL'),
      pendingSearches: db.prepare('SELECT id, kinds, result_count AS resultCount, at FROM search_event ORDER BY rid LIMIT ?'),
      clearSearches: db.prepare('DELETE FROM search_event WHERE id IN (SELECT value FROM json_each(?))'),
      tip: db.prepare('SELECT seq, hash FROM view_chain WHERE one = 1'),
      setTip: db.prepare('INSERT INTO view_chain (one, seq, hash) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash'),
      unsealed: db.prepare(`
        SELECT 'view' AS kind, rid, at FROM view_event WHERE chain_seq IS NULL
        UNION ALL SELECT 'search' AS kind, rid, at FROM search_event WHERE chain_seq IS NULL
        ORDER BY at, kind DESC, rid`),
      view: db.prepare('SELECT id, entity, entity_id AS entityId, at, search_id AS searchId FROM view_event WHERE rid = ?'),
      search: db.prepare('SELECT id, kinds, result_count AS resultCount, at FROM search_event WHERE rid = ?'),
      sealView: db.prepare('UPDATE view_event SET chain_seq = ?, chain_prev = ? WHERE rid = ?'),
      sealSearch: db.prepare('UPDATE search_event SET chain_seq = ?, chain_prev = ? WHERE rid = ?'),
      chainedViews: db.prepare('SELECT id, entity, entity_id AS entityId, at, search_id AS searchId, chain_seq AS seq, chain_prev AS prev FROM view_event WHERE chain_seq IS NOT NULL ORDER BY chain_seq LIMIT ?'),
      chainedSearches: db.prepare('SELECT id, kinds, result_count AS resultCount, at, chain_seq AS seq, chain_prev AS prev FROM search_event WHERE chain_seq IS NOT NULL ORDER BY chain_seq LIMIT ?'),
    };
    this.sealAll = db.transaction(() => {
      let tip = this.tip();
      for (const { kind, rid } of this.statements.unsealed.all() as { kind: 'view' | 'search'; rid: number }[]) {
        const event = kind === 'view' ? viewOf(this.statements.view.get(rid) as ViewRow) : searchOf(this.statements.search.get(rid) as SearchRow);
        const link = { seq: tip.seq + 1, prev: tip.hash };
        (kind === 'view' ? this.statements.sealView : this.statements.sealSearch).run(link.seq, link.prev, rid);
        tip = { seq: link.seq, hash: createHash('sha256').update(viewChainPreimage(link, { kind, event } as ViewChainContent)).digest('hex') };
      }
      this.statements.setTip.run(tip.seq, tip.hash);
      return tip;
    });
  }

  /** The head: the genesis hash at 0 before any read was sealed. */
  tip(): ViewChainTip {
    return (this.statements.tip.get() as ViewChainTip | undefined) ?? { seq: 0, hash: VIEW_CHAIN_GENESIS };
  }

  /** Numbers and links every read not yet in the chain; the new head. */
  seal(): ViewChainTip {
    return this.sealAll();
  }

  /** The first `limit` sealed reads still to report, in chain order, each with its link: views and searches apart, as a push carries them. */
  chained(limit: number): { views: ViewEvent[]; searches: SearchEvent[] } {
    const views = (this.statements.chainedViews.all(limit) as (ViewRow & { seq: number; prev: string })[]).map((row) => ({ ...viewOf(row), chain: { seq: row.seq, prev: row.prev } }));
    const searches = (this.statements.chainedSearches.all(limit) as (SearchRow & { seq: number; prev: string })[]).map((row) => ({ ...searchOf(row), chain: { seq: row.seq, prev: row.prev } }));
    // the first `limit` of the two together, so that what a push carries has no hole in its numbers
    const cut = [...views, ...searches].map((e) => e.chain.seq).sort((a, b) => a - b)[limit - 1] ?? Infinity;
    return { views: views.filter((v) => v.chain.seq <= cut), searches: searches.filter((e) => e.chain.seq <= cut) };
  }

  record(entity: EntityName, entityId: string, searchId?: string): ViewEvent {
    const event: ViewEvent = { id: randomUUID(), entity, entityId, at: this.now().toISOString(), ...(searchId ? { searchId } : {}) };
    this.statements.insert.run(event.id, event.entity, event.entityId, event.at, searchId ?? null);
    return event;
  }

  pending(limit: number): ViewEvent[] {
    return (this.statements.pending.all(limit) as ViewRow[]).map(viewOf);
  }

  clear(ids: readonly string[]): number {
    return this.statements.clear.run(JSON.stringify(ids)).changes;
  }

  /**
   * A search, as the audit log gets it: its kinds and result count, never the query. `continuing`
   * names the search being typed: it is updated while it is still here (not yet reported); otherwise
   * this is a new one.
   */
  recordSearch(kinds: readonly SearchEvent['kinds'][number][], resultCount: number, continuing: string | null): string {
    const at = this.now().toISOString();
    if (continuing && this.statements.updateSearch.run(JSON.stringify(kinds), resultCount, at, continuing).changes === 1) return continuing;
    const id = randomUUID();
    this.statements.insertSearch.run(id, JSON.stringify(kinds), resultCount, at);
    return id;
  }

  pendingSearches(limit: number): SearchEvent[] {
    return (this.statements.pendingSearches.all(limit) as SearchRow[]).map(searchOf);
  }

  clearSearches(ids: readonly string[]): number {
    return this.statements.clearSearches.run(JSON.stringify(ids)).changes;
  }
}

type ViewRow = Omit<ViewEvent, 'searchId' | 'chain'> & { searchId: string | null };
type SearchRow = Omit<SearchEvent, 'kinds' | 'chain'> & { kinds: string };

/** A view as it is reported (and hashed into the chain): exactly these fields. */
function viewOf({ id, entity, entityId, at, searchId }: ViewRow): ViewEvent {
  return searchId ? { id, entity, entityId, at, searchId } : { id, entity, entityId, at };
}

function searchOf({ id, kinds, resultCount, at }: SearchRow): SearchEvent {
  return { id, kinds: JSON.parse(kinds) as SearchEvent['kinds'], resultCount, at };
}
