import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PROTOCOL, PushResponse, nextStates, type Mutation } from '../../domain';
import { Harness, type TestSession } from './harness';

describe('push', () => {
  let h: Harness;
  let rep: TestSession;
  const next = (s: TestSession) => h.nextSeq(s);

  beforeAll(async () => {
    h = await Harness.start({ customers: 11 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  async function verified(session: TestSession, i: number): Promise<string> {
    const res = await h.verify(session, h.customer(i).customer.id, 'ssn_last4', h.customer(i).secrets.ssnLast4);
    expect(res.json.verified).toBe(true);
    return res.json.verificationId;
  }

  async function pushOk(session: TestSession, mutations: Mutation[]): Promise<PushResponse> {
    const res = await h.push(session, mutations);
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json);
  }

  it('applies a verified correction: the record changes with a new sequence number and shows in the next pull', async () => {
    const { customer } = h.customer(0);
    const before = await h.record('customer', customer.id);
    const { lines } = await h.pull(rep);
    const cursor = (lines.at(-1) as { cursor: number }).cursor;

    const m = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { email: customer.email }, { email: 'New.Address@Example.com' }, { verificationId: await verified(rep, 0) });
    const { results, head } = await pushOk(rep, [m]);
    expect(results[0]).toMatchObject({ id: m.id, status: 'applied', applied: ['email'], rejection: null });

    const after = await h.record('customer', customer.id);
    expect(after.data.email).toBe('new.address@example.com');
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(after.seq).toBe(results[0]!.serverSeq);
    expect(after.updated_by).toBe(rep.user.id);
    expect(head).toBe(after.seq);

    const changes = (await h.pull(rep, cursor)).lines.filter((l) => l.t === 'put');
    expect(changes).toEqual([expect.objectContaining({ entity: 'customer', id: customer.id, seq: after.seq, data: expect.objectContaining({ email: 'new.address@example.com' }) })]);
  });

  it('applies the same mutation once when it is pushed twice', async () => {
    const { customer } = h.customer(1);
    const m = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Once' }, { verificationId: await verified(rep, 1) });
    const first = await pushOk(rep, [m]);
    const seqAfterFirst = (await h.record('customer', customer.id)).seq;
    const second = await pushOk(rep, [m]);
    expect(second.results).toEqual(first.results);
    expect((await h.record('customer', customer.id)).seq).toBe(seqAfterFirst);
    const stored = await h.store.db.selectFrom('client_mutations').select('mutation_id').where('mutation_id', '=', m.id).execute();
    expect(stored).toHaveLength(1);
  });

  it('returns a conflict holding base, mine and theirs when two clients change one field from the same base', async () => {
    const { customer } = h.customer(2);
    const other = await h.session('care_rep');
    const base = { firstName: customer.firstName };
    const mine = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, base, { firstName: 'Alice' }, { verificationId: await verified(rep, 2) });
    const theirs = h.mutation(other, next(other), { entity: 'customer', id: customer.id }, base, { firstName: 'Alicia' }, { verificationId: await verified(other, 2) });
    expect((await pushOk(rep, [mine])).results[0]!.status).toBe('applied');
    const { results } = await pushOk(other, [theirs]);
    expect(results[0]).toMatchObject({
      status: 'conflict',
      applied: [],
      serverSeq: null,
      conflicts: [{ field: 'firstName', base: customer.firstName, mine: 'Alicia', theirs: 'Alice', changedBy: rep.user.displayName, changedAt: expect.any(String) }],
    });
    expect((await h.record('customer', customer.id)).data.firstName).toBe('Alice');
  });

  it('names who set the value a conflict met, when, and the reason they gave: that field’s change, not the record’s last one (protocol 4)', async () => {
    const { customer } = h.customer(8);
    const other = await h.session('care_rep');
    const third = await h.session('supervisor');
    const base = { email: customer.email };
    const first = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, base, { email: 'first@example.org' }, { verificationId: await verified(rep, 8), reason: 'Caller spelled out the new address' });
    expect((await pushOk(rep, [first])).results[0]!.status).toBe('applied');
    const setAt = (await h.store.db.selectFrom('record_history').select('at').where('mutation_id', '=', first.id).executeTakeFirstOrThrow()).at;
    // a later change of another field is not the change the conflict met
    const later = h.mutation(third, next(third), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Later' }, { verificationId: await verified(third, 8), reason: 'Surname after marriage' });
    expect((await pushOk(third, [later])).results[0]!.status).toBe('applied');

    const stale = h.mutation(other, next(other), { entity: 'customer', id: customer.id }, base, { email: 'second@example.org' }, { verificationId: await verified(other, 8) });
    const res = await h.push(other, [stale], { protocol: PROTOCOL.version });
    expect(res.status, res.text).toBe(200);
    expect(PushResponse.parse(res.json).results[0]).toMatchObject({
      status: 'conflict',
      conflicts: [{ field: 'email', base: customer.email, mine: 'second@example.org', theirs: 'first@example.org', changedBy: rep.user.displayName, changedAt: setAt, changeReason: 'Caller spelled out the new address' }],
    });
    // a resend gets the same answer
    expect((await h.push(other, [stale], { protocol: PROTOCOL.version })).json).toEqual(res.json);
  });

  it('gives a desk older than protocol 4 its conflict without the reason its strict schema does not know', async () => {
    const { customer } = h.customer(9);
    const other = await h.session('care_rep');
    const base = { firstName: customer.firstName };
    const first = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, base, { firstName: 'Ann' }, { verificationId: await verified(rep, 9), reason: 'Goes by Ann' });
    expect((await pushOk(rep, [first])).results[0]!.status).toBe('applied');
    const stale = h.mutation(other, next(other), { entity: 'customer', id: customer.id }, base, { firstName: 'Anna' }, { verificationId: await verified(other, 9) });
    for (const protocol of [3, undefined]) {
      const res = await h.push(other, [stale], { protocol });
      expect(res.status, res.text).toBe(200);
      const [conflict] = (res.json as PushResponse).results[0]!.conflicts;
      expect(conflict).toMatchObject({ field: 'firstName', theirs: 'Ann', changedBy: rep.user.displayName });
      expect(conflict).not.toHaveProperty('changeReason');
    }
  });

  it('says when a conflict met a value no one changed since it was loaded: the record’s own time, no one named, no reason', async () => {
    const { customer } = h.customer(10);
    const loaded = (await h.store.db.selectFrom('records').select('updated_at').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow()).updated_at;
    const hostile = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { email: 'never.there@example.org' }, { email: 'mine@example.org' }, { verificationId: await verified(rep, 10) });
    const res = await h.push(rep, [hostile], { protocol: PROTOCOL.version });
    expect(PushResponse.parse(res.json).results[0]!.conflicts).toEqual([{ field: 'email', base: 'never.there@example.org', mine: 'mine@example.org', theirs: customer.email, changedBy: null, changedAt: loaded, changeReason: null }]);
  });

  it('applies both edits when two clients change different fields from the same base', async () => {
    const { customer } = h.customer(3);
    const other = await h.session('supervisor');
    const a = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Different' }, { verificationId: await verified(rep, 3) });
    const b = h.mutation(other, next(other), { entity: 'customer', id: customer.id }, { 'consents.sms': customer.consents.sms }, { 'consents.sms': !customer.consents.sms }, { verificationId: await verified(other, 3) });
    expect((await pushOk(rep, [a])).results[0]!.status).toBe('applied');
    expect((await pushOk(other, [b])).results[0]!.status).toBe('applied');
    const stored = (await h.record('customer', customer.id)).data;
    expect(stored.lastName).toBe('Different');
    expect((stored.consents as Record<string, boolean>).sms).toBe(!customer.consents.sms);
  });

  it('does not let a care rep change the account status: rejected as forbidden, nothing written', async () => {
    const { customer } = h.customer(4);
    const before = await h.record('customer', customer.id);
    const m = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { accountStatus: customer.accountStatus }, { accountStatus: 'closed' }, { verificationId: await verified(rep, 4) });
    const { results } = await pushOk(rep, [m]);
    expect(results[0]).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden', issues: [{ field: 'accountStatus', rule: 'policy.write' }] } });
    expect(await h.record('customer', customer.id)).toEqual(before);
  });

  it('does not let a care rep change a billing account status', async () => {
    const { billingAccount } = h.customer(4);
    const before = await h.record('billingAccount', billingAccount.id);
    const m = h.mutation(rep, next(rep), { entity: 'billingAccount', id: billingAccount.id }, { status: billingAccount.status }, { status: 'closed' });
    const { results } = await pushOk(rep, [m]);
    expect(results[0]!.rejection).toMatchObject({ code: 'forbidden', issues: [{ field: 'status', rule: 'policy.write' }] });
    expect(await h.record('billingAccount', billingAccount.id)).toEqual(before);
  });

  it('lets a billing clerk change a billing account status without caller verification', async () => {
    const clerk = await h.session('billing_clerk');
    const { billingAccount } = h.customer(5);
    // a step of the account's lifecycle that a clerk may take from where it is
    const [to] = nextStates('billingAccount', billingAccount.status, 'billing_clerk');
    const m = h.mutation(clerk, next(clerk), { entity: 'billingAccount', id: billingAccount.id }, { status: billingAccount.status }, { status: to });
    expect((await pushOk(clerk, [m])).results[0]!.status).toBe('applied');
    expect((await h.record('billingAccount', billingAccount.id)).data.status).toBe(to);
  });

  it('refuses network operations a pushed plan change: a line’s plan is changed online only (serviceLine.changePlan, test/central/networkOps.test.ts)', async () => {
    const ops = await h.session('network_ops');
    const [line] = h.customer(5).serviceLines;
    const plan = line!.plan === 'Business Line' ? 'Residential Basic' : 'Business Line';
    const m = h.mutation(ops, next(ops), { entity: 'serviceLine', id: line!.id }, { plan: line!.plan }, { plan });
    const [result] = (await pushOk(ops, [m])).results;
    expect(result!.status).toBe('rejected');
    expect(result!.rejection?.issues).toEqual([expect.objectContaining({ field: 'plan', rule: 'operation.online_only' })]);
    expect((await h.record('serviceLine', line!.id)).data.plan).toBe(line!.plan);
  });

  it("refuses a push under another user's client id, applying nothing", async () => {
    const { customer } = h.customer(5);
    const before = await h.record('customer', customer.id);
    const intruder = await h.session('care_rep');
    const m = h.mutation(rep, 99, { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Hijacked' });
    const res = await h.push(intruder, [m], { clientId: rep.clientId });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect(await h.record('customer', customer.id)).toEqual(before);
  });

  it('refuses a push whose mutations name another client', async () => {
    const m = h.mutation(rep, next(rep), { entity: 'customer', id: h.customer(5).customer.id }, {}, { lastName: 'X' }, { clientId: randomUUID() });
    expect((await h.push(rep, [m])).status).toBe(403);
    h.giveBackSeq(rep);
  });

  it('refuses to register a client id already bound to someone else', async () => {
    const intruder = await h.session('care_rep');
    const res = await h.call(intruder.device.agent, 'POST', API.clients, { token: intruder.token, body: { clientId: rep.clientId } });
    expect(res.status).toBe(403);
    const again = await h.call(rep.device.agent, 'POST', API.clients, { token: rep.token, body: { clientId: rep.clientId } });
    expect(again.json).toEqual({ clientId: rep.clientId, lastSeq: h.lastSeq(rep) });
  });

  it('rejects a mutation after a sequence gap, and the ones after it, without recording them', async () => {
    const { customer } = h.customer(5);
    const session = await h.session('care_rep');
    const verificationId = await verified(session, 5);
    const m1 = h.mutation(session, 1, { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'First' }, { verificationId });
    const m2 = h.mutation(session, 2, { entity: 'customer', id: customer.id }, { lastName: 'First' }, { lastName: 'Second' }, { verificationId });
    const m3 = h.mutation(session, 3, { entity: 'customer', id: customer.id }, { lastName: 'Second' }, { lastName: 'Third' }, { verificationId });
    const gap = await pushOk(session, [m2, m3]);
    expect(gap.results.map((r) => r.rejection?.code)).toEqual(['sequence_gap', 'sequence_gap']);
    expect((await h.record('customer', customer.id)).data.lastName).toBe(customer.lastName);

    const resent = await pushOk(session, [m3, m1, m2]);
    expect(resent.results.map((r) => [r.seq, r.status])).toEqual([[1, 'applied'], [2, 'applied'], [3, 'applied']]);
    expect((await h.record('customer', customer.id)).data.lastName).toBe('Third');
  });

  it('applies a mutation once when it is resent under a new sequence number: its first outcome again, nothing written', async () => {
    const { customer } = h.customer(6);
    const other = await h.session('care_rep');
    const m = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Replayed' }, { verificationId: await verified(rep, 6) });
    const first = await pushOk(rep, [m]);
    expect(first.results[0]!.status).toBe('applied');
    // someone puts the old name back; a replay of m would write 'Replayed' over it again
    const undo = h.mutation(other, next(other), { entity: 'customer', id: customer.id }, { lastName: 'Replayed' }, { lastName: customer.lastName }, { verificationId: await verified(other, 6) });
    expect((await pushOk(other, [undo])).results[0]!.status).toBe('applied');
    const before = await h.record('customer', customer.id);

    const resent = { ...m, seq: next(rep) };
    expect((await pushOk(rep, [resent])).results).toEqual(first.results);
    expect((await pushOk(rep, [resent])).results).toEqual(first.results);
    expect(await h.record('customer', customer.id)).toEqual(before);
    expect(await h.store.db.selectFrom('client_mutations').select('seq').where('mutation_id', '=', m.id).execute()).toHaveLength(1);

    // the resend used up its sequence number: the client's next mutation is no gap
    const later = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { firstName: customer.firstName }, { firstName: 'Later' }, { verificationId: await verified(rep, 6) });
    expect((await pushOk(rep, [later])).results[0]!.status).toBe('applied');
  });

  it('refuses a mutation id reused with different content, applying nothing', async () => {
    const { customer } = h.customer(7);
    const verificationId = await verified(rep, 7);
    const m = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { lastName: customer.lastName }, { lastName: 'Original' }, { verificationId });
    expect((await pushOk(rep, [m])).results[0]!.status).toBe('applied');
    const before = await h.record('customer', customer.id);

    const altered = { ...m, seq: next(rep), base: { lastName: 'Original' }, changes: { lastName: 'Altered' } };
    const { results } = await pushOk(rep, [altered]);
    expect(results).toEqual([expect.objectContaining({ id: m.id, seq: altered.seq, status: 'rejected', applied: [], serverSeq: null, rejection: expect.objectContaining({ code: 'mutation_id_reused' }) })]);
    expect(await h.record('customer', customer.id)).toEqual(before);

    // nor may another client borrow the id, or learn the first outcome through it
    const other = await h.session('care_rep');
    const borrowed = { ...m, clientId: other.clientId, seq: next(other) };
    const theirs = await pushOk(other, [borrowed]);
    expect(theirs.results[0]!.rejection?.code).toBe('mutation_id_reused');
    expect(await h.record('customer', customer.id)).toEqual(before);

    const later = h.mutation(rep, next(rep), { entity: 'customer', id: customer.id }, { firstName: customer.firstName }, { firstName: 'Later' }, { verificationId });
    expect((await pushOk(rep, [later])).results[0]!.status).toBe('applied');
  });

  it('rejects a change to a record that does not exist', async () => {
    const m = h.mutation(rep, next(rep), { entity: 'lead', id: randomUUID() }, {}, { status: 'contacted' });
    const { results } = await pushOk(rep, [m]);
    expect(results[0]!.rejection?.code).toBe('not_found');
  });
});
