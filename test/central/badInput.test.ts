import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, LIMITS } from '../../domain';
import { Harness, type TestSession } from './harness';

/** DESIGN §8: a clear error naming the field and the rule, and nothing applied of a refused message. */
describe('bad input', () => {
  let h: Harness;
  let rep: TestSession;
  let verificationId: string;
  let seq = 0;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
    const { customer, secrets } = h.customer(0);
    verificationId = (await h.verify(rep, customer.id, 'ssn_last4', secrets.ssnLast4)).json.verificationId;
  });
  afterAll(() => h.dispose());

  const edit = (changes: Record<string, unknown>) => {
    const { customer } = h.customer(0);
    return h.mutation(rep, ++seq, { entity: 'customer', id: customer.id }, { email: customer.email, phones: customer.phones, serviceAddress: customer.serviceAddress }, changes, { verificationId });
  };

  it.each([
    ['an invalid phone number', { phones: [{ kind: 'mobile', number: '555-01' }] }, 'phones.0.number', 'phone.e164'],
    ['an invalid email address', { email: 'not-an-address' }, 'email', 'email.format'],
    ['an invalid ZIP', { serviceAddress: { line1: '1 Main St', city: 'Springfield', state: 'IL', zip: '1234' } }, 'serviceAddress.zip', 'zip.format'],
  ])('rejects %s, naming the field and the rule', async (_what, changes, field, rule) => {
    const { customer } = h.customer(0);
    const before = await h.record('customer', customer.id);
    const res = await h.push(rep, [edit(changes)]);
    expect(res.status).toBe(200);
    expect(res.json.results[0]).toMatchObject({ status: 'rejected', rejection: { code: 'validation', issues: [expect.objectContaining({ field, rule })] } });
    expect(await h.record('customer', customer.id)).toEqual(before);
  });

  it('refuses a malformed push whole: 400, and not even its valid mutations are applied', async () => {
    const { customer } = h.customer(0);
    const before = await h.record('customer', customer.id);
    const good = edit({ email: 'fine@example.com' });
    const { reason: _dropped, ...bad } = edit({ email: 'also.fine@example.com' });
    const res = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, body: { clientId: rep.clientId, mutations: [good, bad], views: [] } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'mutations.1.reason', rule: 'required' })] });
    expect(await h.record('customer', customer.id)).toEqual(before);
    seq -= 2; // the refused push used none of the client's sequence numbers
  });

  it('refuses a body that is not JSON', async () => {
    const res = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, rawBody: '{"clientId": ' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation');
  });

  it('refuses a body holding a __proto__ key whole, naming the rule, and applies none of it', async () => {
    const { customer } = h.customer(0);
    const before = await h.record('customer', customer.id);
    const body = JSON.stringify({ clientId: rep.clientId, mutations: [edit({ email: 'proto@example.com' })], views: [] });
    const res = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, rawBody: body.replace('"changes":{', '"changes":{"__proto__":{"isAdmin":true},') });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: '(body)', rule: 'json.prototype_key' })] });
    expect(await h.record('customer', customer.id)).toEqual(before);
    seq -= 1;
  });

  it('refuses a body over 1 MiB before parsing it', async () => {
    const res = await h.call(rep.device.agent, 'POST', API.push, { token: rep.token, rawBody: JSON.stringify({ pad: 'x'.repeat(LIMITS.maxBodyBytes) }) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('too_large');
  });

  it('refuses a verification answer that is not 4 to 8 digits, naming the field and the rule', async () => {
    const res = await h.verify(rep, h.customer(1).customer.id, 'ssn_last4', '12ab');
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'answer', rule: 'verification.answer' })]);
  });

  it('refuses a pull without a cursor', async () => {
    const res = await h.call(rep.device.agent, 'GET', API.pull, { token: rep.token });
    expect(res.status).toBe(400);
    expect(res.json.error.issues[0].field).toBe('cursor');
  });

  /** `depth` levels of arrays in arrays around a string: 2 bytes a level */
  const nested = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('refuses a push whose base is nested 3,000 deep: 400 naming json.depth, nothing stored, and the store keeps serving', async () => {
    const { customer } = h.customer(0);
    const before = await h.record('customer', customer.id);
    const deep = h.mutation(rep, seq + 1, { entity: 'customer', id: customer.id }, { lastName: nested(3000) }, { lastName: 'Deep' }, { verificationId });
    const res = await h.push(rep, [deep]);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: '(body)', rule: 'json.depth' })] });
    expect(await h.record('customer', customer.id)).toEqual(before);
    expect(await h.store.db.selectFrom('client_mutations').select('seq').where('mutation_id', '=', deep.id).execute()).toEqual([]);

    expect((await h.call(rep.device.agent, 'GET', API.health)).status).toBe(200);
    const after = await h.push(rep, [edit({ email: 'after.deep@example.com' })]);
    expect(after.status).toBe(200);
    expect(after.json.results[0].status).toBe('applied');
  });

  it(`refuses JSON deeper than ${LIMITS.maxJsonDepth} levels on any route, before it reaches the route`, async () => {
    const { username } = rep.user;
    const tooDeep = await h.call(rep.device.agent, 'POST', API.session, { body: { username, password: nested(LIMITS.maxJsonDepth) } });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.error.issues).toEqual([expect.objectContaining({ field: '(body)', rule: 'json.depth' })]);
    // one level less passes the depth rule and meets the route's own schema
    const deepEnough = await h.call(rep.device.agent, 'POST', API.session, { body: { username, password: nested(LIMITS.maxJsonDepth - 1) } });
    expect(deepEnough.status).toBe(400);
    expect(deepEnough.json.error.issues).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('answers an unknown route with not_found in the same error shape', async () => {
    const res = await h.call(rep.device.agent, 'GET', '/v1/nothing-here', { token: rep.token });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
