import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PushResponse, type EntityName, type Mutation } from '../../domain';
import { recordHistory } from '../../central/storage/recordStore';
import { Harness, type TestSession } from './harness';

/**
 * Records born on a desk (issue 10): a `create` mutation with a client-made id. The central store
 * sets who filed, when and the initial status itself and refuses them from the desk; an id already
 * taken is refused; a replay is answered, not applied again; only the lifecycle's creating roles
 * may create, and filing an erasure request needs the caller verified.
 */
describe('records born on a desk', () => {
  let h: Harness;
  let rep: TestSession;
  let other: TestSession;
  let verificationId: string;
  const customer = () => h.customer(0).customer;

  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
    other = await h.session('care_rep');
    verificationId = (await h.verify(rep, customer().id, 'account_pin', h.customer(0).secrets.accountPin)).json.verificationId;
  });
  afterAll(() => h.dispose());

  const create = (session: TestSession, entity: EntityName, changes: Record<string, unknown>, extra: Partial<Mutation> = {}): Mutation => ({
    ...h.mutation(session, h.nextSeq(session), { entity, id: extra.entityId ?? randomUUID() }, {}, changes, { verificationId: session === rep ? verificationId : null, reason: 'Caller asked to be forgotten' }),
    op: 'create',
    ...extra,
  });
  const push = async (session: TestSession, mutations: Mutation[]) => {
    const res = await h.push(session, mutations);
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json).results;
  };
  const audits = (entityId: string) => h.store.db.selectFrom('audit_log').select(['action', 'outcome']).where('entity_id', '=', entityId).execute();

  it('files an erasure request on a verified call: the store sets who, when and the status', async () => {
    const m = create(rep, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked to be forgotten' });
    const [result] = await push(rep, [m]);
    expect(result).toMatchObject({ status: 'applied', rejection: null });
    const stored = await h.record('erasureRequest', m.entityId);
    expect(stored.data).toEqual({ id: m.entityId, customerId: customer().id, scope: 'account', reason: 'Caller asked to be forgotten', filedBy: rep.user.id, filedAt: h.clock().toISOString(), status: 'pending', decidedBy: null, decidedAt: null });
    expect(await recordHistory(h.store.db, 'erasureRequest', m.entityId)).toEqual([expect.objectContaining({ kind: 'create', userId: rep.user.id, reason: 'Caller asked to be forgotten' })]);
    expect(await audits(m.entityId)).toEqual([{ action: 'record.create', outcome: 'ok' }]);
  });

  it('refuses fields the store sets itself, naming each, and stores nothing', async () => {
    const m = create(rep, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked', filedBy: other.user.id, status: 'approved', filedAt: '2020-01-01T00:00:00.000Z' });
    const [result] = await push(rep, [m]);
    expect(result!.status).toBe('rejected');
    expect(result!.rejection?.issues.filter((i) => i.rule === 'field.server_owned').map((i) => i.field).sort()).toEqual(['filedAt', 'filedBy', 'status']);
    expect(await h.store.db.selectFrom('records').select('id').where('id', '=', m.entityId).executeTakeFirst()).toBeUndefined();
  });

  it('refuses a create that squats an existing id, and answers a replay without applying it again', async () => {
    const first = create(rep, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked to be forgotten' });
    expect((await push(rep, [first]))[0]!.status).toBe('applied');
    const before = await h.record('erasureRequest', first.entityId);
    // another desk, its caller verified, names the same id for its own record
    const otherVerification = (await h.verify(other, customer().id, 'account_pin', h.customer(0).secrets.accountPin)).json.verificationId;
    const squat = { ...create(other, 'erasureRequest', { customerId: customer().id, reason: 'Someone else' }), entityId: first.entityId, verificationId: otherVerification };
    const [taken] = await push(other, [squat]);
    expect(taken).toMatchObject({ status: 'rejected', rejection: { code: 'conflict', issues: [{ field: '(id)', rule: 'create.id_taken' }] } });
    expect(await h.record('erasureRequest', first.entityId)).toEqual(before);
    // the same mutation again, under a new sequence number: the first answer, nothing applied twice
    const [replayed] = await push(rep, [{ ...first, seq: h.nextSeq(rep) }]);
    expect(replayed!.status).toBe('applied');
    expect(await h.record('erasureRequest', first.entityId)).toEqual(before);
    expect((await audits(first.entityId)).filter((a) => a.action === 'record.create')).toHaveLength(1);
  });

  it('refuses a mutation whose op is not one the protocol knows, naming the field, and applies none of the push', async () => {
    const good = create(rep, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked to be forgotten' });
    const bad = { ...create(rep, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked to be forgotten' }), op: 'delete' };
    const res = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, body: { clientId: rep.clientId, mutations: [good, bad], views: [] } });
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toContainEqual(expect.objectContaining({ field: 'mutations.1.op' }));
    expect(await h.store.db.selectFrom('records').select('id').where('id', 'in', [good.entityId, bad.entityId]).execute()).toEqual([]);
    h.giveBackSeq(rep, 2);
  });

  it('refuses an erasure request without a verified caller, and a create by a role the lifecycle does not name', async () => {
    const unverified = create(rep, 'erasureRequest', { customerId: h.customer(1).customer.id, reason: 'Caller asked to be forgotten' });
    expect((await push(rep, [unverified]))[0]!.rejection?.code).toBe('verification_required');
    const clerk = await h.session('billing_clerk');
    const byClerk = create(clerk, 'erasureRequest', { customerId: customer().id, reason: 'Caller asked to be forgotten' });
    expect((await push(clerk, [byClerk]))[0]!.rejection).toMatchObject({ code: 'forbidden', issues: [{ rule: 'create.not_allowed' }] });
    const aCustomer = create(rep, 'customer', { firstName: 'New' });
    expect((await push(rep, [aCustomer]))[0]!.rejection).toMatchObject({ code: 'forbidden', issues: [{ rule: 'create.not_allowed' }] });
  });

  it('creates a lead with no caller to verify, and another rep’s pull brings it', async () => {
    const m = create(rep, 'lead', {
      firstName: 'Prospect',
      lastName: 'Person',
      email: 'prospect@example.org',
      phone: '+12025550143',
      mailingAddress: { line1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' },
      location: 'Springfield',
      requestedServices: ['Business Unlimited'],
    }, { verificationId: null });
    expect((await push(rep, [m]))[0]!.status).toBe('applied');
    const { lines } = await h.pull(other);
    expect(lines).toContainEqual(expect.objectContaining({ t: 'put', entity: 'lead', id: m.entityId, data: expect.objectContaining({ status: 'new', email: 'prospect@example.org', convertedCustomerId: null }) }));
  });
});
