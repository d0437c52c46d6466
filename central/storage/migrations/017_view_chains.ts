import type { Kysely } from 'kysely';

/**
 * Each desk's chain of offline reads (issue 16, domain/sync/viewChain.ts), owned by sync/viewChains.ts:
 * - `view_chains`: per client (one user's cache on one device) the last head the desk reported and
 *   signed, and the last entry received in an unbroken line, with their hashes;
 * - `view_chain_links`: the hash of every entry received, by number, so that an entry sent again or a
 *   head naming an earlier number is held to what was received;
 * - `view_chain_heads`: every head the desk reported and signed, by number, so that the entry under that
 *   number is held to it when it arrives, whatever newer head came meanwhile.
 * Hashes and numbers only, never a read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('view_chains')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('reported_seq', 'bigint')
    .addColumn('reported_hash', 'text')
    .addColumn('reported_at', 'text')
    .addColumn('received_seq', 'bigint', (c) => c.notNull())
    .addColumn('received_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('view_chain_links')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('view_chain_links_key', ['client_id', 'seq'])
    .execute();
  await db.schema
    .createTable('view_chain_heads')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('view_chain_heads_key', ['client_id', 'seq'])
    .execute();
}
