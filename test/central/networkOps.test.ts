import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PushResponse, ROLES, ROUTED_OPERATION_NAMES, ServiceLine, ServiceLineChangeResult, performers, type PostalAddress, type Role } from '../../domain';
import type { DemoCustomer } from '../../domain/demo/generator';
import { Harness, type TestSession } from './harness';

/**
 * Network operations' work on service lines (issue 14), at the central store over HTTP: a line's plan
 * (`serviceLine.changePlan`), its status (`serviceLine.setStatus`, a step of its lifecycle) and its E911
 * address (`serviceLine.setE911Address`) are changed online only, against the value the desk showed
 * (`expected`); every role but network operations is refused with a reason; a modified desk gains
 * nothing (forged fields, stale values, another line's id, values out of their set, a pushed mutation);
 * every outcome is an audit row naming fields, never values.
 */
describe('network operations: service lines online', () => {
  let h: Harness;
  let ops: TestSession;
  const sessions = new Map<Role, TestSession>();
  let used = 0;
  const ELSEWHERE: PostalAddress = { line1: '1 Data Center Way', city: 'Reno', state: 'NV', zip: '89502' };

  beforeAll(async () => {
    h = await Harness.start({ customers: 40 });
    for (const role of ROLES) sessions.set(role, await h.session(role));
    ops = sessions.get('network_ops')!;
  });
  afterAll(() => h.dispose());

  /** a seeded customer no other test touches, whose first line is active */
  function freshCustomer(lines = 1): DemoCustomer {
    for (;;) {
      const c = h.customer(used++);
      if (c.serviceLines.length >= lines && c.serviceLines.every((l) => l.status === 'active')) return c;
    }
  }
  const line = async (id: string) => ServiceLine.parse((await h.record('serviceLine', id)).data);
  const otherPlan = (plan: string) => (plan === 'Business Line' ? 'Residential Basic' : 'Business Line');
  const auditOf = (entityId: string | null, action: string) => {
    let q = h.store.db.selectFrom('audit_log').select(['action', 'outcome', 'fields', 'detail', 'user_id', 'role', 'customer_id']).where('action', '=', action);
    q = entityId === null ? q.where('entity_id', 'is', null) : q.where('entity_id', '=', entityId);
    return q.orderBy('seq').execute();
  };
  const historyOf = (id: string) => h.store.db.selectFrom('record_history').select(['user_id', 'reason', 'fields']).where('entity', '=', 'serviceLine').where('id', '=', id).orderBy('seq').execute();

  const BODIES = {
    'serviceLine.changePlan': (c: DemoCustomer) => ({ lineId: c.serviceLines[0]!.id, expected: c.serviceLines[0]!.plan, plan: otherPlan(c.serviceLines[0]!.plan), reason: 'Customer upgraded on the order desk' }),
    'serviceLine.setStatus': (c: DemoCustomer) => ({ lineId: c.serviceLines[0]!.id, expected: 'active', status: 'suspended', reason: 'Fraud hold requested by the carrier' }),
    'serviceLine.setE911Address': (c: DemoCustomer) => ({ lineId: c.serviceLines[0]!.id, expected: c.serviceLines[0]!.e911Address, address: ELSEWHERE, reason: 'Business line at the data centre' }),
  } as const;

  for (const [name, body] of Object.entries(BODIES) as [keyof typeof BODIES, (c: DemoCustomer) => Record<string, unknown>][]) {
    it(`${name}: network operations succeed, every other role is refused with a reason, and each outcome is audited`, async () => {
      // the roles are the declaration's: no one but network operations sets any E911 address or touches a plan or a status
      expect(performers(name)).toContain('network_ops');
      for (const role of ROLES) {
        const c = freshCustomer();
        const id = c.serviceLines[0]!.id;
        const before = await line(id);
        const res = await h.operation(sessions.get(role)!, name, body(c));
        const [audit] = (await auditOf(null, name === 'serviceLine.setE911Address' ? 'e911.updated' : name === 'serviceLine.setStatus' ? 'line.status_changed' : 'line.plan_changed'))
          .concat(await auditOf(id, name === 'serviceLine.setE911Address' ? 'e911.updated' : name === 'serviceLine.setStatus' ? 'line.status_changed' : 'line.plan_changed'))
          .filter((a) => a.user_id === sessions.get(role)!.user.id)
          .slice(-1);
        if (role === 'network_ops') {
          expect(res.status, res.text).toBe(200);
          expect(audit).toMatchObject({ outcome: 'ok', role });
          expect(JSON.parse(audit!.fields as unknown as string).length).toBeGreaterThan(0);
          const after = await line(id);
          expect(after).not.toEqual(before);
          expect((await historyOf(id)).at(-1)).toMatchObject({ user_id: ops.user.id, reason: body(c).reason });
        } else {
          expect(res.status, `${role}: ${res.text}`).toBe(403);
          expect(res.json.error.code).toBe('forbidden');
          // a reason the console can show: who may not, or which verification is missing
          expect(res.json.error.message.length, role).toBeGreaterThan(10);
          expect(audit, role).toMatchObject({ outcome: 'denied', role });
          expect(await line(id), role).toEqual(before);
        }
      }
    });
  }

  it('changes a plan with the reason in the line’s history and an audit row naming the field, never the plan', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const res = await h.operation(ops, 'serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: otherPlan(l.plan), reason: 'Moved to the business plan' });
    expect(res.status, res.text).toBe(200);
    expect(ServiceLineChangeResult.parse(res.json)).toMatchObject({ status: 'updated', line: { id: l.id, plan: otherPlan(l.plan), status: 'active', e911Address: l.e911Address } });
    expect(await auditOf(l.id, 'line.plan_changed')).toEqual([expect.objectContaining({ outcome: 'ok', fields: '["plan"]', customer_id: c.customer.id, user_id: ops.user.id })]);
    const rows = JSON.stringify(await auditOf(l.id, 'line.plan_changed'));
    expect(rows).not.toContain(otherPlan(l.plan));
    expect((await historyOf(l.id)).map((r) => [r.reason, r.fields])).toEqual([['Moved to the business plan', '["plan"]']]);
    // the change reaches every desk's pull, projected like any other
    const pulled = (await h.pull(sessions.get('care_rep')!)).lines.find((p) => p.t === 'put' && p.entity === 'serviceLine' && p.id === l.id);
    expect(pulled).toMatchObject({ data: { plan: otherPlan(l.plan) } });
  });

  it('takes a line only the steps of its lifecycle: activate, suspend, port out; none back from ported out', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const step = (expected: string, status: string) => h.operation(ops, 'serviceLine.setStatus', { lineId: l.id, expected, status, reason: 'Carrier ticket 4411' });
    expect((await step('active', 'suspended')).status).toBe(200);
    expect((await step('suspended', 'active')).status).toBe(200);
    // active → pending is no step of the lifecycle
    const back = await step('active', 'pending');
    expect([back.status, back.json.error.issues]).toEqual([403, [expect.objectContaining({ field: 'status', rule: 'transition.not_allowed' })]]);
    expect((await step('active', 'ported_out')).status).toBe(200);
    for (const to of ['active', 'suspended', 'pending']) {
      const res = await step('ported_out', to);
      expect([res.status, res.json.error.issues[0].rule], to).toEqual([403, 'transition.not_allowed']);
    }
    // a number that left has no plan here any more
    const plan = await h.operation(ops, 'serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: otherPlan(l.plan), reason: 'Upgrade' });
    expect([plan.status, plan.json.error.issues]).toEqual([400, [expect.objectContaining({ field: 'lineId', rule: 'line.ported_out' })]]);
    expect(await line(l.id)).toMatchObject({ status: 'ported_out', plan: l.plan });
    const audit = await auditOf(l.id, 'line.status_changed');
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'ok', 'denied', 'ok', 'denied', 'denied', 'denied']);
    expect(audit.filter((a) => a.outcome === 'denied').map((a) => a.detail)).toEqual(Array(4).fill('transition.not_allowed'));
    expect(await auditOf(l.id, 'line.plan_changed')).toEqual([expect.objectContaining({ outcome: 'denied', detail: 'line.ported_out' })]);
  });

  it('refuses a stale expected value as a conflict and changes nothing; a retry of what is already there changes nothing twice', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const first = { lineId: l.id, expected: l.plan, plan: otherPlan(l.plan), reason: 'Upgrade' };
    expect((await h.operation(ops, 'serviceLine.changePlan', first)).status).toBe(200);
    // the same request again (a replay): the store already holds that plan
    const replay = await h.operation(ops, 'serviceLine.changePlan', first);
    expect([replay.status, replay.json.status]).toEqual([200, 'unchanged']);
    // a desk that still shows the old plan asks for a third: a conflict, nothing changed
    const third = 'International Plus';
    const stale = await h.operation(ops, 'serviceLine.changePlan', { ...first, plan: third });
    expect(stale.status, stale.text).toBe(409);
    expect(stale.json.error.issues).toEqual([expect.objectContaining({ field: 'expected', rule: 'line.plan_changed' })]);
    const status = await h.operation(ops, 'serviceLine.setStatus', { lineId: l.id, expected: 'suspended', status: 'ported_out', reason: 'Ported to another carrier' });
    expect([status.status, status.json.error.issues[0].rule]).toEqual([409, 'line.status_changed']);
    expect(await line(l.id)).toMatchObject({ plan: otherPlan(l.plan), status: 'active' });
    expect((await historyOf(l.id)).length).toBe(1);
    expect((await auditOf(l.id, 'line.plan_changed')).map((a) => a.outcome)).toEqual(['ok', 'ok', 'conflict']);
    // the replay's row names the field, never the plan it already held
    expect(JSON.stringify(await auditOf(l.id, 'line.plan_changed'))).not.toContain(otherPlan(l.plan));
    expect((await auditOf(l.id, 'line.status_changed')).map((a) => [a.outcome, a.detail])).toEqual([['conflict', 'status changed since the desk read it']]);
  });

  it('refuses another line’s id with this line’s values, and an id that is no line, changing nothing', async () => {
    const a = freshCustomer();
    let b = freshCustomer();
    while (b.serviceLines[0]!.plan === a.serviceLines[0]!.plan) b = freshCustomer();
    const la = a.serviceLines[0]!;
    const lb = b.serviceLines[0]!;
    // the plan the desk showed was line A's: at line B it is a conflict
    const res = await h.operation(ops, 'serviceLine.changePlan', { lineId: lb.id, expected: la.plan, plan: la.plan, reason: 'Upgrade' });
    expect([res.status, res.json.error.code]).toEqual([409, 'conflict']);
    expect(await line(lb.id)).toEqual(ServiceLine.parse(lb));
    // a customer's id where a line's should be
    const none = await h.operation(ops, 'serviceLine.setStatus', { lineId: a.customer.id, expected: 'active', status: 'suspended', reason: 'Suspend' });
    expect([none.status, none.json.error.code]).toEqual([404, 'not_found']);
    expect(await auditOf(a.customer.id, 'line.status_changed')).toEqual([expect.objectContaining({ outcome: 'denied', detail: 'no such line' })]);
    expect((await h.record('customer', a.customer.id)).data.accountStatus).toBe(a.customer.accountStatus);
  });

  it('refuses forged fields and values out of their set, naming the field and the rule, and audits each without its value', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    const before = await line(l.id);
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: 'Platinum Forever', reason: 'Upgrade' }, 'plan', 'one_of'],
      ['serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: otherPlan(l.plan), reason: 'Upgrade', e911Address: ELSEWHERE }, '(input)', 'unknown_field'],
      ['serviceLine.changePlan', { lineId: l.id, expected: l.plan, plan: otherPlan(l.plan), reason: 'Upgrade', status: 'suspended' }, '(input)', 'unknown_field'],
      ['serviceLine.setStatus', { lineId: l.id, expected: 'active', status: 'disconnected', reason: 'Porting' }, 'status', 'one_of'],
      ['serviceLine.setStatus', { lineId: l.id, expected: 'active', status: 'suspended', reason: 'Porting', number: '+17755550100' }, '(input)', 'unknown_field'],
      ['serviceLine.setStatus', { lineId: l.id, expected: 'active', status: 'suspended' }, 'reason', 'required'],
      ['serviceLine.setStatus', { lineId: 'not-a-line', expected: 'active', status: 'suspended', reason: 'Suspend' }, 'lineId', 'format.uuid'],
    ];
    for (const [name, body, field, rule] of cases) {
      const res = await h.operation(ops, name, body);
      expect(res.status, `${name} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json.error.issues, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
    expect(await line(l.id)).toEqual(before);
    const refused = await h.store.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'fields', 'detail'])
      .where('user_id', '=', ops.user.id)
      .where('detail', 'like', '%input refused%')
      .orderBy('seq')
      .execute();
    expect(refused.map((r) => [r.action, r.outcome, JSON.parse(r.fields as unknown as string)[0]])).toEqual(cases.map(([name, , field]) => [name === 'serviceLine.setStatus' ? 'line.status_changed' : 'line.plan_changed', 'denied', field]));
    expect(JSON.stringify(refused)).not.toMatch(/Platinum|disconnected|Data Center|17755550100/);
  });

  it('refuses a pushed mutation of a line’s plan or status, whoever pushes it (a modified desk): online only', async () => {
    const c = freshCustomer();
    const l = c.serviceLines[0]!;
    for (const [role, changes] of [
      ['network_ops', { plan: otherPlan(l.plan) }],
      ['network_ops', { status: 'suspended' }],
      ['care_rep', { status: 'suspended' }],
      ['supervisor', { plan: otherPlan(l.plan) }],
    ] as const) {
      const s = sessions.get(role)!;
      const res = await h.push(s, [h.mutation(s, h.nextSeq(s), { entity: 'serviceLine', id: l.id }, { plan: l.plan, status: l.status }, changes)]);
      expect(res.status, res.text).toBe(200);
      const result = PushResponse.parse(res.json).results[0]!;
      expect(result.status, role).toBe('rejected');
      expect(result.rejection?.issues, role).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'operation.online_only', field: Object.keys(changes)[0] })]));
    }
    expect(await line(l.id)).toEqual(ServiceLine.parse(l));
    expect((await auditOf(l.id, 'record.update_rejected')).length).toBe(4);
  });

  it('refuses network operations everything else: every other online operation, the caller, card and money routes, and pushed writes of what is not theirs', async () => {
    const c = freshCustomer();
    for (const name of ROUTED_OPERATION_NAMES.filter((n) => !performers(n).includes('network_ops'))) {
      const res = await h.operation(ops, name, {});
      expect([res.status, res.json.error.code], name).toEqual([403, 'forbidden']);
      expect(res.json.error.message, name).toContain('network_ops');
    }
    for (const [path, body] of [
      [API.verify(c.customer.id), { method: 'ssn_last4', answer: c.secrets.ssnLast4 }],
      [API.replaceCard(c.paymentMethods[0]?.id ?? c.customer.id), { replacementId: c.customer.id, card: {} }],
      [API.adjustments(c.billingAccount.id), { id: c.customer.id, kind: 'credit', amountCents: -500, reason: 'Goodwill', requestedBy: 'internal' }],
    ] as const) {
      const res = await h.call(ops.device.agent, 'POST', path, { token: ops.token, body });
      expect(res.status, `${path}: ${res.text}`).toBe(403);
    }
    // a customer's contact data is read only for them; the billing account is not theirs at all
    const pushed = await h.push(ops, [
      h.mutation(ops, h.nextSeq(ops), { entity: 'customer', id: c.customer.id }, { firstName: c.customer.firstName }, { firstName: 'Forged' }),
      h.mutation(ops, h.nextSeq(ops), { entity: 'billingAccount', id: c.billingAccount.id }, { autopay: c.billingAccount.autopay }, { autopay: !c.billingAccount.autopay }),
    ]);
    expect(PushResponse.parse(pushed.json).results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await h.record('customer', c.customer.id)).data.firstName).toBe(c.customer.firstName);
    const denied = await h.store.db.selectFrom('audit_log').select(['action', 'outcome']).where('user_id', '=', ops.user.id).where('detail', 'like', '%not for this role%').execute();
    expect(denied.length).toBe(ROUTED_OPERATION_NAMES.filter((n) => !performers(n).includes('network_ops')).length);
  });

  it('sends network operations a customer’s name, phones and service address, never the email, mailing address or consents', async () => {
    const c = freshCustomer();
    const pulled = (await h.pull(ops)).lines.find((p) => p.t === 'put' && p.entity === 'customer' && p.id === c.customer.id);
    const data = (pulled as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ firstName: c.customer.firstName, lastName: c.customer.lastName, phones: c.customer.phones, serviceAddress: c.customer.serviceAddress });
    for (const hidden of ['email', 'mailingAddress', 'consents']) expect(data, hidden).not.toHaveProperty(hidden);
  });
});
