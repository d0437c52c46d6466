import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_ENTITIES, QUEUE_MARKS } from '../../../domain/operations';
import { MIGRATIONS, openCache } from '../../../electron/core/cache';
import { cacheFileHashes, customerPuts, removeTempDirs, tempDir } from './helpers';

const key = Buffer.alloc(32, 3);
const LATEST = MIGRATIONS.at(-1)!.version;

describe('cache migrations', () => {
  afterAll(() => removeTempDirs());

  it('are numbered from 1 without gaps, each a file of its own', () => {
    const last = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: last }, (_v, i) => i + 1));
    for (const migration of MIGRATIONS) expect(migration.sql.trim()).not.toBe('');
  });

  it('run once, are recorded in user_version, and reopening keeps the data', () => {
    const file = join(tempDir(), 'cache.db');
    const { changes, customers } = customerPuts(0, 5);
    const cache = openCache({ file, key });
    expect(cache.schemaVersion()).toBe(LATEST);
    cache.applyPull(changes, 42);
    cache.setMeta('client_id', 'c1');
    cache.close();

    // a second open would fail on CREATE TABLE if the first migration ran again
    const reopened = openCache({ file, key });
    expect(reopened.schemaVersion()).toBe(LATEST);
    expect(reopened.getMeta('cursor')).toBe('42');
    expect(reopened.getMeta('client_id')).toBe('c1');
    expect(reopened.getRecord('customer', customers[4]!.customer.id)).toEqual(customers[4]!.customer);
    reopened.close();
  });

  it('bring a schema-1 outbox to schema 2 with its edits kept, able to hold an edit for review', () => {
    const file = join(tempDir(), 'cache.db');
    const raw = new Database(file);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        `INSERT INTO outbox (seq, id, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, rejection)
         VALUES (1, 'm1', 'c1', 'customer', 'x1', 'x1', '{}', '{"lastName":"Old"}', 'caller asked', NULL, '2026-11-28T09:00:00.000Z', 'rejected', '{"code":"forbidden","message":"no","issues":[]}')`,
      )
      .run();
    raw.close();
    const cache = openCache({ file, key: null });
    expect(cache.schemaVersion()).toBe(LATEST);
    expect(cache.changesOf('customer', 'x1')).toEqual([expect.objectContaining({ id: 'm1', status: 'rejected', rejection: { code: 'forbidden', message: 'no', issues: [] }, hold: null })]);
    cache.close();
    const check = new Database(file);
    expect(() => check.prepare("UPDATE outbox SET status = 'held' WHERE id = 'm1'").run()).not.toThrow();
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name").pluck().all()).toEqual(['outbox_customer', 'outbox_entity', 'outbox_id']);
    check.close();
  });

  it('bring a schema-11 outbox to 014 with every column kept, able to hold an applied edit only with the head it waits for', () => {
    const file = join(tempDir(), 'cache.db');
    const raw = new Database(file);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 11)) raw.exec(migration.sql);
    raw.pragma('user_version = 11');
    raw
      .prepare(
        `INSERT INTO outbox (seq, id, op, client_id, entity, entity_id, customer_id, base, changes, reason, verification_id, created_at, status, sent_in, escalation)
         VALUES (3, 'm3', NULL, 'c1', 'customer', 'x1', 'x1', '{"lastName":"Old"}', '{"lastName":"New"}', 'caller asked', NULL, '2026-11-28T09:00:00.000Z', 'pending', 'attempt-1', '{"note":"ask Sam"}')`,
      )
      .run();
    raw.close();
    const cache = openCache({ file, key: null });
    expect(cache.schemaVersion()).toBe(LATEST);
    expect(cache.changesOf('customer', 'x1')).toEqual([expect.objectContaining({ id: 'm3', seq: 3, status: 'pending', sentIn: 'attempt-1', escalation: { note: 'ask Sam' }, settleAt: null, serverSeq: null })]);
    cache.close();
    const check = new Database(file);
    expect(() => check.prepare("UPDATE outbox SET status = 'applied' WHERE id = 'm3'").run()).toThrow(/CHECK/);
    expect(() => check.prepare("UPDATE outbox SET status = 'applied', settle_at = 9, server_seq = 8 WHERE id = 'm3'").run()).not.toThrow();
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name").pluck().all()).toEqual(['outbox_customer', 'outbox_entity', 'outbox_id']);
    check.close();
  });

  it('index exactly the queue entities of the domain, and list a queue through that index', () => {
    const file = join(tempDir(), 'cache.db');
    const cache = openCache({ file, key: null });
    cache.close();
    const db = new Database(file);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'record_body_queue'").pluck().get() as string;
    expect([...sql.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]).sort()).toEqual(QUEUE_ENTITIES.filter((e) => !QUEUE_MARKS[e]).sort());
    // an entity only some of whose records are a queue's (credits and adjustments held for approval): those, by their mark
    const marked = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'record_body_marked_queue'").pluck().get() as string;
    expect([...marked.matchAll(/entity = '([A-Za-z]+)' AND json_extract\(data, '\$\.([A-Za-z]+)'\) IS NOT NULL/g)].map((m) => [m[1], m[2]])).toEqual(Object.entries(QUEUE_MARKS));
    db.close();
  });

  it('list a queue through the partial index, never by scanning every record', () => {
    const cache = openCache({ file: join(tempDir(), 'cache.db'), key: null });
    const { changes } = customerPuts(0, 20);
    cache.applyPull(changes, changes.at(-1)!.seq);
    for (const entity of QUEUE_ENTITIES) {
      const index = QUEUE_MARKS[entity] ? 'record_body_marked_queue' : 'record_body_queue';
      expect(cache.queueQueryPlan(entity), entity).toEqual([expect.stringMatching(new RegExp(`^SEARCH b USING (COVERING )?INDEX ${index}`)), expect.stringContaining('USING INTEGER PRIMARY KEY')]);
    }
    expect(cache.effectiveRecordsOf('lead')).toEqual([]);
    // of credits and adjustments, only those held against the approval threshold are a queue's
    const seq = changes.at(-1)!.seq;
    const adjustment = (n: number, data: Record<string, unknown>) => ({ t: 'put' as const, seq: seq + n, entity: 'billingAdjustment' as const, id: `a${n}`, customerId: 'c1', data: { id: `a${n}`, ...data } });
    cache.applyPull([adjustment(1, { amountCents: -500 }), adjustment(2, { amountCents: -150_000, status: 'awaiting_approval', approvalAboveCents: 50_000 })], seq + 2);
    expect(cache.effectiveRecordsOf('billingAdjustment').map((r) => r.id)).toEqual(['a2']);
    cache.close();
  });

  it('refuse a cache written by a newer CareDesk, without touching it', () => {
    const file = join(tempDir(), 'cache.db');
    openCache({ file, key: null }).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = cacheFileHashes(file);
    expect(() => openCache({ file, key: null })).toThrow(expect.objectContaining({ code: 'cache_unreadable', message: expect.stringMatching(/newer CareDesk/) }));
    expect(cacheFileHashes(file)).toEqual(before);
  });
});
