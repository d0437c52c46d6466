import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentralStore } from '../../central';
import { MIGRATIONS } from '../../central/storage/migrations';
import { API } from '../../domain';
import { testBackend, useTestDatabase } from '../support/testDatabase';
import { Harness, type TestDevice } from './harness';

/**
 * Readiness (issue 15, item 7): beside health, whether a node should take traffic — its database
 * answers, has every migration this build needs, and the node is not stopping. On both listeners
 * (a load balancer's probe has no device certificate: it asks the enrolment listener).
 */
describe('readiness', () => {
  let h: Harness;
  let desk: TestDevice;
  beforeAll(async () => {
    h = await Harness.start({ customers: 1 });
    desk = await h.enrol();
  });
  afterAll(async () => h.dispose());

  const ready = (listener: 'api' | 'enrolment' = 'enrolment') => h.call(listener === 'api' ? desk.agent : h.anonymous, 'GET', API.ready, { listener });

  it('says ready on both listeners when the database answers and is migrated', async () => {
    for (const listener of ['api', 'enrolment'] as const) {
      const res = await ready(listener);
      expect(res.status, listener).toBe(200);
      expect(res.json).toEqual({ status: 'ready' });
    }
  });

  it('is not ready while the database lacks a migration this build needs, and ready again once it has it', async () => {
    const last = Object.keys(MIGRATIONS).at(-1)!;
    const row = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration where name = ${last}`.execute(h.store.db);
    await sql`delete from kysely_migration where name = ${last}`.execute(h.store.db);
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: 'not_ready', reason: 'migrations_pending' });
      // health is about the process, not the node's fitness for traffic
      expect((await h.call(h.anonymous, 'GET', API.health, { listener: 'enrolment' })).status).toBe(200);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last}, ${row.rows[0]!.timestamp})`.execute(h.store.db);
    }
    expect((await ready()).status).toBe(200);
  });
});

describe('readiness when the database or the node goes away', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function store(drainMs?: number) {
    const dataDir = mkdtempSync(join(tmpdir(), 'caredesk-ready-'));
    dirs.push(dataDir);
    await useTestDatabase(dataDir);
    const s = await startCentralStore({ dataDir, port: 0, ...(drainMs ? { drainMs } : {}) });
    const agent = new Agent({ connect: { ca: s.caPem } });
    const probe = async () => {
      const res = await request(new URL(API.ready, s.enrolmentUrl), { dispatcher: agent });
      return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
    };
    return { s, agent, probe };
  }

  it('says database_unavailable, naming nothing of the database, when it does not answer', async () => {
    const { s, agent, probe } = await store();
    try {
      expect((await probe()).status).toBe(200);
      // the pool (PostgreSQL) or the file's connection (SQLite) is gone: every query fails
      await s.db.destroy();
      const res = await probe();
      expect(res.status).toBe(503);
      expect(res.json).toEqual({ status: 'not_ready', reason: 'database_unavailable', message: 'the database did not answer' });
    } finally {
      await agent.destroy();
      await s.close();
    }
  });

  it('says shutting_down from the moment the node is told to stop, while its listeners still answer', async () => {
    const { s, agent, probe } = await store(1_500);
    try {
      expect((await probe()).status).toBe(200);
      const closing = s.close();
      const res = await probe();
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: 'not_ready', reason: 'shutting_down' });
      await closing;
      await expect(probe()).rejects.toThrow();
    } finally {
      await agent.destroy();
    }
  });

  // only PostgreSQL lets another session hold a table against readers (SQLite's WAL readers never wait)
  const onPostgres: typeof it = testBackend() === 'postgres' ? it : (((..._args: unknown[]) => undefined) as unknown as typeof it);
  onPostgres('gives up waiting on a database that holds its query, rather than hang the probe', async () => {
    const { s, agent, probe } = await store();
    const { database } = JSON.parse(readFileSync(join(dirs.at(-1)!, 'config.json'), 'utf8')) as { database: { url: string } };
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      // another session holds the migrations table: the readiness read waits on it
      await locker.query('begin');
      await locker.query('lock table kysely_migration in access exclusive mode');
      const res = await probe();
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({ status: 'not_ready', reason: 'database_unavailable' });
      await locker.query('rollback');
      expect((await probe()).status).toBe(200);
    } finally {
      await locker.end();
      await agent.destroy();
      await s.close();
    }
  });
});
