import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../domain';
import { Harness, type TestSession } from './harness';

describe('audit log', () => {
  let h: Harness;
  let rep: TestSession;
  const newEmail = 'audited.change@example.com';

  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
    await h.signIn(rep.device, rep.user.username, 'a wrong password here');
    const { customer, secrets } = h.customer(0);
    const { verificationId } = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json;
    await h.push(rep, [h.mutation(rep, 1, { entity: 'customer', id: customer.id }, { email: customer.email }, { email: newEmail }, { verificationId })]);
    await h.pull(rep);
  });
  afterAll(() => h.dispose());

  const rowsOf = (action: string) => h.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('user_id', '=', rep.user.id).execute();

  it('records sign-in, failed sign-in, verification, update and pull', async () => {
    for (const action of ['session.sign_in', 'session.sign_in_failed', 'caller.verification', 'record.update', 'sync.pull']) {
      expect(await rowsOf(action), action).toHaveLength(1);
    }
    const [update] = await rowsOf('record.update');
    expect(update).toMatchObject({ entity: 'customer', entity_id: h.customer(0).customer.id, customer_id: h.customer(0).customer.id, outcome: 'ok', fields: '["email"]', device_id: rep.device.id });
    expect((await rowsOf('caller.verification'))[0]).toMatchObject({ outcome: 'ok', customer_id: h.customer(0).customer.id });
  });

  it('records a rejected change as denied, with the reason code', async () => {
    const { customer } = h.customer(1);
    await h.push(rep, [h.mutation(rep, 2, { entity: 'customer', id: customer.id }, { accountStatus: customer.accountStatus }, { accountStatus: 'closed' })]);
    const [rejected] = await rowsOf('record.update_rejected');
    expect(rejected).toMatchObject({ outcome: 'denied', fields: '["accountStatus"]', entity_id: customer.id, detail: expect.stringContaining('forbidden') });
  });

  it('names fields, never their values, nor verification answers', async () => {
    const all = JSON.stringify(await h.store.db.selectFrom('audit_log').selectAll().execute());
    expect(all).not.toContain(newEmail);
    expect(all).not.toContain(h.customer(0).secrets.ssnLast4 + '"');
    expect(all).not.toContain('caller asked for a correction');
  });

  it('uses only the actions of the domain', async () => {
    const actions = await h.store.db.selectFrom('audit_log').select('action').distinct().execute();
    for (const { action } of actions) expect(AUDIT_ACTIONS).toContain(action);
  });

  it('records a reported view once, however often it is pushed', async () => {
    const view = { id: randomUUID(), entity: 'customer', entityId: h.customer(1).customer.id, at: h.clock().toISOString() };
    await h.push(rep, [], { views: [view] });
    await h.push(rep, [], { views: [view] });
    const views = await rowsOf('record.view');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ event_id: view.id, customer_id: h.customer(1).customer.id });
  });

  it('keeps a hash chain that verifies', async () => {
    const rows = await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await h.store.admin.verifyAudit()).toEqual({ ok: true, rows: Number(rows.n) });
  });

  it('reports the first row someone changed', async () => {
    const [target] = await rowsOf('caller.verification');
    await h.store.db.updateTable('audit_log').set({ outcome: 'failed' }).where('seq', '=', target!.seq).execute();
    const result = await h.store.admin.verifyAudit();
    expect(result).toMatchObject({ ok: false, firstBadSeq: Number(target!.seq) });
    await h.store.db.updateTable('audit_log').set({ outcome: target!.outcome }).where('seq', '=', target!.seq).execute();
    expect((await h.store.admin.verifyAudit()).ok).toBe(true);
  });

  it('reports a row someone removed', async () => {
    const [target] = await rowsOf('sync.pull');
    await h.store.db.deleteFrom('audit_log').where('seq', '=', target!.seq).execute();
    expect(await h.store.admin.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: Number(target!.seq) + 1 });
  });
});
