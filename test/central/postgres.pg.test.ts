import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore, type CentralStore } from '../../central';
import { DATA_FILES } from '../../central/dataDir';
import { verifyAuditChain } from '../../central/audit/auditLog';
import { changeHead } from '../../central/storage/changeLog';
import { checkpoint, openDatabase } from '../../central/storage/database';
import type { CentralDb } from '../../central/storage/schema';
import { API } from '../../domain';
import { storedBytes } from '../support/storedBytes';
import { Harness, readEvents, type TestSession } from './harness';

/**
 * PostgreSQL as the central store's database (issue 15), in what only PostgreSQL has: the schema its
 * migrations make, against SQLite's; several central nodes on one database, each with its own pool
 * and change feed. Run by the `postgres` project of vitest.config.ts only (a real server), with the
 * rest of test/central, which runs there as on SQLite.
 */

interface Shape {
  columns: Record<string, { type: string; notNull: boolean }>;
  primaryKey: string[];
  /** every index and unique constraint but the primary key: columns, unique or not */
  indexes: string[];
}

const OWN_TABLES = (name: string) => !name.startsWith('kysely_') && !name.startsWith('sqlite_');

async function sqliteShape(db: CentralDb): Promise<Record<string, Shape>> {
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name).filter(OWN_TABLES);
  const shapes: Record<string, Shape> = {};
  for (const table of tables) {
    const columns = (await sql<{ name: string; type: string; notnull: number; pk: number }>`select * from pragma_table_info(${table})`.execute(db)).rows;
    const indexes = (await sql<{ name: string; unique: number; origin: string }>`select * from pragma_index_list(${table})`.execute(db)).rows.filter((i) => i.origin !== 'pk');
    const indexed: string[] = [];
    for (const index of indexes) {
      const cols = (await sql<{ name: string; seqno: number }>`select * from pragma_index_info(${index.name})`.execute(db)).rows.sort((a, b) => a.seqno - b.seqno);
      indexed.push(`${index.unique ? 'unique ' : ''}(${cols.map((c) => c.name).join(', ')})`);
    }
    shapes[table] = {
      columns: Object.fromEntries(columns.map((c) => [c.name, { type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk > 0 }])),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      indexes: indexed.sort(),
    };
  }
  return shapes;
}

async function postgresShape(db: CentralDb): Promise<Record<string, Shape>> {
  const columns = (
    await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>`
      select table_name, column_name, data_type, is_nullable from information_schema.columns where table_schema = 'public'`.execute(db)
  ).rows.filter((c) => OWN_TABLES(c.table_name));
  // each index with its columns in order, whether unique, whether it is the primary key's
  const indexes = (
    await sql<{ table_name: string; is_unique: boolean; is_primary: boolean; columns: string[] }>`
      select t.relname as table_name, i.indisunique as is_unique, i.indisprimary as is_primary,
        array(select a.attname from unnest(i.indkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace ns on ns.oid = t.relnamespace
      where ns.nspname = 'public'`.execute(db)
  ).rows.filter((i) => OWN_TABLES(i.table_name));
  const shapes: Record<string, Shape> = {};
  for (const c of columns) {
    const shape = (shapes[c.table_name] ??= { columns: {}, primaryKey: [], indexes: [] });
    shape.columns[c.column_name] = { type: c.data_type, notNull: c.is_nullable === 'NO' };
  }
  for (const i of indexes) {
    const shape = shapes[i.table_name]!;
    if (i.is_primary) shape.primaryKey = i.columns;
    else shape.indexes.push(`${i.is_unique ? 'unique ' : ''}(${i.columns.join(', ')})`);
  }
  for (const shape of Object.values(shapes)) shape.indexes.sort();
  return shapes;
}

