import type Database from 'better-sqlite3-multiple-ciphers';
import { CareDeskError } from '../../../../domain/errors';
import * as m001 from './001_initial';
import * as m002 from './002_held_outbox';
import * as m003 from './003_outbox_op';
import * as m004 from './004_secure_delete';
import * as m005 from './005_queue_index';
import * as m006 from './006_outbox_sent';
import * as m007 from './007_approval_index';
import * as m008 from './008_service_line_index';
import * as m009 from './009_search_events';
import * as m010 from './010_compliance_registers';
import * as m011 from './011_held_edits';
import * as m012 from './012_unverified_holds';
import * as m013 from './013_view_chain';
import * as m014 from './014_applied_overlay';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; each runs once, in its own transaction, and leaves its number in `user_version`. */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Run before anything is written: a cache from a newer CareDesk is left exactly as it is. */
export function refuseNewerSchema(db: Database.Database): void {
  const current = schemaVersion(db);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (current > latest) {
    throw new CareDeskError('cache_unreadable', `the local cache was written by a newer CareDesk (schema ${current}); update CareDesk to open it`);
  }
}

export function migrate(db: Database.Database): void {
  refuseNewerSchema(db);
  const current = schemaVersion(db);
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
