import { randomUUID } from 'node:crypto';
import type { EntityName } from '../../../domain/entities';
import type { ViewEvent } from '../../../domain/sync/protocol';
import type { Db } from './sqlite';

/** Sensitive reads made on this workstation, kept until they are reported to the audit log. */
export class ViewLog {
  private readonly statements;

  constructor(db: Db, private readonly now: () => Date) {
    this.statements = {
      insert: db.prepare('INSERT INTO view_event (id, entity, entity_id, at) VALUES (?, ?, ?, ?)'),
      pending: db.prepare('SELECT id, entity, entity_id AS entityId, at FROM view_event ORDER BY rid LIMIT ?'),
      clear: db.prepare('DELETE FROM view_event WHERE id IN (SELECT value FROM json_each(?))'),
    };
  }

  record(entity: EntityName, entityId: string): ViewEvent {
    const event: ViewEvent = { id: randomUUID(), entity, entityId, at: this.now().toISOString() };
    this.statements.insert.run(event.id, event.entity, event.entityId, event.at);
    return event;
  }

  pending(limit: number): ViewEvent[] {
    return this.statements.pending.all(limit) as ViewEvent[];
  }

  clear(ids: readonly string[]): number {
    return this.statements.clear.run(JSON.stringify(ids)).changes;
  }
}
