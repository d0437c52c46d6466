import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, E911UpdateResult, PushResponse, ServiceLine, type Mutation, type PostalAddress, type Role } from '../../domain';
import type { DemoCustomer } from '../../domain/demo/generator';
import { Harness, type TestSession } from './harness';

/**
 * E911 follows the service address (issue 13), at the central store over HTTP: a line's E911 address
 * is changed online only (`serviceLine.setE911Address` through the operations route), by network
 * operations to any valid address and by a rep only to the service address of a caller they verified;
 * a pushed mutation that still writes it is refused by rule; and the store itself flags every line left
 * behind when a service address changes, whatever the desk did.
 */
describe('E911 follows the service address', () => {
  let h: Harness;
  let rep: TestSession;
  let ops: TestSession;
  const NEW: PostalAddress = { line1: '400 Pine Avenue', line2: 'Apt 3', city: 'Sparks', state: 'NV', zip: '89431' };
  const ELSEWHERE: PostalAddress = { line1: '1 Data Center Way', city: 'Reno', state: 'NV', zip: '89502' };
  let used = 0;

  beforeAll(async () => {
    h = await Harness.start({ customers: 30 });
    rep = await h.session('care_rep');
    ops = await h.session('network_ops');
  });
  afterAll(() => h.dispose());

  /** a seeded customer no other test touches, with at least `lines` lines */
  function freshCustomer(lines = 1): DemoCustomer {
    for (;;) {
      const c = h.customer(used++);
      if (c.serviceLines.length >= lines) return c;
    }
  }
  const setE911 = (s: TestSession, body: unknown) => h.call(s.device.agent, 'POST', API.operation('serviceLine.setE911Address'), { token: s.token, body });
  const request = (c: DemoCustomer, address: PostalAddress, line = c.serviceLines[0]!) => ({ lineId: line.id, expected: line.e911Address, address, reason: 'Caller moved' });
  async function verified(s: TestSession, c: DemoCustomer): Promise<string> {
    const res = await h.verify(s, c.customer.id, 'ssn_last4', c.secrets.ssnLast4);
    expect(res.json.verified, res.text).toBe(true);
    return res.json.verificationId;
  }
  async function pushOne(s: TestSession, m: Mutation) {
    const res = await h.push(s, [m]);
    expect(res.status, res.text).toBe(200);
    return PushResponse.parse(res.json).results[0]!;
  }
  /** the rep corrects the service address on a verified call, as the desk's outbox sends it */
  async function correctServiceAddress(s: TestSession, c: DemoCustomer, to: PostalAddress, from: unknown = c.customer.serviceAddress) {
    const verificationId = await verified(s, c);
    const result = await pushOne(s, h.mutation(s, h.nextSeq(s), { entity: 'customer', id: c.customer.id }, { serviceAddress: from }, { serviceAddress: to }, { verificationId }));
    expect(result.status, JSON.stringify(result)).toBe('applied');
  }
  const line = async (id: string) => ServiceLine.parse((await h.record('serviceLine', id)).data);
  const auditOf = (entityId: string) =>
    h.store.db.selectFrom('audit_log').select(['action', 'outcome', 'fields', 'detail', 'user_id', 'customer_id']).where('entity_id', '=', entityId).where('action', 'like', 'e911.%').orderBy('seq').execute();

  it('refuses a rep who has not verified the line’s caller, or verified another customer’s, and audits it', async () => {
    const c = freshCustomer();
    await correctServiceAddress(rep, c, NEW);
    const other = await h.session('care_rep');
    await verified(other, freshCustomer());
    for (const s of [other, await h.session('supervisor')]) {
      const res = await setE911(s, request(c, NEW));
      expect(res.status, res.text).toBe(403);
      expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'lineId', rule: 'verification.required' })]);
    }
    expect((await line(c.serviceLines[0]!.id)).e911Address).toEqual(c.customer.serviceAddress);
    const denied = (await auditOf(c.serviceLines[0]!.id)).filter((a) => a.action === 'e911.updated');
    expect(denied.map((a) => [a.outcome, a.detail])).toEqual([
      ['denied', 'caller not verified'],
      ['denied', 'caller not verified'],
    ]);
  });

  it('judges the verification by the store’s clock: one older than its window no longer covers the update', async () => {
    const c = freshCustomer();
    const s = await h.session('care_rep');
    await correctServiceAddress(s, c, NEW);
    h.clock.advance(31 * 60_000);
    const res = await setE911(s, request(c, NEW));
    expect([res.status, res.json.error.issues[0].rule]).toEqual([403, 'verification.required']);
  });

  it('refuses a verified rep an address other than the customer’s service address at the store, naming the rule', async () => {
    const c = freshCustomer();
    const s = await h.session('care_rep');
    await verified(s, c);
    // the correction has not reached the store: its service address is still the old one
    const res = await setE911(s, request(c, NEW));
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'address', rule: 'e911.service_address' })]);
    const elsewhere = await setE911(s, request(c, ELSEWHERE));
    expect(elsewhere.json.error.issues).toEqual([expect.objectContaining({ field: 'address', rule: 'e911.service_address' })]);
    expect((await line(c.serviceLines[0]!.id)).e911Address).toEqual(c.customer.serviceAddress);
  });

  it('flags every line left behind when a service address changes, and a verified rep’s update to the new address clears it', async () => {
    const c = freshCustomer(2);
    const flaggedAt = h.clock().toISOString();
    await correctServiceAddress(rep, c, NEW);
    for (const l of c.serviceLines) {
      expect((await line(l.id)).e911Review).toEqual({ since: flaggedAt, reason: 'service_address_changed', serviceAddress: NEW });
      expect(await auditOf(l.id)).toEqual([
        { action: 'e911.review_flagged', outcome: 'ok', fields: JSON.stringify(['e911Review']), detail: expect.stringMatching(/^service address changed by mutation /), user_id: rep.user.id, customer_id: c.customer.id },
      ]);
    }
    // the desks receive the flag at their next pull
    const pulled = (await h.pull(rep)).lines.filter((l) => l.t === 'put' && l.entity === 'serviceLine' && l.id === c.serviceLines[0]!.id);
    expect(pulled).toEqual([expect.objectContaining({ data: expect.objectContaining({ e911Review: expect.objectContaining({ reason: 'service_address_changed' }) }) })]);

    const [first, second] = c.serviceLines;
    const res = await setE911(rep, { ...request(c, { ...NEW, city: 'SPARKS' }, first) });
    expect(res.status, res.text).toBe(200);
    expect(E911UpdateResult.parse(res.json)).toEqual({ status: 'updated', lineId: first!.id, e911Address: { ...NEW, city: 'SPARKS' }, reviewCleared: true });
    const updated = await line(first!.id);
    expect(updated.e911Address).toEqual({ ...NEW, city: 'SPARKS' });
    expect(updated.e911Review).toBeNull();
    // the other line stays flagged until someone updates it
    expect((await line(second!.id)).e911Review).toMatchObject({ serviceAddress: NEW });

    const rows = await auditOf(first!.id);
    expect(rows.map((a) => [a.action, a.outcome, a.fields])).toEqual([
      ['e911.review_flagged', 'ok', JSON.stringify(['e911Review'])],
      ['e911.updated', 'ok', JSON.stringify(['e911Address', 'e911Review'])],
    ]);
    // field names, never the address (ids left out: a random UUID once held "89431")
    const withoutIds = JSON.stringify(rows).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
    expect(withoutIds).not.toMatch(/Pine|Sparks|89431/i);
    const history = await h.store.db.selectFrom('record_history').select(['user_id', 'reason', 'fields']).where('entity', '=', 'serviceLine').where('id', '=', first!.id).orderBy('seq').execute();
    expect(history).toEqual([
      { user_id: null, reason: 'The service address changed: E911 address flagged for network operations', fields: JSON.stringify(['e911Review']) },
      { user_id: rep.user.id, reason: 'Caller moved', fields: JSON.stringify(['e911Address', 'e911Review']) },
    ]);

    // a retry of the same update changes nothing; an update from a stale view of the line is a conflict
    const again = await setE911(rep, request(c, NEW, first));
    expect(E911UpdateResult.parse(again.json)).toMatchObject({ status: 'unchanged', reviewCleared: false });
    const stale = await setE911(ops, { lineId: first!.id, expected: ELSEWHERE, address: ELSEWHERE, reason: 'Site survey' });
    expect(stale.status, stale.text).toBe(409);
    expect(stale.json.error).toMatchObject({ code: 'conflict', issues: [expect.objectContaining({ field: 'expected', rule: 'e911.changed' })] });
  });

  it('does not flag a line whose E911 address is the new service address, and clears a flag once they match again', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    // network operations first located the line at the address the caller is about to give
    const located = await setE911(ops, { lineId: l.id, expected: l.e911Address, address: NEW, reason: 'Site survey' });
    expect(located.status, located.text).toBe(200);
    await correctServiceAddress(rep, c, NEW);
    expect((await line(l.id)).e911Review ?? null).toBeNull();
    expect((await auditOf(l.id)).map((a) => a.action)).toEqual(['e911.updated']);

    // moved again: flagged; back to the line's address: cleared, by the store, audited
    await correctServiceAddress(rep, c, ELSEWHERE, NEW);
    expect((await line(l.id)).e911Review).toMatchObject({ serviceAddress: ELSEWHERE });
    await correctServiceAddress(rep, c, NEW, ELSEWHERE);
    expect((await line(l.id)).e911Review).toBeNull();
    expect((await auditOf(l.id)).map((a) => a.action)).toEqual(['e911.updated', 'e911.review_flagged', 'e911.review_cleared']);
  });

  it('lets network operations set any valid address without a caller, and refuses an invalid one naming the field', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const bad = await setE911(ops, { lineId: l.id, expected: l.e911Address, address: { ...ELSEWHERE, zip: '8950' }, reason: 'Site survey' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues).toEqual([expect.objectContaining({ field: 'address.zip', rule: 'zip.format' })]);
    const unknown = await setE911(ops, { lineId: l.id, expected: l.e911Address, address: ELSEWHERE, reason: 'Site survey', e911Review: null });
    // the flag is the store's: a request that tries to set it is refused whole
    expect([unknown.status, unknown.json.error.issues[0].rule]).toEqual([400, 'unknown_field']);
    expect(unknown.json.error.issues[0].message).toContain('e911Review');
    const res = await setE911(ops, { lineId: l.id, expected: l.e911Address, address: ELSEWHERE, reason: 'Site survey' });
    expect(E911UpdateResult.parse(res.json)).toMatchObject({ status: 'updated', e911Address: ELSEWHERE });
    expect((await line(l.id)).e911Address).toEqual(ELSEWHERE);
  });

  it.each<Role>(['billing_clerk', 'compliance', 'admin'])('refuses the %s role, changes nothing, and audits the refusal', async (role) => {
    const c = freshCustomer();
    const s = await h.session(role);
    const res = await setE911(s, request(c, c.customer.serviceAddress));
    expect(res.status, res.text).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect((await line(c.serviceLines[0]!.id)).e911Address).toEqual(c.customer.serviceAddress);
    const rows = await h.store.db.selectFrom('audit_log').select(['outcome', 'role']).where('action', '=', 'e911.updated').where('user_id', '=', s.user.id).execute();
    expect(rows).toEqual([{ outcome: 'denied', role }]);
  });

  it('refuses a pushed mutation that still writes the E911 address or its flag (a modified desk), naming the rule, whoever pushes it', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const verificationId = await verified(rep, c);
    for (const [s, changes] of [
      [ops, { e911Address: ELSEWHERE }],
      [rep, { e911Address: NEW }],
      [ops, { number: l.number, e911Review: null }],
    ] as const) {
      const result = await pushOne(s, h.mutation(s, h.nextSeq(s), { entity: 'serviceLine', id: l.id }, { e911Address: l.e911Address, plan: l.plan }, changes, { verificationId }));
      expect(result.status).toBe('rejected');
      expect(result.rejection).toMatchObject({ code: 'forbidden', issues: [expect.objectContaining({ rule: 'operation.online_only', message: expect.stringContaining('serviceLine.setE911Address') })] });
    }
    expect(await line(l.id)).toMatchObject({ e911Address: l.e911Address, plan: l.plan });
    const rejected = await h.store.db.selectFrom('audit_log').select(['action', 'fields']).where('entity_id', '=', l.id).where('action', '=', 'record.update_rejected').execute();
    expect(rejected).toHaveLength(3);
  });
});
