import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamMembersOf, teamsLedBy } from '../../central/teams/teams';
import { ADMIN_RULES, API, DeviceDirectory, OPERATIONS, PENDING_HEADER, ROLES, StaffDirectory, type OnlineOperation, type Role } from '../../domain';
import { Harness, PASSWORD, type TestSession } from './harness';

/**
 * The administrator (issue 14, items 1 and 5) at the central store, over HTTP: every role × every
 * admin operation (only the admin, every other role refused with the reason and audited), the
 * guardrails (no self role change or self-disable, the last admin protected) refused naming their
 * rule, grants of admin or compliance audited on a line of their own, the attacks a modified desk
 * would make, the admin refused every customer record, teams and `teamMembersOf`, the pending
 * edits a desk reports, the session policy the store gives desks, and the 90-day inactivity rule.
 */
const ADMIN_OPS = (Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[]).filter((name) => name.startsWith('admin.'));
const DAY = 86_400_000;

let h: Harness;
let admin: TestSession;
const op = (s: TestSession, name: string, body: unknown = {}) => h.operation(s, name, body);
const audit = (action: string) => h.store.db.selectFrom('audit_log').select(['user_id', 'role', 'outcome', 'entity', 'entity_id', 'fields', 'detail']).where('action', '=', action).orderBy('seq').execute();

beforeAll(async () => {
  h = await Harness.start({ customers: 3 });
  admin = await h.session('admin');
});
afterAll(() => h.dispose());

describe('who may administer', () => {
  it('declares every admin operation online, for the admin role only', () => {
    expect(ADMIN_OPS.length).toBeGreaterThanOrEqual(12);
    for (const name of ADMIN_OPS) expect([name, OPERATIONS[name].kind, (OPERATIONS[name] as OnlineOperation).roles]).toEqual([name, 'online', ['admin']]);
  });

  it.each(ROLES.filter((r) => r !== 'admin'))('refuses the %s every admin operation with the reason, and audits each refusal', async (role: Role) => {
    const s = await h.session(role);
    const target = await h.addUser('care_rep');
    const bodies: Record<string, unknown> = {
      'admin.createUser': { username: `x${randomUUID().slice(0, 6)}`, displayName: 'X', role: 'admin' },
      'admin.disableUser': { userId: target.id },
      'admin.enableUser': { userId: target.id },
      'admin.changeRole': { userId: s.user.id, role: 'admin' },
      'admin.assignTeam': { userId: target.id, teamId: null },
      'admin.resetPassword': { userId: target.id },
      'admin.saveTeam': { name: 'Mine', leads: [] },
      'admin.revokeDevice': { deviceId: s.device.id },
      'admin.issueEnrolmentCode': { hours: 1 },
      'admin.setSessionPolicy': { idleLockMinutes: 1, maxOfflineHours: 1 },
    };
    for (const name of ADMIN_OPS) {
      const res = await op(s, name, bodies[name] ?? {});
      expect([name, res.status, res.json.error.code, res.json.error.message]).toEqual([name, 403, 'forbidden', `the ${role} role may not ${(OPERATIONS[name] as OnlineOperation).does}`]);
      expect(res.text).not.toMatch(/argon2|password_hash/);
    }
    const denied = await h.store.db.selectFrom('audit_log').select(['action', 'outcome']).where('user_id', '=', s.user.id).where('outcome', '=', 'denied').execute();
    expect(denied).toHaveLength(ADMIN_OPS.length);
    // nothing changed: the target is still an active care rep, the desk still enrolled, no team named Mine
    expect((await h.store.db.selectFrom('users').select(['role', 'status']).where('id', '=', target.id).executeTakeFirstOrThrow())).toEqual({ role: 'care_rep', status: 'active' });
    expect((await h.store.db.selectFrom('users').select('role').where('id', '=', s.user.id).executeTakeFirstOrThrow()).role).toBe(role);
    expect(await h.store.db.selectFrom('devices').select('revoked_at').where('id', '=', s.device.id).executeTakeFirstOrThrow()).toEqual({ revoked_at: null });
    expect(await h.store.db.selectFrom('teams').select('id').where('name', '=', 'Mine').execute()).toEqual([]);
  });

  it('lets the admin do each of them, every one an audit event naming the admin', async () => {
    const rep = await h.session('care_rep');
    const supervisor = await h.addUser('supervisor');
    const created = await op(admin, 'admin.createUser', { username: 'new.rep', displayName: 'New Rep', role: 'care_rep' });
    expect(created.status, created.text).toBe(200);
    expect(created.json.user).toMatchObject({ username: 'new.rep', role: 'care_rep', status: 'active' });
    // the one-time password signs the new user in
    expect((await h.signIn(await h.enrol(), 'new.rep', created.json.temporaryPassword)).status).toBe(200);
    const team = await op(admin, 'admin.saveTeam', { name: 'North', leads: [supervisor.id] });
    expect(team.status, team.text).toBe(200);
    const steps: [string, unknown][] = [
      ['admin.assignTeam', { userId: rep.user.id, teamId: team.json.team.id }],
      ['admin.changeRole', { userId: created.json.user.id, role: 'billing_clerk' }],
      ['admin.resetPassword', { userId: created.json.user.id }],
      ['admin.disableUser', { userId: rep.user.id }],
      ['admin.enableUser', { userId: rep.user.id }],
      ['admin.issueEnrolmentCode', { hours: 4 }],
      ['admin.setSessionPolicy', { idleLockMinutes: 10, maxOfflineHours: 48 }],
      ['admin.revokeDevice', { deviceId: rep.device.id }],
      ['admin.users', {}],
      ['admin.devices', {}],
    ];
    for (const [name, body] of steps) {
      const res = await op(admin, name, body);
      expect([name, res.status], res.text).toEqual([name, 200]);
      const rows = await audit((OPERATIONS[name as keyof typeof OPERATIONS] as OnlineOperation).audit);
      expect(rows.some((r) => r.user_id === admin.user.id && r.outcome === 'ok'), name).toBe(true);
    }
    expect((await op(admin, 'admin.resetPassword', { userId: created.json.user.id })).json.temporaryPassword).not.toBe(created.json.temporaryPassword);
  });
});

