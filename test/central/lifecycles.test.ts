import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse, type EntityName, type Mutation } from '../../domain';
import { inTransaction } from '../../central/storage/database';
import { writeRecords } from '../../central/storage/recordStore';
import { Harness, type TestSession } from './harness';

/**
 * Status changes are steps of the entity's lifecycle (domain/lifecycles.ts), enforced by the central
 * store: a step the table does not hold, a step only the store takes (an erasure request becoming
 * `completed`), a step for another role, or a decision by the filer, is refused naming the field
 * and the rule; the record stays as it was.
 */
describe('lifecycle steps on push', () => {
  let h: Harness;
  let rep: TestSession;
  let supervisor: TestSession;
  let compliance: TestSession;
  const next = (s: TestSession) => h.nextSeq(s);

  beforeAll(async () => {
    h = await Harness.start({ customers: 4 });
    rep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
    compliance = await h.session('compliance');
  });
  afterAll(() => h.dispose());

  /** an erasure request in `status`, filed by `filedBy`, put there the way the store writes records */
  async function erasureRequest(status: string, filedBy: string): Promise<string> {
    const id = randomUUID();
    const data = { id, customerId: h.customer(0).customer.id, filedBy, filedAt: new Date().toISOString(), reason: 'caller asked to be forgotten', status, decidedBy: null, decidedAt: null };
    await inTransaction(h.store.db, (tx) => writeRecords(tx, [{ op: 'create', entity: 'erasureRequest', id, customerId: data.customerId, data, fields: Object.keys(data) }], { at: new Date(), by: filedBy }));
    return id;
  }

  async function setStatus(session: TestSession, entity: EntityName, id: string, from: string, to: string) {
    const m: Mutation = h.mutation(session, next(session), { entity, id }, { status: from }, { status: to });
    const res = await h.push(session, [m]);
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json).results[0]!;
  }

  it.each([
    ['a supervisor', () => supervisor, 'approved'],
    ['a compliance officer', () => compliance, 'approved'],
    ['a supervisor', () => supervisor, 'pending'],
    ['a compliance officer', () => compliance, 'pending'],
  ])('refuses %s setting an erasure request to completed (from %s): only the central store completes one', async (_who, session, from) => {
    const id = await erasureRequest(from as string, rep.user.id);
    const before = await h.record('erasureRequest', id);
    const result = await setStatus((session as () => TestSession)(), 'erasureRequest', id, from as string, 'completed');
    expect(result).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden', issues: [{ field: 'status', rule: 'transition.not_allowed' }] } });
    expect(await h.record('erasureRequest', id)).toEqual(before);
  });

  it('lets a supervisor approve, and a compliance officer refuse, a request someone else filed', async () => {
    const approved = await erasureRequest('pending', rep.user.id);
    expect((await setStatus(supervisor, 'erasureRequest', approved, 'pending', 'approved')).status).toBe('applied');
    // an approval erases the customer at once, and the store completes the request (test/central/erasure.test.ts)
    expect((await h.record('erasureRequest', approved)).data.status).toBe('completed');
    const refused = await erasureRequest('pending', rep.user.id);
    expect((await setStatus(compliance, 'erasureRequest', refused, 'pending', 'rejected')).status).toBe('applied');
  });

  it('records who decided and when itself, and never takes them from the desk', async () => {
    const id = await erasureRequest('pending', rep.user.id);
    h.clock.advance(60_000);
    expect((await setStatus(supervisor, 'erasureRequest', id, 'pending', 'approved')).status).toBe('applied');
    const decided = (await h.record('erasureRequest', id)).data;
    expect(decided.decidedBy).toBe(supervisor.user.id);
    // the store's own clock, not the desk's word
    expect(decided.decidedAt).toBe(h.clock().toISOString());

    // a desk naming someone else as the decider (here, with the decision itself) is refused whole
    const other = await erasureRequest('pending', rep.user.id);
    const forged = h.mutation(compliance, next(compliance), { entity: 'erasureRequest', id: other }, { status: 'pending', decidedBy: null }, { status: 'rejected', decidedBy: rep.user.id });
    const result = PushResponse.parse((await h.push(compliance, [forged])).json).results[0]!;
    expect(result).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden', issues: [{ field: 'decidedBy', rule: 'policy.write' }] } });
    expect((await h.record('erasureRequest', other)).data).toMatchObject({ status: 'pending', decidedBy: null });
  });

  it('refuses a decision by the person who filed the request', async () => {
    const id = await erasureRequest('pending', supervisor.user.id);
    const result = await setStatus(supervisor, 'erasureRequest', id, 'pending', 'approved');
    expect(result).toMatchObject({ status: 'rejected', rejection: { code: 'forbidden', issues: [{ field: 'status', rule: 'transition.same_person' }] } });
    expect((await h.record('erasureRequest', id)).data.status).toBe('pending');
  });

  it('refuses a step missing from the table, and a step that is another role’s', async () => {
    const { billingAccount } = h.customer(1);
    const clerk = await h.session('billing_clerk');
    // closed is the end of a billing account's lifecycle
    const closed = await setStatus(clerk, 'billingAccount', billingAccount.id, billingAccount.status, 'closed');
    expect(closed.status).toBe('applied');
    const reopened = await setStatus(clerk, 'billingAccount', billingAccount.id, 'closed', 'current');
    expect(reopened).toMatchObject({ status: 'rejected', rejection: { issues: [{ field: 'status', rule: 'transition.not_allowed', message: expect.stringContaining('closed to current') }] } });
    // approving is for supervisors and compliance officers, not for the care rep who files
    const id = await erasureRequest('pending', supervisor.user.id);
    const byRep = await setStatus(rep, 'erasureRequest', id, 'pending', 'approved');
    expect(byRep.status).toBe('rejected');
    expect(byRep.rejection?.issues.map((i) => i.field)).toEqual(['status']);
  });
});
