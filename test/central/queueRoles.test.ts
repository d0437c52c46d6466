import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, PushResponse, ROLES, type Mutation, type Role } from '../../domain';
import { ingestMessage } from '../../central/inquiries/ingest';
import { eml, ingestContext, localRelay, type LocalRelay } from '../support/mail';
import { Harness, type TestSession } from './harness';

/**
 * Who works the leads and inquiries queues (issue 12, DESIGN §3), tried at the central store over
 * HTTP: every role × every lead and inquiry operation. Care reps and supervisors work both queues;
 * compliance reads them (return addresses masked) and changes nothing; billing clerks, network
 * operations and admins neither see nor touch them. An allowed operation succeeds; a refused one is
 * refused with a reason and changes nothing. The expectations are written out here, not derived
 * from the declarations the store itself enforces.
 */
const WORKS_THE_QUEUES: readonly Role[] = ['care_rep', 'supervisor'];
const READS_THE_QUEUES: readonly Role[] = ['care_rep', 'supervisor', 'compliance'];

const OPERATIONS = ['lead.create', 'lead.edit', 'lead.setStatus', 'lead.convert', 'inquiry.linkCustomer', 'inquiry.setStatus', 'inquiry.reply'] as const;
type Op = (typeof OPERATIONS)[number];

interface Outcome {
  done: boolean;
  /** the store's reason for a refusal */
  reason: string;
}

