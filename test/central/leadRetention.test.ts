import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, DEFAULT_LEAD_RETENTION_DAYS, PushResponse, type Mutation } from '../../domain';
import { purgeStaleLeads } from '../../central/leads/retention';
import { inProcessChangeFeed } from '../../central/sync/changeFeed';
import { Harness, type TestSession } from './harness';
import { storedBytes } from '../support/storedBytes';

const DAY = 86_400_000;

/**
 * A lead is kept to its purpose (issue 12): never converted, it is purged after the server policy's
 * days (180 unless configured) from the central store — tombstoned for every desk, its bytes gone
 * from the file — while a converted lead stays with its customer.
 */
describe('the retention of leads', () => {
  let h: Harness;
  let rep: TestSession;
  const push = async (m: Mutation) => PushResponse.parse((await h.push(rep, [m])).json).results[0]!;
  const lead = (email: string) => ({
    firstName: 'Old',
    lastName: 'Prospect',
    email,
    phone: '+14155550123',
    mailingAddress: { line1: '5 Stale Lane', city: 'Reno', state: 'NV', zip: '89501' },
    location: 'Reno, NV',
    requestedServices: ['home phone'],
  });
  async function created(email: string): Promise<string> {
    const id = randomUUID();
    expect((await push({ ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id }, {}, lead(email), { reason: 'quote call' }), op: 'create' })).status).toBe('applied');
    return id;
  }
  const files = () => storedBytes(h.store);
  /** the store's database and clock; the feed's pokes are not what this test is about (the pull below is) */
  const context = () => ({ db: h.store.db, clock: h.clock, feed: inProcessChangeFeed(), leadRetentionDays: DEFAULT_LEAD_RETENTION_DAYS });

  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    rep = await h.session('care_rep');
  });
  afterAll(() => h.dispose());

  it('purges unconverted leads past the policy’s days, open or closed, and keeps younger and converted ones', async () => {

    const open = await created('stale.open@example.org');
    const closed = await created('stale.closed@example.org');
    expect((await push(h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: closed }, { status: 'new' }, { status: 'closed' }, { reason: 'not interested' }))).status).toBe('applied');
    // a converted one: the customer's from then on
    const converted = await created('became.customer@example.org');
    expect((await push(h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: converted }, { status: 'new' }, { status: 'contacted' }, { reason: 'called back' }))).status).toBe('applied');
    const conversion = await h.call(rep.device.agent, 'POST', API.operation('lead.convert'), {
      token: rep.token,
      body: { leadId: converted, serviceAddress: lead('x@example.org').mailingAddress, plans: [{ plan: 'Residential Basic', quantity: 1 }] },
    });
    expect(conversion.json.status, conversion.text).toBe('converted');

    // a day short of the retention: nothing goes
    h.clock.advance((DEFAULT_LEAD_RETENTION_DAYS - 1) * DAY);
    // half a year on: a new session (a session does not last that long)
    rep = await h.session('care_rep');
    const young = await created('young.lead@example.org');
    // (the seeded demo leads are older: whatever of them is past its days goes now, none of this test's)
    await purgeStaleLeads(context());
    for (const id of [open, closed, converted, young]) expect((await h.record('lead', id)).data).not.toBeNull();

    h.clock.advance(2 * DAY);
    const cursor = Number((await h.store.db.selectFrom('meta').select('value').where('key', '=', 'change_seq').executeTakeFirst())?.value ?? 0);
    expect(await purgeStaleLeads(context())).toEqual({ purged: 2 });
    expect((await h.record('lead', open)).data).toBeNull();
    expect((await h.record('lead', closed)).data).toBeNull();
    expect((await h.record('lead', converted)).data).toMatchObject({ status: 'converted' });
    expect((await h.record('lead', young)).data).toMatchObject({ status: 'new' });

    // every desk deletes them at its next pull
    const pulled = await h.pull(await h.session('care_rep'), cursor);
    expect(pulled.status).toBe(200);
    expect(pulled.lines.filter((l) => l.t === 'del').map((l) => (l as { id: string }).id).sort()).toEqual([open, closed].sort());
    // no bytes left in the file, and the audit row names ids, never a value
    const bytes = await files();
    expect(['stale.open@example.org', 'stale.closed@example.org'].filter((v) => bytes.includes(Buffer.from(v)))).toEqual([]);
    expect(bytes.includes(Buffer.from('young.lead@example.org'))).toBe(true);
    const audit = (await h.store.db.selectFrom('audit_log').select(['detail', 'outcome']).where('action', '=', 'lead.retention_purged').execute()).filter((a) => a.detail?.includes(open));
    expect(audit).toEqual([{ outcome: 'ok', detail: expect.stringContaining(closed) }]);
    expect(audit[0]!.detail).not.toContain('stale.open');
    // run again: nothing more
    expect(await purgeStaleLeads(context())).toEqual({ purged: 0 });
  });
});
