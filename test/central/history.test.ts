import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, HistoryResponse, PushResponse } from '../../domain';
import { Harness, type TestSession } from './harness';

/**
 * A record's change history over the API (issue 10: the reason is kept and shown where the history
 * is shown): each change with when, who and why, as the reader's role may see it; an audited read;
 * refused to a role that does not see the entity, and for a malformed entity or id.
 */
describe('the change history of a record', () => {
  let h: Harness;
  let rep: TestSession;
  let clerk: TestSession;
  const history = (s: TestSession, entity: string, id: string) => h.call(s.device.agent, 'GET', API.history(entity, id), { token: s.token });

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    clerk = await h.session('billing_clerk');
  });
  afterAll(() => h.dispose());

  it('shows each change with who, when, the fields and the reason given, and audits the read', async () => {
    const { customer, secrets } = h.customer(0);
    const verificationId = (await h.verify(rep, customer.id, 'account_pin', secrets.accountPin)).json.verificationId;
    const m = h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'new.home@example.org' }, { verificationId, reason: 'Caller moved and uses a new email' });
    expect(PushResponse.parse((await h.push(rep, [m])).json).results[0]!.status).toBe('applied');

    const res = await history(rep, 'customer', customer.id);
    expect(res.status, res.text).toBe(200);
    expect(HistoryResponse.parse(res.json).entries).toEqual([{ at: expect.any(String), by: rep.user.displayName, kind: 'update', fields: ['email'], reason: 'Caller moved and uses a new email' }]);
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'record.history').where('entity_id', '=', customer.id).execute();
    expect(audit).toEqual([expect.objectContaining({ user_id: rep.user.id, outcome: 'ok', customer_id: customer.id })]);
    expect(JSON.stringify(audit)).not.toContain('moved');
  });

  it('leaves out a change to fields the role is hidden from, reason and all', async () => {
    const { billingAccount } = h.customer(1);
    const m = h.mutation(clerk, h.nextSeq(clerk), { entity: 'billingAccount', id: billingAccount.id }, { billingAddress: billingAccount.billingAddress }, { billingAddress: { line1: '8 Elm Street', city: 'Austin', state: 'TX', zip: '78701' } }, { reason: 'Billing goes to the new office now' });
    expect(PushResponse.parse((await h.push(clerk, [m])).json).results[0]!.status).toBe('applied');
    expect(HistoryResponse.parse((await history(clerk, 'billingAccount', billingAccount.id)).json).entries).toEqual([expect.objectContaining({ fields: ['billingAddress'], reason: 'Billing goes to the new office now' })]);
    // a care rep does not see the billing address: neither the change nor its reason
    const seenByRep = await history(rep, 'billingAccount', billingAccount.id);
    expect(seenByRep.status).toBe(200);
    expect(HistoryResponse.parse(seenByRep.json).entries).toEqual([]);
    expect(seenByRep.text).not.toContain('new office');
  });

  it('refuses a role that does not see the entity, with an audit row, and names a malformed entity or id', async () => {
    const { invoices } = h.customer(0);
    const refused = await history(rep, 'invoice', invoices[0]!.id);
    expect(refused.status).toBe(403);
    const denied = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'record.history').where('entity_id', '=', invoices[0]!.id).execute();
    expect(denied).toEqual([expect.objectContaining({ user_id: rep.user.id, outcome: 'denied' })]);
    const badEntity = await history(rep, 'users', invoices[0]!.id);
    expect(badEntity.status).toBe(400);
    expect(badEntity.json).toMatchObject({ error: { issues: [expect.objectContaining({ field: 'entity' })] } });
    const badId = await history(rep, 'customer', 'not-an-id');
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({ error: { issues: [expect.objectContaining({ field: 'id' })] } });
  });
});