describe('guardrails', () => {
  it('refuses an admin their own role change and their own disabling, naming the rule, and audits the refusal', async () => {
    const own = await op(admin, 'admin.changeRole', { userId: admin.user.id, role: 'care_rep' });
    expect([own.status, own.json.error.issues]).toEqual([403, [expect.objectContaining({ field: 'userId', rule: ADMIN_RULES.selfRoleChange })]]);
    const off = await op(admin, 'admin.disableUser', { userId: admin.user.id });
    expect([off.status, off.json.error.issues]).toEqual([403, [expect.objectContaining({ field: 'userId', rule: ADMIN_RULES.selfDisable })]]);
    expect((await h.store.db.selectFrom('users').select(['role', 'status']).where('id', '=', admin.user.id).executeTakeFirstOrThrow())).toEqual({ role: 'admin', status: 'active' });
    const denied = (await audit('user.role_changed')).concat(await audit('user.disabled')).filter((r) => r.outcome === 'denied' && r.entity_id === admin.user.id);
    expect(denied.map((r) => r.detail!.split(':')[0]).sort()).toEqual([ADMIN_RULES.selfDisable, ADMIN_RULES.selfRoleChange]);
  });

  it('protects the last active admin from the command line too (the same central function), naming the rule', async () => {
    const h2 = await Harness.start({ customers: 1 });
    try {
      const only = await h2.addUser('admin');
      await expect(h2.store.admin.disableUser(only.id, { by: 'test' })).rejects.toMatchObject({ code: 'conflict', issues: [expect.objectContaining({ rule: ADMIN_RULES.lastAdmin })] });
      await expect(h2.store.admin.changeRole(only.id, 'compliance', { by: 'test' })).rejects.toMatchObject({ code: 'conflict', issues: [expect.objectContaining({ rule: ADMIN_RULES.lastAdmin })] });
      // with a second admin, the first may go; then the second is the last
      const second = await h2.session('admin');
      expect((await h2.operation(second, 'admin.changeRole', { userId: only.id, role: 'care_rep' })).status).toBe(200);
      await expect(h2.store.admin.disableUser(second.user.id, { by: 'test' })).rejects.toMatchObject({ issues: [expect.objectContaining({ rule: ADMIN_RULES.lastAdmin })] });
      expect(await h2.store.db.selectFrom('users').select('status').where('id', '=', second.user.id).executeTakeFirstOrThrow()).toEqual({ status: 'active' });
    } finally {
      await h2.dispose();
    }
  });

  it('audits every grant of admin or compliance on a line of its own, and no other grant', async () => {
    const made = await op(admin, 'admin.createUser', { username: 'cleo.new', displayName: 'Cleo New', role: 'compliance' });
    const rep = await h.addUser('care_rep');
    await op(admin, 'admin.changeRole', { userId: rep.id, role: 'admin' });
    const other = await h.addUser('care_rep');
    await op(admin, 'admin.changeRole', { userId: other.id, role: 'supervisor' });
    const grants = await audit('user.privilege_granted');
    expect(grants.filter((g) => [made.json.user.id, rep.id, other.id].includes(g.entity_id))).toEqual([
      expect.objectContaining({ user_id: admin.user.id, role: 'admin', outcome: 'ok', entity_id: made.json.user.id, fields: '["role"]', detail: expect.stringContaining('granted Compliance officer (compliance)') }),
      expect.objectContaining({ user_id: admin.user.id, entity_id: rep.id, detail: expect.stringContaining('granted Administrator (admin)') }),
    ]);
  });
});

