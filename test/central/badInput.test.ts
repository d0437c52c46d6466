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

  it('answers an unknown route with not_found in the same error shape', async () => {
    const res = await h.call(rep.device.agent, 'GET', '/v1/nothing-here', { token: rep.token });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