describe('the schema on PostgreSQL', () => {
  it('is the one SQLite has: the same tables, columns, types, nullability, primary keys and indexes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caredesk-schema-'));
    const lite = await openDatabase(join(dir, 'central.sqlite'));
    const harness = await Harness.start({ customers: 1 });
    try {
      const onSqlite = await sqliteShape(lite);
      const onPostgres = await postgresShape(harness.store.db);
      expect(Object.keys(onSqlite).length).toBeGreaterThan(20);
      expect(onPostgres).toEqual(onSqlite);
    } finally {
      await lite.destroy();
      await harness.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what an erasure leaves on PostgreSQL', () => {
  it('no dead row in the tables that hold customer values, and no WAL segment from before it', async () => {
    const h = await Harness.start({ customers: 2 });
    try {
      const rep = await h.session('care_rep');
      const { customer } = h.customer(0);
      const marker = (n: number) => `gone.${n}.${Math.random().toString(36).slice(2, 10)}@example.org`;
      const [first, second] = [marker(1), marker(2)];
      let email = customer.email;
      for (const next of [first, second]) {
        const verificationId = await h.verified(rep, 0);
        const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email }, { email: next }, { verificationId });
        expect((await h.push(rep, [m])).json.results[0].status).toBe('applied');
        email = next;
      }
      const walBefore = (await sql<{ name: string }>`select name from pg_ls_waldir()`.execute(h.store.db)).rows.map((r) => r.name);
      // the first address is a dead row now (the record holds the second); once the server wrote its pages out, the scan finds it
      await sql`checkpoint`.execute(h.store.db);
      expect((await storedBytes(h.store)).includes(Buffer.from(first))).toBe(true);
      await checkpoint(h.store.db);
      const bytes = await storedBytes(h.store);
      expect(bytes.includes(Buffer.from(first))).toBe(false);
      expect(bytes.includes(Buffer.from(second))).toBe(true);
      const walAfter = (await sql<{ name: string }>`select name from pg_ls_waldir()`.execute(h.store.db)).rows.map((r) => r.name);
      expect(walAfter.filter((name) => walBefore.includes(name))).toEqual([]);
      // nor in the planner's statistics, which keep samples of a column's values (migration 015)
      await sql`analyze`.execute(h.store.db);
      const samples = await sql<{ tablename: string; attname: string; values: string | null }>`
        select tablename, attname, coalesce(most_common_vals::text, '') || coalesce(histogram_bounds::text, '') as values from pg_stats where schemaname = 'public'`.execute(h.store.db);
      expect(samples.rows.filter((r) => r.values?.includes('@example.org'))).toEqual([]);
      expect(samples.rows.length).toBeGreaterThan(0);
    } finally {
      await h.dispose();
    }
  });

  it('waits for a transaction that still sees the old row (a slow reader, the autovacuum\'s ANALYZE) before its rewrite counts as done', async () => {
    const h = await Harness.start({ customers: 1 });
    const reader = new pg.Client({ connectionString: (JSON.parse(readFileSync(join(h.dataDir, DATA_FILES.config), 'utf8')) as { database: { url: string } }).database.url });
    try {
      const rep = await h.session('care_rep');
      const { customer } = h.customer(0);
      const first = `held.${Math.random().toString(36).slice(2, 10)}@example.org`;
      const setEmail = async (from: string, to: string) => {
        const verificationId = await h.verified(rep, 0);
        const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email: from }, { email: to }, { verificationId });
        expect((await h.push(rep, [m])).json.results[0].status).toBe('applied');
      };
      await setEmail(customer.email, first);
      // a snapshot taken while the first address is live (on a table the rewrite does not lock)
      await reader.connect();
      await reader.query('begin isolation level repeatable read');
      await reader.query('select count(*) from audit_log');
      await setEmail(first, 'now.current@example.org');
      const erased = checkpoint(h.store.db);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await reader.query('commit');
      await erased;
      expect((await storedBytes(h.store)).includes(Buffer.from(first))).toBe(false);
    } finally {
      await reader.end().catch(() => undefined);
      await h.dispose();
    }
  });
});

