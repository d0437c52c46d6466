import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, POLICY_CHANGES_MAX, PolicyAcknowledgeResult, PolicyPublishResult, PolicyStatus, PolicyVersionList, PushResponse, ROLES, mustAcknowledge, type Mutation, type Role } from '../../domain';
import { commandLine } from '../../central/policy';
import { centralCli } from '../support/cli';
import { Harness, PASSWORD, type TestSession } from './harness';

/**
 * Privacy-policy versions (issue 14, item 5; DESIGN §1 "Notification of changes") at the central
 * store over HTTP: an admin publishes a version with what changed (the store numbers it; it is never
 * edited), every staff user acknowledges it for themselves (the store records who, which version,
 * when by its clock and from which device, and audits it), the admin lists who has and who has
 * not yet, and consents and leads carry the version in force as the store says, whatever a desk sends.
 */
describe('privacy-policy versions', () => {
  let h: Harness;
  const sessions = {} as Record<Role, TestSession>;
  const op = (s: TestSession, name: string, body: unknown) => h.operation(s, `policyVersion.${name}`, body);
  const audits = (action: string) => h.store.db.selectFrom('audit_log').select(['user_id', 'role', 'device_id', 'outcome', 'entity', 'entity_id', 'detail']).where('action', '=', action).orderBy('seq').execute();
  const status = async (s: TestSession) => {
    const res = await op(s, 'status', {});
    expect(res.status, res.text).toBe(200);
    return PolicyStatus.parse(res.json);
  };
  const publish = async (changes: string) => {
    const res = await op(sessions.admin, 'publish', { changes });
    expect(res.status, res.text).toBe(200);
    return PolicyPublishResult.parse(res.json).published;
  };
  const list = async () => {
    const res = await op(sessions.admin, 'list', {});
    expect(res.status, res.text).toBe(200);
    return PolicyVersionList.parse(res.json).versions;
  };

  beforeAll(async () => {
    h = await Harness.start({ customers: 3 });
    for (const role of ROLES) sessions[role] = await h.session(role);
  });
  afterAll(() => h.dispose());

  it('asks nobody for anything while no version is published', async () => {
    for (const role of ROLES) {
      const s = await status(sessions[role]);
      expect(s).toEqual({ current: null, acknowledged: null, pending: [] });
      expect(mustAcknowledge(s)).toBe(false);
    }
  });

  it.each(ROLES.filter((r) => r !== 'admin'))('refuses a %s publishing a version or listing acknowledgements, saying why, and audits the refusal', async (role) => {
    const before = (await audits('policy.published')).length;
    const res = await op(sessions[role], 'publish', { changes: 'We now keep call recordings for 30 days.' });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: 'forbidden', message: `the ${role} role may not publish a privacy-policy version` });
    const denied = (await audits('policy.published')).slice(before);
    expect(denied).toEqual([expect.objectContaining({ user_id: sessions[role].user.id, role, outcome: 'denied' })]);
    const listed = await op(sessions[role], 'list', {});
    expect(listed.status).toBe(403);
    expect(listed.json.error.message).toContain('may not list privacy-policy acknowledgements');
    expect(await h.store.db.selectFrom('policy_versions').selectAll().execute()).toEqual([]);
  });

  it('lets an admin publish: the store numbers the versions and keeps each as published', async () => {
    const v1 = await publish('First version: what we collect, why, who may see it, how to correct it.');
    expect(v1).toEqual({ version: 1, changes: 'First version: what we collect, why, who may see it, how to correct it.', publishedAt: h.clock().toISOString(), publishedBy: sessions.admin.user.displayName });
    // a version the admin names, or any other field, is not the admin's to give
    for (const body of [{ changes: 'A version the desk numbered itself.', version: 7 }, { changes: 'Backdated by the desk.', publishedAt: '2020-01-01T00:00:00.000Z' }]) {
      const res = await op(sessions.admin, 'publish', body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation');
    }
    // what changed is checked by the domain's text rule: named field and rule
    for (const [changes, rule] of [['', 'required'], ['too short', 'min_length'], ['x'.repeat(POLICY_CHANGES_MAX + 1), 'max_length'], ['Looks fine\u202Euntil it is read', 'text.bidi']] as const) {
      const res = await op(sessions.admin, 'publish', { changes });
      expect(res.status, changes.slice(0, 20)).toBe(400);
      expect(res.json.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'changes', rule })]));
    }
    expect((await h.store.db.selectFrom('policy_versions').select('version').execute()).map((r) => r.version)).toEqual([1]);
    expect(await audits('policy.published')).toContainEqual(expect.objectContaining({ user_id: sessions.admin.user.id, role: 'admin', device_id: sessions.admin.device.id, outcome: 'ok', entity: 'policyVersion', entity_id: '1' }));
  });

  it('records an acknowledgement for the session’s own user and device at the store’s time, once, and audits it', async () => {
    const rep = sessions.care_rep;
    expect(mustAcknowledge(await status(rep))).toBe(true);
    const res = await op(rep, 'acknowledge', { version: 1 });
    expect(res.status, res.text).toBe(200);
    const first = PolicyAcknowledgeResult.parse(res.json);
    expect(first).toEqual({ acknowledgement: { version: 1, acknowledgedAt: h.clock().toISOString(), deviceId: rep.device.id }, already: false });
    expect(await h.store.db.selectFrom('policy_acknowledgements').selectAll().where('user_id', '=', rep.user.id).execute()).toEqual([{ user_id: rep.user.id, version: 1, acknowledged_at: h.clock().toISOString(), device_id: rep.device.id }]);
    expect(await audits('policy.acknowledged')).toContainEqual(expect.objectContaining({ user_id: rep.user.id, role: 'care_rep', device_id: rep.device.id, outcome: 'ok', entity_id: '1' }));
    expect(mustAcknowledge(await status(rep))).toBe(false);

    // a replay later changes nothing: the first acknowledgement stands
    h.clock.advance(60_000);
    const again = PolicyAcknowledgeResult.parse((await op(rep, 'acknowledge', { version: 1 })).json);
    expect(again).toEqual({ acknowledgement: first.acknowledgement, already: true });
    expect((await audits('policy.acknowledged')).filter((a) => a.user_id === rep.user.id)).toHaveLength(1);
  });

  it('refuses a forged acknowledgement: a version never published, another user’s, a time or device of the desk’s', async () => {
    const clerk = sessions.billing_clerk;
    const someoneElse = sessions.network_ops;
    const deniedBefore = (await audits('policy.acknowledged')).filter((a) => a.outcome === 'denied').length;
    for (const version of [2, 99, 1_000_000]) {
      const res = await op(clerk, 'acknowledge', { version });
      expect(res.status).toBe(400);
      expect(res.json.error.issues).toEqual([expect.objectContaining({ field: 'version', rule: 'policy.version_unknown' })]);
    }
    expect((await audits('policy.acknowledged')).filter((a) => a.outcome === 'denied')).toHaveLength(deniedBefore + 3);
    for (const body of [{ version: 0 }, { version: -1 }, { version: 1.5 }, { version: '1' }, {}, { version: 1, userId: someoneElse.user.id }, { version: 1, acknowledgedAt: '2020-01-01T00:00:00.000Z' }, { version: 1, deviceId: someoneElse.device.id }]) {
      const res = await op(clerk, 'acknowledge', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe('validation');
    }
    // nothing was recorded for anyone by these
    expect(await h.store.db.selectFrom('policy_acknowledgements').selectAll().where('user_id', 'in', [clerk.user.id, someoneElse.user.id]).execute()).toEqual([]);
    // another user's token is theirs alone: without one, nothing
    expect((await h.call(clerk.device.agent, 'POST', API.operation('policyVersion.acknowledge'), { body: { version: 1 } })).status).toBe(401);
  });

  it('after publishing version 2, each role’s next sign-in asks for acknowledgement and records it', async () => {
    // every role is up to date with version 1 first
    for (const role of ROLES) {
      if (mustAcknowledge(await status(sessions[role]))) expect((await op(sessions[role], 'acknowledge', { version: 1 })).status).toBe(200);
    }
    const v2 = await publish('Version 2: call recordings are kept for 30 days, then deleted.');
    expect(v2.version).toBe(2);
    for (const role of ROLES) {
      const user = sessions[role].user;
      // the user's next sign-in: a new session on their desk
      const signIn = await h.signInFully(sessions[role].device, user.username, PASSWORD);
      expect(signIn.status, signIn.text).toBe(200);
      const next: TestSession = { ...sessions[role], token: signIn.json.token };
      const asked = await status(next);
      expect(mustAcknowledge(asked), role).toBe(true);
      expect(asked).toMatchObject({ current: v2, acknowledged: { version: 1 }, pending: [v2] });
      expect((await list())[0]!.notYet.map((u) => u.userId)).toContain(user.id);

      h.clock.advance(1_000);
      const res = await op(next, 'acknowledge', { version: 2 });
      expect(res.status, res.text).toBe(200);
      expect(PolicyAcknowledgeResult.parse(res.json).acknowledgement).toEqual({ version: 2, acknowledgedAt: h.clock().toISOString(), deviceId: next.device.id });
      expect(mustAcknowledge(await status(next)), role).toBe(false);
      const listed = (await list())[0]!;
      expect(listed.acknowledged).toContainEqual(expect.objectContaining({ userId: user.id, role, acknowledgedAt: h.clock().toISOString(), deviceId: next.device.id, deviceName: 'test desk' }));
      expect(listed.notYet.map((u) => u.userId)).not.toContain(user.id);
    }
    expect((await audits('policy.acknowledged')).filter((a) => a.entity_id === '2' && a.outcome === 'ok').map((a) => a.role).sort()).toEqual([...ROLES].sort());
  });

  it('lists per version who acknowledged it, who only a later one, and which active staff have not yet; the read is audited', async () => {
    const late = await h.session('care_rep');
    const skipped = await h.session('billing_clerk');
    expect((await op(skipped, 'acknowledge', { version: 2 })).status).toBe(200);
    const disabled = await h.addUser('supervisor');
    await h.store.admin.disableUser(disabled.id);
    const versions = await list();
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const [v2, v1] = versions;
    expect(v2!.notYet.map((u) => u.userId)).toContain(late.user.id);
    // a disabled account cannot sign in to acknowledge: it is not awaited
    expect([...v2!.notYet, ...v1!.notYet].map((u) => u.userId)).not.toContain(disabled.id);
    // whoever acknowledged version 2 without version 1 counts for version 1 too
    expect(v1!.acknowledgedLater.map((u) => u.userId)).toEqual([skipped.user.id]);
    expect(v1!.notYet.map((u) => u.userId)).not.toContain(skipped.user.id);
    expect(v1!.acknowledged.map((u) => u.userId)).toContain(sessions.billing_clerk.user.id);
    // staff names only: nothing of a customer
    expect(JSON.stringify(versions)).not.toContain(h.customer(0).customer.lastName);
    expect((await audits('policy.read')).at(-1)).toMatchObject({ user_id: sessions.admin.user.id, role: 'admin', outcome: 'ok' });
    // the command line lists the same, through the same function, and is audited as itself
    const cli = await h.store.policy.list(commandLine('the command line (OS user test)'));
    expect(cli.versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await audits('policy.read')).at(-1)).toMatchObject({ user_id: null, detail: expect.stringContaining('the command line (OS user test)') });
  });

  it('publishes from the command line through the same function, numbered after the console’s, never changing an earlier version', async () => {
    const before = await h.store.db.selectFrom('policy_versions').selectAll().orderBy('version').execute();
    const v3 = await h.store.policy.publish({ changes: 'Version 3: the opt-out for text messages is now separate.' }, commandLine('the command line (OS user ops)'));
    expect(v3).toMatchObject({ version: 3, publishedBy: 'the command line (OS user ops)' });
    const after = await h.store.db.selectFrom('policy_versions').selectAll().orderBy('version').execute();
    expect(after.slice(0, before.length)).toEqual(before);
    // version 3 is in force: everyone is asked again
    expect((await status(sessions.compliance)).pending.map((v) => v.version)).toEqual([3]);
  });

  describe('consents and leads carry the version in force, as the store says', () => {
    const LEAD = {
      firstName: 'Priya',
      lastName: 'Natarajan',
      email: 'priya.policy@example.org',
      phone: '+14155550142',
      mailingAddress: { line1: '77 Geary Street', city: 'San Francisco', state: 'CA', zip: '94108' },
      location: 'San Francisco, CA',
      requestedServices: ['business VoIP'],
    };
    const push = async (s: TestSession, m: Mutation) => {
      const res = await h.push(s, [m]);
      expect(res.status, res.text).toBe(200);
      return PushResponse.parse(res.json).results[0]!;
    };
    const createLead = (s: TestSession, fields: Record<string, unknown>): Mutation => ({ ...h.mutation(s, h.nextSeq(s), { entity: 'lead', id: randomUUID() }, {}, fields, { reason: 'prequalification call' }), op: 'create' });

    it('stamps a new lead with the version in force, and refuses a desk’s own version', async () => {
      const rep = sessions.care_rep;
      const m = createLead(rep, LEAD);
      expect(await push(rep, m)).toMatchObject({ status: 'applied' });
      expect((await h.record('lead', m.entityId)).data.policyVersion).toBe(3);

      const forged = createLead(rep, { ...LEAD, email: 'forged@example.org', policyVersion: 1 });
      const result = await push(rep, forged);
      expect(result.status).toBe('rejected');
      expect(result.rejection?.issues).toEqual([expect.objectContaining({ field: 'policyVersion', rule: 'field.server_owned' })]);
      expect(await h.store.db.selectFrom('records').select('id').where('id', '=', forged.entityId).executeTakeFirst()).toBeUndefined();
      // an edit cannot set it afterwards either
      h.giveBackSeq(rep);
      const edit = await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: m.entityId }, { policyVersion: 3 }, { policyVersion: 1 }, { reason: 'a modified desk' }));
      expect(edit.status).toBe('rejected');
      expect((await h.record('lead', m.entityId)).data.policyVersion).toBe(3);
    });

    it('stamps each consent given with the version in force; the others keep theirs; a desk cannot write the stamp', async () => {
      const rep = sessions.care_rep;
      const { customer } = h.customer(0);
      expect((await h.record('customer', customer.id)).data.consentPolicyVersions).toBeUndefined();
      const verificationId = await h.verified(rep, 0);
      const sms = await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { 'consents.sms': customer.consents.sms }, { 'consents.sms': !customer.consents.sms }, { verificationId }));
      expect(sms.status).toBe('applied');
      expect((await h.record('customer', customer.id)).data.consentPolicyVersions).toEqual({ sms: 3 });

      await h.store.policy.publish({ changes: 'Version 4: marketing email is opt-in only.' }, commandLine('test'));
      const email = await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, { 'consents.marketingEmail': customer.consents.marketingEmail }, { 'consents.marketingEmail': !customer.consents.marketingEmail }, { verificationId }));
      expect(email.status).toBe('applied');
      expect((await h.record('customer', customer.id)).data.consentPolicyVersions).toEqual({ sms: 3, marketingEmail: 4 });

      // a modified desk sends its own stamp, alone or beside a consent: refused whole, nothing changes
      for (const changes of [{ 'consentPolicyVersions.sms': 1 }, { consentPolicyVersions: { sms: 1 } }, { 'consents.marketingCalls': !customer.consents.marketingCalls, 'consentPolicyVersions.marketingCalls': 1 }]) {
        const result = await push(rep, h.mutation(rep, h.nextSeq(rep), { entity: 'customer', id: customer.id }, {}, changes, { verificationId }));
        expect(result.status, JSON.stringify(changes)).toBe('rejected');
        h.giveBackSeq(rep);
      }
      const stored = (await h.record('customer', customer.id)).data;
      expect(stored.consentPolicyVersions).toEqual({ sms: 3, marketingEmail: 4 });
      expect((stored.consents as Record<string, boolean>).marketingCalls).toBe(customer.consents.marketingCalls);
    });

    it('sends the stamps to the roles that read consents and leads, and records without them read as before', async () => {
      const pulled = (await h.pull(sessions.supervisor)).lines.flatMap((l) => (l.t === 'put' ? [l] : []));
      const customers = pulled.filter((l) => l.entity === 'customer');
      expect(customers.find((l) => l.id === h.customer(0).customer.id)?.data.consentPolicyVersions).toEqual({ sms: 3, marketingEmail: 4 });
      // seeded customers have no stamp, and come as they did
      expect(customers.find((l) => l.id === h.customer(1).customer.id)?.data).not.toHaveProperty('consentPolicyVersions');
      expect(pulled.find((l) => l.entity === 'lead' && l.data.email === LEAD.email)?.data.policyVersion).toBe(3);
      // network operations read no consents, so no stamps either
      const ops = (await h.pull(sessions.network_ops)).lines.flatMap((l) => (l.t === 'put' && l.entity === 'customer' ? [l] : []));
      expect(ops.every((l) => !('consentPolicyVersions' in l.data))).toBe(true);
    });
  });

  it('publishes and lists from the command line, as a second process against the store while it serves', { timeout: 180_000 }, async () => {
    const before = (await h.store.db.selectFrom('policy_versions').select('version').execute()).length;
    const published = await centralCli(h.dataDir, 'publish-policy', '--changes', 'Published from the command line: nothing else changed.');
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toContain(`published privacy-policy version ${before + 1}`);
    expect((await status(sessions.supervisor)).current).toMatchObject({ version: before + 1, publishedBy: expect.stringMatching(/^the command line \(OS user .+\)$/) });
    expect((await audits('policy.published')).at(-1)).toMatchObject({ user_id: null, outcome: 'ok', entity_id: String(before + 1) });
    const refused = await centralCli(h.dataDir, 'publish-policy', '--changes', 'short');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('changes: at least 10 characters (min_length)');
    const listed = await centralCli(h.dataDir, 'policy-versions');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^version\s+published \(UTC\)\s+by\s+acknowledged/);
  });
});
