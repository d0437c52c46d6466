import { sql } from 'kysely';
import type { CentralDb } from './schema';
import { announceCommit, takeWriteOrder, type Tx } from './database';

/**
 * The global change sequence (DESIGN §5): every write to `records` takes the next number inside
 * its own transaction, so a pull cursor is a position in one total order of changes.
 */
const CHANGE_SEQ = 'change_seq';

/** Reserves `count` sequence numbers and returns the first. Must run inside the writing transaction. */
export async function allocateSeq(tx: Tx, count = 1): Promise<number> {
  // The update comes first so the transaction takes the write lock before it reads the counter.
  const last = await advanceCounter(tx, CHANGE_SEQ, count, 'the change sequence');
  // the other nodes' desks pull once this commits
  await announceCommit(tx);
  return last - count + 1;
}

/** The last sequence number handed out: the head of the change log. */
export async function changeHead(db: CentralDb | Tx): Promise<number> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', CHANGE_SEQ).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

export async function readMeta(db: CentralDb | Tx, key: string): Promise<string | null> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** `meta` is this module's: every key of it is read and written here, for the modules that own the facts. */
export async function writeMeta(db: CentralDb | Tx, key: string, value: string): Promise<void> {
  await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Sets `key` unless it has a value already (a value made once, e.g. the store's generation). */
export async function writeMetaOnce(db: CentralDb | Tx, key: string, value: string): Promise<void> {
  await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
}

/**
 * Adds `by` to the counter under `key` and returns its new value. The update comes before any read,
 * so the transaction holds the row (the write lock) from its first statement.
 */
export async function advanceCounter(tx: Tx, key: string, by: number, what: string): Promise<number> {
  // numbers are handed out in the one order of writers, and commit in it (a transaction that took the order late)
  await takeWriteOrder(tx);
  const row = await tx
    .updateTable('meta')
    .set({ value: sql<string>`cast(cast(value as bigint) + ${by} as text)` })
    .where('key', '=', key)
    .returning('value')
    .executeTakeFirst();
  if (!row) throw new Error(`${what} is missing from meta: run the migrations`);
  return Number(row.value);
}
