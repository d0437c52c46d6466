import { randomUUID } from 'node:crypto';
import type { EntityName } from '../../../domain/entities';
import type { SearchEvent, ViewEvent } from '../../../domain/sync/protocol';
import type { Db } from './sqlite';

/** Sensitive reads made on this workstation (profiles opened, searches made), kept until they are reported to the audit log. */
export class ViewLog {
  private readonly statements;

  constructor(db: Db, private readonly now: () => Date) {
    this.statements = {
      insert: db.prepare('INSERT INTO view_event (id, entity, entity_id, at, search_id) VALUES (?, ?, ?, ?, ?)'),
      pending: db.prepare('SELECT id, entity, entity_id AS entityId, at, search_id AS searchId FROM view_event ORDER BY rid LIMIT ?'),
      clear: db.prepare('DELETE FROM view_event WHERE id IN (SELECT value FROM json_each(?))'),
      insertSearch: db.prepare('INSERT INTO search_event (id, kinds, result_count, at) VALUES (?, ?, ?, ?)'),
      updateSearch: db.prepare('UPDATE search_event SET kinds = ?, result_count = ?, at = ? WHERE id = ?'),
      pendingSearches: db.prepare('SELECT id, kinds, result_count AS resultCount, at FROM search_event ORDER BY rid LIMIT ?'),
      clearSearches: db.prepare('DELETE FROM search_event WHERE id IN (SELECT value FROM json_each(?))'),
    };
  }

  record(entity: EntityName, entityId: string, searchId?: string): ViewEvent {
    const event: ViewEvent = { id: randomUUID(), entity, entityId, at: this.now().toISOString(), ...(searchId ? { searchId } : {}) };
    this.statements.insert.run(event.id, event.entity, event.entityId, event.at, searchId ?? null);
    return event;
  }

  pending(limit: number): ViewEvent[] {
    return (this.statements.pending.all(limit) as (ViewEvent & { searchId: string | null })[]).map(({ searchId, ...view }) => (searchId ? { ...view, searchId } : view));
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
    return (this.statements.pendingSearches.all(limit) as (Omit<SearchEvent, 'kinds'> & { kinds: string })[]).map((row) => ({ ...row, kinds: JSON.parse(row.kinds) as SearchEvent['kinds'] }));
  }

  clearSearches(ids: readonly string[]): number {
    return this.statements.clearSearches.run(JSON.stringify(ids)).changes;
  }
}