describe('what a modified desk gains', () => {
  it('refuses forged fields, unknown ids, absurd input, a care rep as a team lead, naming field and rule', async () => {
    const rep = await h.addUser('care_rep');
    const cases: [string, unknown, number, string, string][] = [
      ['admin.createUser', { username: 'forged.one', displayName: 'F', role: 'care_rep', status: 'disabled' }, 400, '(input)', 'unknown_field'],
      ['admin.createUser', { username: 'forged.two', displayName: 'F', role: 'care_rep', password: 'chosen-by-me-123' }, 400, '(input)', 'unknown_field'],
      ['admin.createUser', { username: 'root', displayName: 'R', role: 'root' }, 400, 'role', expect.any(String) as unknown as string],
      ['admin.createUser', { username: 'x.team', displayName: 'X', role: 'care_rep', teamId: randomUUID() }, 400, 'teamId', ADMIN_RULES.teamUnknown],
      ['admin.assignTeam', { userId: rep.id, teamId: randomUUID() }, 400, 'teamId', ADMIN_RULES.teamUnknown],
      ['admin.saveTeam', { name: 'Led by a rep', leads: [rep.id] }, 400, 'leads', ADMIN_RULES.teamLeadRole],
      ['admin.issueEnrolmentCode', { hours: 24 * 30 }, 400, 'hours', expect.any(String) as unknown as string],
      ['admin.setSessionPolicy', { idleLockMinutes: 600, maxOfflineHours: 72 }, 400, 'idleLockMinutes', expect.any(String) as unknown as string],
      ['admin.setSessionPolicy', { idleLockMinutes: 15, maxOfflineHours: 100_000 }, 400, 'maxOfflineHours', expect.any(String) as unknown as string],
      ['admin.saveTeam', { name: '\u001b[2Jteam', leads: [] }, 400, 'name', expect.any(String) as unknown as string],
    ];
    for (const [name, body, status, field, rule] of cases) {
      const res = await op(admin, name, body);
      expect([name, res.status, res.json?.error?.issues?.[0]], res.text).toEqual([name, status, expect.objectContaining({ field, rule })]);
    }
    expect(await h.store.db.selectFrom('users').select('id').where('username', 'in', ['forged.one', 'forged.two', 'x.team']).execute()).toEqual([]);
    for (const [name, body] of [['admin.disableUser', { userId: randomUUID() }], ['admin.revokeDevice', { deviceId: randomUUID() }], ['admin.resetPassword', { userId: randomUUID() }]] as const) {
      expect([name, (await op(admin, name, body)).status]).toEqual([name, 404]);
    }
  });

  it('takes a replayed disable or revoke as done once', async () => {
    const s = await h.session('care_rep');
    const first = await op(admin, 'admin.disableUser', { userId: s.user.id });
    const again = await op(admin, 'admin.disableUser', { userId: s.user.id });
    expect([first.json.changed, first.json.sessionsEnded, again.json.changed, again.json.sessionsEnded]).toEqual([true, 1, false, 0]);
    const r1 = await op(admin, 'admin.revokeDevice', { deviceId: s.device.id });
    const r2 = await op(admin, 'admin.revokeDevice', { deviceId: s.device.id });
    expect([r1.json.changed, r2.json.changed]).toEqual([true, false]);
  });

  it('never answers a password hash or an enrolment code in a listing', async () => {
    const issued = await op(admin, 'admin.issueEnrolmentCode', { hours: 2 });
    expect(issued.json.code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const devices = await op(admin, 'admin.devices');
    const users = await op(admin, 'admin.users');
    expect(DeviceDirectory.parse(devices.json).codes.some((c) => Date.parse(c.expiresAt) === Date.parse(issued.json.expiresAt))).toBe(true);
    expect(devices.text).not.toContain(issued.json.code);
    expect(users.text).not.toMatch(/argon2|password/i);
    const issuedRows = await audit('enrolment.code_issued');
    expect(JSON.stringify(issuedRows)).not.toContain(issued.json.code);
  });

  it('sends the admin no customer record: an empty pull, and every customer route refused', async () => {
    const { lines } = await h.pull(admin);
    expect(lines.filter((l) => l.t === 'put' || l.t === 'del')).toEqual([]);
    const customer = h.customer(0).customer;
    expect((await h.call(admin.device.agent, 'GET', API.history('customer', customer.id), { token: admin.token })).status).toBe(403);
    expect((await h.verify(admin, customer.id, 'ssn_last4', '0000')).status).toBe(403);
    expect((await op(admin, 'sharing.export', { partner: 'X', purpose: 'collections' })).status).toBe(403);
    const listing = (await op(admin, 'admin.users')).text + (await op(admin, 'admin.devices')).text;
    expect(listing).not.toContain(customer.lastName);
    expect(listing).not.toContain(customer.email!);
  });
});

describe('teams', () => {
  it('gives a supervisor’s team scope as one function: the members of the teams they lead, and nothing once they lead none', async () => {
    const lead = await h.session('supervisor');
    const [a, b, outsider] = [await h.addUser('care_rep'), await h.addUser('billing_clerk'), await h.addUser('care_rep')];
    const team = (await op(admin, 'admin.saveTeam', { name: 'South', leads: [lead.user.id] })).json.team;
    const other = (await op(admin, 'admin.saveTeam', { name: 'East', leads: [] })).json.team;
    for (const [user, teamId] of [[a, team.id], [b, team.id], [lead.user, team.id], [outsider, other.id]] as const) {
      expect((await op(admin, 'admin.assignTeam', { userId: user.id, teamId })).status).toBe(200);
    }
    expect(await teamsLedBy(h.store.db, lead.user.id)).toEqual([team.id]);
    expect((await teamMembersOf(h.store.db, lead.user.id)).sort()).toEqual([a.id, b.id, lead.user.id].sort());
    expect(await teamMembersOf(h.store.db, a.id)).toEqual([]);
    const dir = StaffDirectory.parse((await op(admin, 'admin.users')).json);
    expect(dir.teams.find((t) => t.id === team.id)).toEqual({ id: team.id, name: 'South', leads: [lead.user.id] });
    expect(dir.users.find((u) => u.id === a.id)!.teamId).toBe(team.id);
    // no longer a supervisor: leads nothing, sees no team
    await op(admin, 'admin.changeRole', { userId: lead.user.id, role: 'care_rep' });
    expect(await teamMembersOf(h.store.db, lead.user.id)).toEqual([]);
    expect((await op(admin, 'admin.saveTeam', { name: 'East', leads: [] })).json.error.issues[0].rule).toBe(ADMIN_RULES.teamNameTaken);
  });
});

describe('what desks report and are given', () => {
  it('shows each of a user’s desks with its pending edits as last reported, and each desk’s last contact', async () => {
    const s = await h.session('care_rep');
    const pulled = await h.call(s.device.agent, 'GET', `${API.pull}?cursor=0`, { token: s.token, headers: { [PENDING_HEADER]: '3' } });
    expect(pulled.status).toBe(200);
    const user = StaffDirectory.parse((await op(admin, 'admin.users')).json).users.find((u) => u.id === s.user.id)!;
    expect(user.desks).toEqual([{ deviceId: s.device.id, deviceName: 'test desk', pending: 3, reportedAt: h.clock().toISOString(), revoked: false }]);
    // an absurd or forged count is not recorded: the last good one stays
    await h.call(s.device.agent, 'GET', `${API.pull}?cursor=0`, { token: s.token, headers: { [PENDING_HEADER]: '-1; drop table users' } });
    const device = DeviceDirectory.parse((await op(admin, 'admin.devices')).json).devices.find((d) => d.id === s.device.id)!;
    expect(device.users).toEqual([{ userId: s.user.id, username: s.user.username, pending: 3, reportedAt: expect.any(String) }]);
    expect(device.lastContactAt).not.toBeNull();
  });

  it('gives the session policy the admin set to every sign-in and session check', async () => {
    expect((await op(admin, 'admin.setSessionPolicy', { idleLockMinutes: 5, maxOfflineHours: 24 })).status).toBe(200);
    const desk = await h.enrol();
    const user = await h.addUser('care_rep');
    const signedIn = await h.signIn(desk, user.username, PASSWORD);
    expect(signedIn.json.policy).toEqual({ idleLockMinutes: 5, maxOfflineHours: 24 });
    const info = await h.call(desk.agent, 'GET', API.session, { token: signedIn.json.token });
    expect(info.json.policy).toEqual({ idleLockMinutes: 5, maxOfflineHours: 24 });
    const changed = await audit('session_policy.changed');
    expect(changed.at(-1)).toMatchObject({ user_id: admin.user.id, outcome: 'ok', detail: expect.stringContaining('→ 5 min') });
  });
});

describe('accounts inactive for 90 days (PCI DSS 8.2.6)', () => {
  it('disables an account without a sign-in for 90 days by the store’s clock, counts from an enabling, keeps the last admin', async () => {
    const h3 = await Harness.start({ customers: 1 });
    try {
      const onlyAdmin = await h3.addUser('admin');
      const idle = await h3.session('care_rep');
      const busy = await h3.addUser('billing_clerk');
      const reenabled = await h3.addUser('care_rep');
      h3.clock.advance(60 * DAY);
      expect((await h3.signInFully(await h3.enrol(), busy.username)).status).toBe(200);
      await h3.store.admin.disableUser(reenabled.id, { by: 'test' });
      await h3.store.admin.enableUser(reenabled.id, { by: 'test' });
      h3.clock.advance(29 * DAY);
      // day 89: no one yet
      expect((await h3.store.admin.disableInactiveUsers()).disabled).toEqual([]);
      h3.clock.advance(2 * DAY);
      const sweep = await h3.store.admin.disableInactiveUsers();
      expect(sweep.disabled.map((u) => u.username)).toEqual([idle.user.username]);
      expect(sweep.kept).toEqual([onlyAdmin.username]);
      // kept without a refusal on the log: the sweep runs every hour
      expect(await h3.store.db.selectFrom('audit_log').select('seq').where('entity_id', '=', onlyAdmin.id).where('outcome', '=', 'denied').execute()).toEqual([]);
      const rows = await h3.store.db.selectFrom('audit_log').select(['entity_id', 'outcome', 'detail']).where('action', '=', 'user.disabled_inactive').execute();
      expect(rows).toEqual([{ entity_id: idle.user.id, outcome: 'ok', detail: expect.stringContaining('PCI DSS 8.2.6') }]);
      // disabled like an admin's disabling: the signed-in desk's token is answered user_disabled
      const res = await h3.call(idle.device.agent, 'GET', API.session, { token: idle.token });
      expect(res.json.error.code).toBe('user_disabled');
      expect((await h3.signIn(idle.device, idle.user.username)).json.error.code).toBe('user_disabled');
      // 60 days on, the billing clerk (signed in at day 60) and the re-enabled rep (day 60) go too; a second sweep changes nothing more
      h3.clock.advance(60 * DAY);
      expect((await h3.store.admin.disableInactiveUsers()).disabled.map((u) => u.username).sort()).toEqual([busy.username, reenabled.username].sort());
      expect((await h3.store.admin.disableInactiveUsers()).disabled).toEqual([]);
    } finally {
      await h3.dispose();
    }
  });
});
