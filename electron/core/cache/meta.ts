import type { Db } from './sqlite';

/** The meta keys the cache itself reads or writes; others (session token, user…) are the caller's. */
export const META = {
  /** the pull cursor: the change-log sequence up to which this cache is current */
  cursor: 'cursor',
  /** the central store's generation the cursor belongs to (protocol 3): another one means the store was restored */
  generation: 'store_generation',
  /** this cache's client id at the central store; must be set before the first edit */
  clientId: 'client_id',
  /** the last per-client mutation sequence handed out, so applied mutations leaving the outbox never free a number */
  lastMutationSeq: 'last_mutation_seq',
  /** while a first sync's snapshot is under way: the head it is consistent at and where it resumes (JSON) */
  snapshot: 'snapshot',
  /** present while a first sync runs */
  initialSync: 'initial_sync',
  /** the sync protocol this cache last pulled with (absent: a cache from before protocol 6, which did not record it) */
  syncProtocol: 'sync_protocol',
  /** customers erased from this cache and not yet reported to the central store (a JSON array of ids) */
  purgedCustomers: 'purged_customers',
  /** what the rep had in hand when the console locked: the open customer and unsaved drafts (contract Workspace) */
  workspace: 'workspace',
} as const;

export class MetaTable {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      set: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      delete: db.prepare('DELETE FROM meta WHERE key = ?'),
    };
  }

  get(key: string): string | null {
    return (this.statements.get.get(key) as string | undefined) ?? null;
  }

  set(key: string, value: string): void {
    this.statements.set.run(key, value);
  }

  delete(key: string): void {
    this.statements.delete.run(key);
  }
}
