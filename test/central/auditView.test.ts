import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_SCOPES, ENTITY_NAMES, ROLES, accessOf, type AuditViewRow, type EntityName, type Role } from '../../domain';
import { API } from '../../domain';
import { Harness, type TestSession } from './harness';

/**
 * The audit view (issue 14), read over HTTP as each role and as a modified desk would: the scope is
 * the store's (own actions for a rep or a clerk, everything for compliance, everything without values
 * for the admin, nothing for network operations), whatever the request says; no row names a field the
 * reader may not read, and the admin reads no customer's name and no description of what was done to
 * a customer. Every read is itself audited, naming filters but never their values.
 */
describe('the audit view', () => {
  let h: Harness;
  const s = {} as Record<'rep' | 'otherRep' | 'clerk' | 'compliance' | 'admin' | 'netops' | 'supervisor', TestSession>;

  beforeAll(async () => {
    h = await Harness.start({ customers: 4 });
    s.rep = await h.session('care_rep');
    s.otherRep = await h.session('care_rep');
    s.clerk = await h.session('billing_clerk');
    s.compliance = await h.session('compliance');
    s.admin = await h.session('admin');
    s.netops = await h.session('network_ops');
    s.supervisor = await h.session('supervisor');
    // rows of several kinds by several people: a verified contact edit, another rep's, a clerk's credit
    for (const [who, i] of [[s.rep, 0], [s.otherRep, 1]] as const) {
      const { customer } = h.customer(i);
      const verificationId = await h.verified(who, i);
      const res = await h.push(who, [h.mutation(who, 1, { entity: 'customer', id: customer.id }, { email: customer.email, lastName: customer.lastName }, { email: `moved.${i}@example.com`, lastName: `${customer.lastName}-Ortiz` }, { verificationId })]);
      expect(res.status, res.text).toBe(200);
    }
    const credit = await h.adjust(s.clerk, h.customer(2).billingAccount.id, { id: randomUUID(), kind: 'credit', amountCents: -1250, reason: 'Outage on the 3rd', requestedBy: 'internal' });
    expect(credit.status, credit.text).toBe(200);
  });
  afterAll(() => h.dispose());

  const search = (who: TestSession, query: Record<string, unknown> = {}) => h.operation(who, 'audit.search', query);
  const rowsOf = async (who: TestSession, query: Record<string, unknown> = {}): Promise<AuditViewRow[]> => {
    const res = await search(who, query);
    expect(res.status, res.text).toBe(200);
    return res.json.rows as AuditViewRow[];
  };

  it('gives a care rep and a billing clerk their own actions only, whatever they filter by', async () => {
    for (const who of [s.rep, s.clerk]) {
      const res = await search(who);
      expect(res.json.scope).toBe('own');
      expect(new Set((res.json.rows as AuditViewRow[]).map((r) => r.user?.id))).toEqual(new Set([who.user.id]));
    }
    // asking for another rep's rows returns none of them
    expect(await rowsOf(s.rep, { userId: s.otherRep.user.id })).toEqual([]);
    const edits = await rowsOf(s.rep, { action: 'record.update' });
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ entity: 'customer', customer: { id: h.customer(0).customer.id, name: expect.stringContaining('-Ortiz') }, fields: ['email', 'lastName'], hiddenFields: 0 });
  });

  it('gives compliance every row, the customers named', async () => {
    const res = await search(s.compliance, { action: 'record.update' });
    expect(res.json.scope).toBe('all');
    const rows = res.json.rows as AuditViewRow[];
    expect(rows.map((r) => r.user?.id).sort()).toEqual([s.rep.user.id, s.otherRep.user.id].sort());
    expect(rows.every((r) => r.customer?.name)).toBe(true);
    const credit = await rowsOf(s.compliance, { action: 'billing.adjustment' });
    expect(credit[0]).toMatchObject({ user: { id: s.clerk.user.id, role: 'billing_clerk' }, fields: expect.arrayContaining(['kind', 'amountCents', 'reason']) });
  });

  it('gives the admin every row without values: no customer’s name, no field of a customer record, no description of it', async () => {
    const res = await search(s.admin, { action: 'record.update' });
    expect(res.json.scope).toBe('all_without_values');
    const rows = res.json.rows as AuditViewRow[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.customer).toEqual({ id: expect.any(String), name: null });
      expect(row).toMatchObject({ fields: [], hiddenFields: 2, detail: null });
    }
    expect(JSON.stringify(res.json)).not.toMatch(/Ortiz|moved\.\d@example\.com/);
    // rows about no customer keep their description (a sign-in is the admin's business)
    const signIns = await rowsOf(s.admin, { action: 'session.sign_in' });
    expect(signIns.length).toBeGreaterThanOrEqual(6);
  });

  it('gives a supervisor their team’s activity: the members of the teams they lead, and no one else', async () => {
    expect((await search(s.supervisor)).json.scope).toBe('team');
    // leading no team yet: their own actions only
    expect(new Set((await rowsOf(s.supervisor)).map((r) => r.user?.id))).toEqual(new Set([s.supervisor.user.id]));
    const team = await h.operation(s.admin, 'admin.saveTeam', { name: 'Care team East', leads: [s.supervisor.user.id] });
    expect(team.status, team.text).toBe(200);
    const assigned = await h.operation(s.admin, 'admin.assignTeam', { userId: s.rep.user.id, teamId: team.json.team.id });
    expect(assigned.status, assigned.text).toBe(200);
    const edits = await rowsOf(s.supervisor, { action: 'record.update' });
    expect(edits.map((r) => r.user?.id)).toEqual([s.rep.user.id]);
    expect(edits[0]).toMatchObject({ customer: { name: expect.stringContaining('-Ortiz') }, fields: ['email', 'lastName'] });
    // another rep's rows, asked for by name, are not the team's
    expect(await rowsOf(s.supervisor, { userId: s.otherRep.user.id })).toEqual([]);
    expect(await rowsOf(s.supervisor, { action: 'billing.adjustment' })).toEqual([]);
  });

  it('refuses network operations, which has no audit view, and audits the refusal', async () => {
    const res = await search(s.netops);
    expect([res.status, res.json.error.code]).toEqual([403, 'forbidden']);
    const denied = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'audit.read').where('user_id', '=', s.netops.user.id).execute();
    expect(denied).toEqual([expect.objectContaining({ outcome: 'denied' })]);
  });

  it('names no field a reader may not read, in any row of any reader’s scope', async () => {
    for (const who of [s.rep, s.clerk, s.supervisor, s.compliance, s.admin]) {
      for (const row of await rowsOf(who, { limit: 200 })) {
        if (!row.entity || !(ENTITY_NAMES as readonly string[]).includes(row.entity)) continue;
        for (const field of row.fields) expect(accessOf(row.entity as EntityName, field.split('.')[0]!, who.user.role), `${who.user.role} ${row.action} ${field}`).not.toBe('hidden');
      }
    }
  });

  it('refuses a forged scope or a made-up filter by name, and a period that ends before it starts', async () => {
    const forged = await search(s.rep, { scope: 'all' });
    expect([forged.status, forged.json.error.issues[0].message]).toEqual([400, expect.stringContaining('scope')]);
    const backwards = await search(s.compliance, { from: '2026-12-02T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    expect([backwards.status, backwards.json.error.issues[0].field]).toEqual([400, 'to']);
    const huge = await search(s.compliance, { limit: 10_000 });
    expect([huge.status, huge.json.error.issues[0].field]).toEqual([400, 'limit']);
  });

  it('filters by customer and time, and pages newest first with no row twice', async () => {
    const customerId = h.customer(0).customer.id;
    const about = await rowsOf(s.compliance, { customerId });
    expect(about.length).toBeGreaterThan(0);
    expect(about.every((r) => r.customer?.id === customerId)).toBe(true);
    expect(await rowsOf(s.compliance, { to: '2000-01-01T00:00:00.000Z' })).toEqual([]);
    const seen: number[] = [];
    let before: number | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const res = await search(s.compliance, { limit: 3, ...(before ? { before } : {}) });
      seen.push(...(res.json.rows as AuditViewRow[]).map((r) => r.seq));
      if (res.json.next === null) break;
      before = res.json.next;
    }
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('audits each read with the scope and the names of the filters, never their values', async () => {
    const customerId = h.customer(3).customer.id;
    await search(s.compliance, { customerId, action: 'record.update' });
    const [row] = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'audit.read').where('user_id', '=', s.compliance.user.id).orderBy('seq', 'desc').limit(1).execute();
    expect(row).toMatchObject({ outcome: 'ok', detail: expect.stringContaining('filters: customerId, action') });
    expect(row!.detail).not.toContain(customerId);
  });

  it('refuses a pushed search that carries a query, or names a kind that is none, by field, and records nothing of it', async () => {
    const before = await h.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'customer.search').execute();
    const push = (search: Record<string, unknown>) =>
      h.call(s.rep.device.agent, 'POST', API.push, { token: s.rep.token, body: { clientId: s.rep.clientId, mutations: [], views: [], searches: [{ id: randomUUID(), kinds: ['name'], resultCount: 1, at: h.clock().toISOString(), ...search }] } });
    const withQuery = await push({ query: 'Koepp' });
    expect(withQuery.status).toBe(400);
    expect(withQuery.text).toContain('query');
    expect(withQuery.text).not.toContain('Koepp');
    const badKind = await push({ kinds: ['ssn'] });
    expect([badKind.status, badKind.json.error.issues[0].field]).toEqual([400, 'searches.0.kinds.0']);
    const fine = await push({});
    expect(fine.status, fine.text).toBe(200);
    const after = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'customer.search').execute();
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ user_id: s.rep.user.id, detail: expect.stringMatching(/^name search at .*: 1 result$/) });
  });

  it('declares a scope for every role, and none for network operations', () => {
    expect(ROLES.filter((r: Role) => AUDIT_SCOPES[r] === null)).toEqual(['network_ops']);
  });
});
