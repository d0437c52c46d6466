import type { RevocationScope } from '../../domain';
import { advanceCounter, readMeta } from '../storage/changeLog';
import { announceCommit, type Tx } from '../storage/database';
import type { CentralDb } from '../storage/schema';

/**
 * The durable record of ended sessions, in one numbered order (`revocation_seq`), so that a
 * revocation made by any process on the database — the admin CLI, another node — reaches every
 * process holding event streams (sync/storeWatch.ts). The number is taken by updating one meta row
 * in the revoking transaction: on PostgreSQL that row lock makes commits follow the numbering, so a
 * reader that has seen number n has seen every number below it.
 */
const REVOCATION_SEQ = 'revocation_seq';
/** Sessions last 12 hours: an older row names only sessions that have expired anyway. */
const KEEP_MS = 24 * 3_600_000;

export interface Revocation {
  seq: number;
  /** token hashes of the ended sessions */
  sessions: string[];
  scope: RevocationScope;
  reason: string;
}

/** Records ended sessions in the caller's transaction; publish the returned revocation after commit. */
export async function recordRevocation(tx: Tx, at: Date, ended: Omit<Revocation, 'seq'>): Promise<Revocation> {
  const seq = await advanceCounter(tx, REVOCATION_SEQ, 1, 'the revocation sequence');
  // the other nodes end those sessions' streams once this commits
  await announceCommit(tx);
  await tx.insertInto('revocations').values({ seq, at: at.toISOString(), scope: ended.scope, reason: ended.reason, sessions: JSON.stringify(ended.sessions) }).execute();
  await tx.deleteFrom('revocations').where('at', '<', new Date(at.getTime() - KEEP_MS).toISOString()).execute();
  return { seq, ...ended };
}

/** The number of the last revocation recorded. */
export async function revocationHead(db: CentralDb): Promise<number> {
  return Number((await readMeta(db, REVOCATION_SEQ)) ?? 0);
}

export async function revocationsAfter(db: CentralDb, seq: number, limit = 500): Promise<Revocation[]> {
  const rows = await db.selectFrom('revocations').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), sessions: JSON.parse(r.sessions) as string[], scope: r.scope as RevocationScope, reason: r.reason }));
}
