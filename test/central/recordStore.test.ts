import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse } from '../../domain';
import { recordHistory } from '../../central/storage/recordStore';
import { Harness, type TestSession } from './harness';

/** The record store (central/storage/recordStore.ts): the one writer of `records`, and each record's history with the reason given. */
describe('the record store', () => {
  let h: Harness;
  let rep: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  it('keeps the reason of each change in the record’s history, with who, when and which fields', async () => {
    const { customer, secrets } = h.customer(0);
    const verificationId = (await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verificationId;
    expect(await recordHistory(h.store.db, 'customer', customer.id)).toEqual([]); // seeded, changed by nobody
    const m = h.mutation(rep, 1, { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'moved.house@example.org' }, { verificationId, reason: 'Caller moved house and has a new email' });
    const result = PushResponse.parse((await h.push(rep, [m])).json).results[0]!;
    expect(result.status).toBe('applied');
    expect(await recordHistory(h.store.db, 'customer', customer.id)).toEqual([
      { seq: result.serverSeq, at: expect.any(String), userId: rep.user.id, userName: rep.user.displayName, kind: 'update', fields: ['email'], reason: 'Caller moved house and has a new email', mutationId: m.id },
    ]);
    // the audit log names the field, never the reason's free text
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', customer.id).where('action', '=', 'record.update').execute();
    expect(JSON.stringify(audit)).not.toContain('moved house');
  });

  it('keeps a credit’s reason in the history of the account and of the adjustment', async () => {
    const clerk = await h.session('billing_clerk');
    const { billingAccount } = h.customer(1);
    const res = await h.adjust(clerk, billingAccount.id, { kind: 'credit', amountCents: -1500, reason: 'Outage on the line for two days', requestedBy: 'internal' });
    expect(res.status, res.text).toBe(200);
    const history = await recordHistory(h.store.db, 'billingAccount', billingAccount.id);
    expect(history).toEqual([expect.objectContaining({ kind: 'update', fields: ['balanceCents'], reason: 'Outage on the line for two days', userId: clerk.user.id })]);
    expect(await recordHistory(h.store.db, 'billingAdjustment', res.json.adjustment.id)).toEqual([expect.objectContaining({ kind: 'create', reason: 'Outage on the line for two days' })]);
  });

  it('is the only module of the central store that reads or writes records or their history', () => {
    const writers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.includes(`${join('storage', 'migrations')}`)) {
          if (/(insertInto|updateTable|deleteFrom|selectFrom)\(\s*'(records|record_history)'/.test(readFileSync(path, 'utf8'))) writers.push(path.replace(/\\/g, '/'));
        }
      }
    };
    walk('central');
    expect(writers).toEqual(['central/storage/recordStore.ts']);
  });
});
