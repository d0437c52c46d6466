import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse, type Mutation } from '../../domain';
import { readLedger } from '../../central/erasure/ledger';
import { restoreDatabase } from '../../central/erasure/restore';
import { openDatabase } from '../../central/storage/database';
import { Harness, type TestSession } from './harness';
import { prepareDataDir } from '../../central/dataDir';
import { storedBytes } from '../support/storedBytes';
import { backupDatabase, restoreBackup } from '../support/databaseBackup';
import { sqliteOnly } from '../support/backendTests';

/**
 * An erasure holds across a restore (issue 11): a backup taken before the erasure holds the values
 * again, and restoring it re-applies the erasure ledger, kept apart from the database, so that
 * nothing of the customer is readable afterwards.
 */
describe('restoring a backup taken before an erasure', () => {
  let h: Harness;
  let rep: TestSession;
  let supervisor: TestSession;
  const scratch = mkdtempSync(join(tmpdir(), 'caredesk-backup-'));
  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
  });
  afterAll(async () => {
    await h.dispose().catch(() => undefined);
    rmSync(h.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('re-applies the ledger: the customer is erased again and no value is readable', async () => {
    const { customer, secrets, paymentMethods } = h.customer(0);
    const backup = join(scratch, 'before');
    await backupDatabase(h.store, backup);

    const verificationId = (await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verificationId as string;
    const request: Mutation = { ...h.mutation(rep, h.nextSeq(rep), { entity: 'erasureRequest', id: randomUUID() }, {}, { customerId: customer.id, reason: 'Caller wants every trace removed' }, { verificationId }), op: 'create' };
    const push = async (s: TestSession, m: Mutation) => PushResponse.parse((await h.push(s, [m])).json).results[0]!;
    expect((await push(rep, request)).status).toBe('applied');
    expect((await push(supervisor, h.mutation(supervisor, h.nextSeq(supervisor), { entity: 'erasureRequest', id: request.entityId }, { status: 'pending' }, { status: 'approved' }))).status).toBe('applied');
    const ledger = readLedger(join(h.dataDir, 'erasure-ledger.jsonl'));
    expect(ledger).toEqual([{ requestId: request.entityId, customerId: customer.id, scope: 'account', approvedBy: supervisor.user.id, at: expect.any(String) }]);

    const values = [customer.email, customer.lastName, customer.phones[0]!.number, customer.serviceAddress.line1];
    expect(values.filter((v) => readFileSync(backup).includes(Buffer.from(v)))).toEqual(values); // the backup holds them: the scan can find them

    await h.store.close();
    expect(await restoreBackup(h.dataDir, backup)).toBe(1);

    const db = await openDatabase((await prepareDataDir(h.dataDir)).database);
    const files = await storedBytes({ db, dataDir: h.dataDir });
    expect(values.filter((v) => files.includes(Buffer.from(v)))).toEqual([]);
    expect(files.includes(Buffer.from(h.customer(1).customer.email))).toBe(true);

    try {
      expect(await db.selectFrom('records').select('entity').where('customer_id', '=', customer.id).where('data', 'is not', null).execute()).toEqual([]);
      expect(await db.selectFrom('caller_secrets').selectAll().where('customer_id', '=', customer.id).execute()).toEqual([]);
      expect(await db.selectFrom('card_vault').selectAll().where('payment_method_id', '=', paymentMethods[0]!.id).execute()).toEqual([]);
      expect(await db.selectFrom('audit_log').select(['action', 'customer_id']).where('action', '=', 'erasure.reapplied').execute()).toEqual([{ action: 'erasure.reapplied', customer_id: customer.id }]);
      // retention counts from the erasure, not from the restore: kept no longer than the law asks
      const until = new Date(ledger[0]!.at);
      until.setUTCFullYear(until.getUTCFullYear() + 7);
      const kept = await db.selectFrom('retained_records').select('retain_until').where('customer_id', '=', customer.id).execute();
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.every((r) => r.retain_until === until.toISOString())).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  sqliteOnly('refuses a ledger with a line that is not an entry, naming the file and the line, before touching the database', async () => {
    const dataDir = join(scratch, 'broken');
    mkdirSync(dataDir);
    const file = join(dataDir, 'erasure-ledger.jsonl');
    writeFileSync(file, `${JSON.stringify({ requestId: randomUUID(), customerId: randomUUID(), approvedBy: randomUUID(), at: new Date().toISOString() })}\n{"requestId":"x"}\n`);
    writeFileSync(join(dataDir, 'central.sqlite'), 'the database as it was');
    writeFileSync(join(scratch, 'some-backup.sqlite'), 'a backup');
    await expect(restoreDatabase(dataDir, join(scratch, 'some-backup.sqlite'))).rejects.toThrow(`erasure ledger ${file}, line 2: not a ledger entry`);
    expect(readFileSync(join(dataDir, 'central.sqlite'), 'utf8')).toBe('the database as it was');
  });
});
