import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeHead } from '../../central/storage/changeLog';
import { openDatabase } from '../../central/storage/database';
import { startLoadRig, type LoadRig } from '../../bench/loadRig';
import { checkStore, fanOut, runLoad, type LoadResult } from '../../bench/loadRun';
import { createTestDatabase } from '../support/testDatabase';

/**
 * The load bench's correctness at a small size (bench/load.ts, issue 15 item 6): 20 desks, each with
 * its own device certificate, care rep session and live-update stream, on two central nodes (child
 * processes) over one PostgreSQL database, pushing contact edits for a few seconds. Whatever the
 * speed (never asserted here): no error, every edit applied once, one gapless change sequence, the
 * audit chain verified, and every desk poked up to the last change, including for changes made
 * through the other node. And the bench's checks themselves catch what they are there to catch.
 */
describe('20 desks pushing through two central nodes on PostgreSQL', () => {
  let rig: LoadRig;
  let result: LoadResult;
  beforeAll(async () => {
    rig = await startLoadRig({ desks: 20, customersPerDesk: 2, databaseUrl: (await createTestDatabase('load')).toString() });
    result = await runLoad(rig, { seconds: 3, batch: 2 });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('applies every edit with no error, no conflict and no non-2xx answer', () => {
    expect(result.errors).toEqual([]);
    expect(result.applied).toBeGreaterThan(20);
    expect(result.applied).toBe(result.pushes * 2);
    // one stored outcome per edit: none applied twice, none lost
    expect(result.store.appliedRows).toBe(result.applied);
  });

  it('leaves one gapless change sequence, one change per edit, and a verified, gapless audit chain', () => {
    expect(result.store.changes).toBe(result.applied);
    expect(result.store.gapless).toBe(true);
    expect(result.store.auditVerified).toBe(true);
    expect(result.store.auditGapless).toBe(true);
  });

  it('pokes every desk for every change, those made through the other node included', () => {
    expect(result.desksBehind).toBe(0);
    expect(result.missedPokes).toBe(0);
    // every push was sampled: each heard by the 10 desks of the other node
    expect(result.fanOutMs.samples).toBe(result.pushes * 10);
  });

  it("is caught by the bench's own check when a change goes missing from the sequence or an audit row is altered", async () => {
    const db = await openDatabase({ kind: 'postgres', connectionString: rig.databaseUrl, poolMax: 2 });
    try {
      const head = await changeHead(db);
      const start = head - result.store.changes;
      const audit = await db.selectFrom('audit_log').select((eb) => eb.fn.max<number>('seq').as('high')).executeTakeFirstOrThrow();
      await db.deleteFrom('record_history').where('seq', '=', start + 2).execute();
      expect((await checkStore(db, start, head, 0, 0)).gapless).toBe(false);
      await db.updateTable('audit_log').set({ detail: 'altered' }).where('seq', '=', Number(audit.high) - 1).execute();
      expect((await checkStore(db, start, head, 0, 0)).auditVerified).toBe(false);
    } finally {
      await db.destroy();
    }
  });
});

describe("the load bench's own checks", () => {
  it('count a push that a desk on the other node never heard of (a stream cut before it)', () => {
    const pushes = [{ node: 0, sentAt: 0, ackAt: 5, head: 10, mutations: 1 }];
    const heard = { node: 1, pokes: [{ head: 9, at: 1 }, { head: 10, at: 7 }] };
    const cut = { node: 1, pokes: [{ head: 9, at: 1 }] };
    const sameNode = { node: 0, pokes: [] };
    const fan = fanOut([heard, cut, sameNode], pushes);
    expect(fan.missed).toBe(1);
    expect(fan.fromAnswer).toEqual([2]);
    expect(fan.fromRequest).toEqual([7]);
  });
});