describe('the leads and inquiries queues, role by role', () => {
  let h: Harness;
  let relay: LocalRelay;
  const sessions = new Map<Role, TestSession>();
  let n = 0;
  const session = (role: Role) => sessions.get(role)!;
  const rep = () => session('care_rep');

  const leadFields = () => {
    n += 1;
    return {
      firstName: 'Prospect',
      lastName: `Number${n}`,
      email: `prospect.${n}@example.org`,
      phone: `+1415555${String(1000 + n).padStart(4, '0')}`,
      mailingAddress: { line1: `${n} Mission Street`, city: 'San Francisco', state: 'CA', zip: '94105' },
      location: 'San Francisco, CA',
      requestedServices: ['home phone'],
    };
  };

  async function push(s: TestSession, mutation: Mutation): Promise<Outcome> {
    const res = await h.push(s, [mutation]);
    if (res.status !== 200) {
      h.giveBackSeq(s);
      return { done: false, reason: String(res.json?.error?.message ?? res.text) };
    }
    const result = PushResponse.parse(res.json).results[0]!;
    return result.status === 'applied' ? { done: true, reason: '' } : { done: false, reason: result.rejection?.message ?? result.status };
  }
  const change = (s: TestSession, target: { entity: Mutation['entity']; id: string }, base: Record<string, unknown>, changes: Record<string, unknown>) =>
    push(s, h.mutation(s, h.nextSeq(s), target, base, changes, { reason: 'worked the queue' }));
  async function online(s: TestSession, name: 'lead.convert' | 'inquiry.reply', body: unknown): Promise<Outcome> {
    const res = await h.call(s.device.agent, 'POST', API.operation(name), { token: s.token, body });
    return res.status === 200 ? { done: true, reason: '' } : { done: false, reason: String(res.json?.error?.message ?? res.text) };
  }

  /** a lead the care rep created and, when asked, called back */
  async function lead(contacted = false): Promise<string> {
    const id = randomUUID();
    expect(await push(rep(), { ...h.mutation(rep(), h.nextSeq(rep()), { entity: 'lead', id }, {}, leadFields(), { reason: 'quote call' }), op: 'create' })).toEqual({ done: true, reason: '' });
    if (contacted) expect((await change(rep(), { entity: 'lead', id }, { status: 'new' }, { status: 'contacted' })).done).toBe(true);
    return id;
  }
  async function inquiry(): Promise<string> {
    const message = eml({ From: 'Sam Ortiz <sam.ortiz@example.net>', To: 'care@voip.example', Subject: 'Porting my number', 'Message-ID': `<${randomUUID()}@example.net>` }, 'Can I keep my number if I move?');
    const result = await ingestMessage(ingestContext(h), message);
    if (result.outcome !== 'ingested') throw new Error(`not ingested: ${JSON.stringify(result)}`);
    return result.inquiryId;
  }

  /** One attempt of an operation by a role, on records made for it, and whether the store changed them. */
  async function attempt(role: Role, op: Op): Promise<Outcome & { changed: boolean }> {
    const s = session(role);
    const stored = async (entity: string, id: string) => JSON.stringify((await h.store.db.selectFrom('records').select('data').where('entity', '=', entity).where('id', '=', id).executeTakeFirst())?.data ?? null);
    switch (op) {
      case 'lead.create': {
        const id = randomUUID();
        const outcome = await push(s, { ...h.mutation(s, h.nextSeq(s), { entity: 'lead', id }, {}, leadFields(), { reason: 'quote call' }), op: 'create' });
        return { ...outcome, changed: (await stored('lead', id)) !== 'null' };
      }
      case 'lead.edit': {
        const id = await lead();
        const before = await stored('lead', id);
        return { ...(await change(s, { entity: 'lead', id }, { location: 'San Francisco, CA' }, { location: 'Oakland, CA' })), changed: (await stored('lead', id)) !== before };
      }
      case 'lead.setStatus': {
        const id = await lead();
        const before = await stored('lead', id);
        return { ...(await change(s, { entity: 'lead', id }, { status: 'new' }, { status: 'contacted' })), changed: (await stored('lead', id)) !== before };
      }
      case 'lead.convert': {
        const id = await lead(true);
        const before = await stored('lead', id);
        const outcome = await online(s, 'lead.convert', { leadId: id, serviceAddress: { line1: '1 Main Street', city: 'Oakland', state: 'CA', zip: '94607' }, plans: [{ plan: 'Residential Basic', quantity: 1 }] });
        return { ...outcome, changed: (await stored('lead', id)) !== before };
      }
      case 'inquiry.linkCustomer': {
        const id = await inquiry();
        const before = await stored('inquiry', id);
        return { ...(await change(s, { entity: 'inquiry', id }, { customerId: null }, { customerId: h.customer(0).customer.id })), changed: (await stored('inquiry', id)) !== before };
      }
      case 'inquiry.setStatus': {
        const id = await inquiry();
        const before = await stored('inquiry', id);
        return { ...(await change(s, { entity: 'inquiry', id }, { status: 'open' }, { status: 'closed' })), changed: (await stored('inquiry', id)) !== before };
      }
      case 'inquiry.reply': {
        const id = await inquiry();
        const sent = relay.received.length;
        const outcome = await online(s, 'inquiry.reply', { inquiryId: id, body: 'Yes: a number moves with you anywhere in the country.', disclosesAccountData: false });
        return { ...outcome, changed: relay.received.length !== sent };
      }
    }
  }

  beforeAll(async () => {
    relay = await localRelay();
    h = await Harness.start({ customers: 1, config: { mailRelay: { host: '127.0.0.1', port: relay.port, requireTLS: false, from: 'care@voip.example' } } });
    for (const role of ROLES) sessions.set(role, await h.session(role));
  });
  afterAll(async () => {
    await h.dispose();
    await relay.close();
  });

  for (const role of ROLES) {
    const allowed = WORKS_THE_QUEUES.includes(role);
    it(`${role}: ${allowed ? 'every lead and inquiry operation succeeds' : 'every lead and inquiry operation is refused with a reason, nothing changed'}`, async () => {
      const outcomes: Record<string, Outcome & { changed: boolean }> = {};
      for (const op of OPERATIONS) outcomes[op] = await attempt(role, op);
      for (const op of OPERATIONS) {
        const o = outcomes[op]!;
        if (allowed) {
          expect(o, `${role} ${op}`).toEqual({ done: true, reason: '', changed: true });
        } else {
          expect(o.done, `${role} ${op}`).toBe(false);
          expect(o.changed, `${role} ${op} changed nothing`).toBe(false);
          // a reason a person can read, saying what was refused rather than a bare status
          expect(o.reason, `${role} ${op}`).toMatch(/^(a|the) \w+ (role )?may not \w+|^not allowed to change \w+/);
        }
      }
    });
  }

  it('the queues reach only the roles that work or read them; compliance sees the return address masked', async () => {
    const leadId = await lead();
    const inquiryId = await inquiry();
    for (const role of ROLES) {
      const { status, lines } = await h.pull(session(role));
      expect(status).toBe(200);
      const records = lines.flatMap((l) => (l.t === 'put' ? [l] : []));
      const leads = records.filter((r) => r.entity === 'lead' && r.id === leadId);
      const inquiries = records.filter((r) => r.entity === 'inquiry' && r.id === inquiryId);
      const reads = READS_THE_QUEUES.includes(role);
      expect([role, leads.length, inquiries.length]).toEqual([role, reads ? 1 : 0, reads ? 1 : 0]);
      if (!reads) expect(JSON.stringify(lines)).not.toContain('sam.ortiz@example.net');
      if (role === 'compliance') {
        const address = String(inquiries[0]!.data.returnAddress);
        expect(address).not.toBe('sam.ortiz@example.net');
        expect(address).not.toContain('sam.ortiz');
      }
      if (WORKS_THE_QUEUES.includes(role)) expect(inquiries[0]!.data.returnAddress).toBe('sam.ortiz@example.net');
    }
  });
});