describe('two central nodes on one PostgreSQL database', () => {
  let h: Harness;
  /** node 2: another store on the same database and data dir (the same keys and CA), its own pool and feed */
  let node2: CentralStore;
  beforeAll(async () => {
    h = await Harness.start({ customers: 12 });
    node2 = await startCentralStore({ dataDir: h.dataDir, port: 0 });
  });
  afterAll(async () => {
    await node2?.close();
    await h.dispose();
  });

  /** a billing clerk's change of one account's autopay, from what it is now */
  async function toggleAutopay(session: TestSession, billingAccountId: string, node?: string) {
    const now = (await h.record('billingAccount', billingAccountId)).data.autopay as boolean;
    const m = h.mutation(session, h.nextSeq(session), { entity: 'billingAccount', id: billingAccountId }, { autopay: now }, { autopay: !now });
    return h.push(session, [m], node ? { node } : {});
  }

  it('pokes a desk connected to node 2 when a change is applied through node 1 (LISTEN/NOTIFY)', async () => {
    const clerk = await h.session('billing_clerk');
    const watcher = await h.session('care_rep');
    let pushedHead = -1;
    const events = await readEvents(
      h,
      watcher,
      (seen) => seen.some((e) => e.type === 'poke' && e.head === pushedHead),
      async () => {
        const res = await toggleAutopay(clerk, h.customer(0).billingAccount.id);
        expect(res.status).toBe(200);
        pushedHead = res.json.head as number;
      },
      node2.url,
    );
    expect(events.at(-1)).toEqual({ type: 'poke', head: pushedHead });
  });

  it('ends a stream on node 2 when its session is signed out through node 1', async () => {
    const rep = await h.session('care_rep');
    const events = await readEvents(
      h,
      rep,
      (seen) => seen.some((e) => e.type === 'revoked'),
      async () => {
        await h.call(rep.device.agent, 'DELETE', API.session, { token: rep.token });
      },
      node2.url,
    );
    expect(events.at(-1)).toMatchObject({ type: 'revoked', scope: 'session' });
  });

  it('takes edits of one record pushed at the same moment through both nodes one after the other: one applied, every other met as a conflict, none lost', async () => {
    // the write lock comes late in a push (database.ts: writeOrder 'late'): the record's row lock is what keeps two merges apart
    const reps = await Promise.all(Array.from({ length: 8 }, () => h.session('care_rep')));
    const { customer } = h.customer(9);
    const base = { firstName: customer.firstName };
    const mutations = await Promise.all(reps.map(async (rep, i) => h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, base, { firstName: `Name${'abcdefgh'[i]}` }, { verificationId: await h.verified(rep, 9) })));
    const replies = await Promise.all(reps.map((rep, i) => h.push(rep, [mutations[i]!], i % 2 ? { node: node2.url } : {})));
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    const results = replies.map((r) => r.json.results[0] as { status: string; conflicts: { field: string; theirs: unknown }[] });
    const applied = results.flatMap((r, i) => (r.status === 'applied' ? [i] : []));
    expect(applied).toHaveLength(1);
    const winner = `Name${'abcdefgh'[applied[0]!]}`;
    for (const r of results.filter((r) => r.status !== 'applied')) {
      expect(r.status).toBe('conflict');
      // each one met the value the one applied edit wrote, not the value it was made from
      expect(r.conflicts).toMatchObject([{ field: 'firstName', theirs: winner }]);
    }
    expect((await h.record('customer', customer.id)).data.firstName).toBe(winner);
    const history = await h.store.db.selectFrom('record_history').select('seq').where('entity', '=', 'customer').where('id', '=', customer.id).execute();
    expect(history).toHaveLength(1);
  });

  it('answers a mutation id replayed by another desk at the same moment through the other node as reused, never applying it twice or failing', async () => {
    for (const i of [10, 11]) {
      const [rep, replayer] = await Promise.all([h.session('care_rep'), h.session('care_rep')]);
      const { customer } = h.customer(i);
      const original = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Firsthand' }, { verificationId: await h.verified(rep, i) });
      const replay = { ...h.mutation(replayer, h.nextSeq(replayer), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Borrowed' }, { verificationId: await h.verified(replayer, i) }), id: original.id };
      const [mine, theirs] = await Promise.all([h.push(rep, [original]), h.push(replayer, [replay], { node: node2.url })]);
      expect([mine.status, theirs.status], `${mine.text} ${theirs.text}`).toEqual([200, 200]);
      const outcomes = [mine.json.results[0], theirs.json.results[0]] as { status: string; rejection: { code: string } | null }[];
      expect(outcomes.filter((o) => o.status === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o.rejection?.code === 'mutation_id_reused')).toHaveLength(1);
      const stored = await h.store.db.selectFrom('client_mutations').select('client_id').where('mutation_id', '=', original.id).execute();
      expect(stored).toHaveLength(1);
      expect(['Firsthand', 'Borrowed']).toContain((await h.record('customer', customer.id)).data.lastName);
    }
  });

  it('keeps one gapless change sequence and one audit chain under concurrent pushes to both nodes, answers each 200, and never lets a reader see a number before a lower one', async () => {
    const clerks = await Promise.all(Array.from({ length: 8 }, () => h.session('billing_clerk')));
    const startHead = await changeHead(h.store.db);
    let writing = true;
    /** every sequence number a reader saw, in the order it saw them, page by page up to the head it read */
    const seen: number[] = [];
    const reader = (async () => {
      let after = startHead;
      while (writing || after < (await changeHead(h.store.db))) {
        const head = await changeHead(h.store.db);
        const rows = await h.store.db.selectFrom('record_history').select('seq').where('seq', '>', after).where('seq', '<=', head).orderBy('seq').execute();
        seen.push(...rows.map((r) => Number(r.seq)));
        // everything up to the head it read is there: a change numbered below the head still to commit would be a gap
        expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: head - after }, (_, i) => after + 1 + i));
        after = head;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const statuses: number[] = [];
    await Promise.all(
      clerks.map(async (clerk, i) => {
        const account = h.customer(1 + i).billingAccount.id;
        for (let n = 0; n < 6; n++) {
          const res = await toggleAutopay(clerk, account, i % 2 ? node2.url : undefined);
          statuses.push(res.status);
          expect(res.json.results?.[0]?.status, res.text).toBe('applied');
        }
      }),
    );
    writing = false;
    await reader;
    expect(statuses).toEqual(Array(48).fill(200));
    const endHead = await changeHead(h.store.db);
    expect(endHead - startHead).toBe(48);
    expect(seen).toEqual(Array.from({ length: 48 }, (_, i) => startHead + 1 + i));
    const chain = await verifyAuditChain(h.store.db);
    expect(chain.ok).toBe(true);
    const audit = await h.store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
    expect(audit.map((r) => Number(r.seq))).toEqual(Array.from({ length: audit.length }, (_, i) => i + 1));
  });
});
