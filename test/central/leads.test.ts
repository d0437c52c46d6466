import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, Customer, LeadConversionResult, Order, PushResponse, type Mutation } from '../../domain';
import { Harness, type TestSession } from './harness';

/**
 * Converting a lead (issue 12) through the central store's operations route (`lead.convert`,
 * declared in domain/operations.ts): duplicates answered first, then one customer with a billing
 * account and an order carrying no payment data, the lead converted and linked so that the
 * customer's erasure reaches it; refused for roles, leads and bodies the declaration does not allow.
 */
describe('converting a lead', () => {
  let h: Harness;
  let rep: TestSession;
  let supervisor: TestSession;
  let clerk: TestSession;
  const LEAD = {
    firstName: 'Priya',
    lastName: 'Natarajan',
    email: 'priya.n@example.org',
    phone: '+14155550142',
    mailingAddress: { line1: '77 Geary Street', city: 'San Francisco', state: 'CA', zip: '94108' },
    location: 'San Francisco, CA',
    requestedServices: ['business VoIP'],
  };
  const SERVICE = { line1: '100 Market Street', city: 'San Francisco', state: 'CA', zip: '94105' };
  const push = async (s: TestSession, m: Mutation) => PushResponse.parse((await h.push(s, [m])).json).results[0]!;
  const convert = (s: TestSession, body: unknown) => h.call(s.device.agent, 'POST', API.operation('lead.convert'), { token: s.token, body });
  /** a lead created on a desk and called back: ready to convert */
  async function contactedLead(values: Partial<typeof LEAD> = {}): Promise<string> {
    const id = randomUUID();
    expect((await push(rep, { ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id }, {}, { ...LEAD, ...values }, { reason: 'prequalification call' }), op: 'create' })).status).toBe('applied');
    expect((await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id }, { status: 'new' }, { status: 'contacted' }, { reason: 'called back' }))).status).toBe('applied');
    return id;
  }

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    rep = await h.session('care_rep');
    supervisor = await h.session('supervisor');
    clerk = await h.session('billing_clerk');
  });
  afterAll(() => h.dispose());

  it('answers possible duplicates first, then creates one customer, a billing account and an order with no payment data', async () => {
    const existing = h.customer(0).customer;
    const leadId = await contactedLead({ email: existing.email.toUpperCase() });
    const body = { leadId, serviceAddress: SERVICE, plans: [{ plan: 'Business Line', quantity: 2 }] };

    const first = await convert(rep, body);
    expect(first.status, first.text).toBe(200);
    expect(LeadConversionResult.parse(first.json)).toEqual({ status: 'duplicates', candidates: [{ customerId: existing.id, name: `${existing.firstName} ${existing.lastName}`, accountNumber: existing.accountNumber, matchedOn: ['email'] }] });
    expect((await h.record('lead', leadId)).data.status).toBe('contacted');

    const res = await convert(rep, { ...body, distinctFrom: [existing.id] });
    const result = LeadConversionResult.parse(res.json);
    if (result.status !== 'converted') throw new Error(res.text);
    expect(result.created).toBe(true);
    const customer = Customer.parse((await h.record('customer', result.customerId)).data);
    expect(customer).toMatchObject({ accountNumber: result.accountNumber, accountStatus: 'pending', firstName: 'Priya', phones: [{ kind: 'mobile', number: LEAD.phone }], serviceAddress: SERVICE, mailingAddress: LEAD.mailingAddress });
    expect(Object.values(customer.consents).every((c) => c === false)).toBe(true);
    const order = Order.parse((await h.record('order', result.orderId)).data);
    expect(order).toMatchObject({ customerId: result.customerId, status: 'placed', items: [{ sku: 'BIZ-LINE', description: 'Business Line', quantity: 2, priceCents: 3499 }] });
    const accounts = await h.store.db.selectFrom('records').select('data').where('entity', '=', 'billingAccount').where('customer_id', '=', result.customerId).execute();
    expect(accounts.map((a) => JSON.parse(a.data!))).toEqual([expect.objectContaining({ balanceCents: 0, status: 'current', billingAddress: LEAD.mailingAddress })]);
    expect(await h.store.db.selectFrom('records').select('id').where('entity', '=', 'paymentMethod').where('customer_id', '=', result.customerId).execute()).toEqual([]);
    // the lead is converted and belongs to the customer now: their erasure reaches it
    expect((await h.record('lead', leadId)).data).toMatchObject({ status: 'converted', convertedCustomerId: result.customerId });
    expect((await h.store.db.selectFrom('records').select('customer_id').where('id', '=', leadId).executeTakeFirstOrThrow()).customer_id).toBe(result.customerId);
    const audit = await h.store.db.selectFrom('audit_log').select(['outcome', 'detail', 'customer_id']).where('action', '=', 'lead.converted').where('entity_id', '=', leadId).execute();
    expect(audit.map((a) => a.outcome)).toEqual(['conflict', 'ok']);
    expect(JSON.stringify(audit)).not.toContain(LEAD.phone);
    // the rep's desk receives the new customer at its next pull
    const pulled = await h.pull(rep, 0);
    expect(pulled.lines.some((l) => l.t === 'put' && l.entity === 'customer' && l.id === result.customerId)).toBe(true);

    // converted once: a second conversion is refused by the lifecycle
    const again = await convert(rep, body);
    expect([again.status, again.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'leadId', rule: 'transition.not_allowed' })]]);
  });

  it('converts into an existing customer the rep names: an order for them, no new customer', async () => {
    const existing = h.customer(1).customer;
    const leadId = await contactedLead({ phone: existing.phones[0]!.number, email: 'priya.other@example.org', lastName: 'Raman' });
    const customersBefore = (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'customer').execute()).length;
    const duplicates = LeadConversionResult.parse((await convert(supervisor, { leadId, serviceAddress: SERVICE, plans: [{ plan: 'Residential Basic', quantity: 1 }] })).json);
    expect(duplicates).toMatchObject({ status: 'duplicates', candidates: [expect.objectContaining({ customerId: existing.id, matchedOn: ['phone'] })] });
    const result = LeadConversionResult.parse((await convert(supervisor, { leadId, serviceAddress: SERVICE, plans: [{ plan: 'Residential Basic', quantity: 1 }], sameAs: existing.id })).json);
    expect(result).toMatchObject({ status: 'converted', customerId: existing.id, accountNumber: existing.accountNumber, created: false });
    expect((await h.store.db.selectFrom('records').select('id').where('entity', '=', 'customer').execute()).length).toBe(customersBefore);
  });

  it('refuses what the declaration does not allow: another role, a lead not yet contacted, payment data, an unknown operation', async () => {
    const leadId = await contactedLead({ email: 'someone.else@example.org', phone: '+14155550199', lastName: 'Okafor' });
    const body = { leadId, serviceAddress: SERVICE, plans: [{ plan: 'Business Line', quantity: 1 }] };
    const denied = await convert(clerk, body);
    expect([denied.status, denied.json.error.code]).toEqual([403, 'forbidden']);
    const deniedAudit = await h.store.db.selectFrom('audit_log').select(['outcome', 'user_id']).where('action', '=', 'lead.converted').where('outcome', '=', 'denied').execute();
    expect(deniedAudit).toEqual([{ outcome: 'denied', user_id: clerk.user.id }]);

    // a card number has no place in the body: refused naming the field, nothing stored
    const withCard = await convert(rep, { ...body, card: { number: '4111111111111111' } });
    expect([withCard.status, withCard.json.error.issues]).toEqual([400, [expect.objectContaining({ rule: 'unknown_field', message: expect.stringContaining('"card"') })]]);
    const badPlan = await convert(rep, { ...body, plans: [{ plan: 'Free Forever', quantity: 1 }] });
    expect([badPlan.status, badPlan.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'plans.0.plan' })]]);
    const tooMany = await convert(rep, { ...body, plans: [{ plan: 'Business Line', quantity: 1_000 }] });
    expect(tooMany.json.error.issues).toEqual([expect.objectContaining({ field: 'plans.0.quantity' })]);
    expect((await h.record('lead', leadId)).data.status).toBe('contacted');

    const fresh = randomUUID();
    expect((await push(rep, { ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: fresh }, {}, { ...LEAD, email: 'new.one@example.org', phone: '+14155550111', lastName: 'Lee' }, { reason: 'prequalification call' }), op: 'create' })).status).toBe('applied');
    const notYet = await convert(rep, { ...body, leadId: fresh });
    expect([notYet.status, notYet.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'leadId', rule: 'transition.not_allowed' })]]);
    const missing = await convert(rep, { ...body, leadId: randomUUID() });
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
    const unknown = await h.call(rep.device.agent, 'POST', API.operation('lead.delete'), { token: rep.token, body });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'not_found']);
    // a desk cannot take the central store's step itself
    expect(await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: leadId }, { status: 'contacted' }, { status: 'converted' }))).toMatchObject({ status: 'rejected', rejection: { issues: [expect.objectContaining({ rule: 'transition.not_allowed' })] } });
  });
});
