import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '../../../domain/demo/generator';
import { DEMO_SEED, PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * Searches and profile views are audit events (issue 14): a real desk searches its encrypted cache
 * and pushes to a real central store. The log gets each search's kinds and result count and the
 * profiles opened from it, never the query text: a name typed letter by letter is one search,.
 */
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
let rep: TestWorkstation;
let now = Date.parse('2026-12-03T10:00:00.000Z');

beforeAll(async () => {
  central = await startTestCentral({ customers: 12, users: { 'rep.one': 'care_rep' } });
  rep = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: 'desk of rep.one', clock: () => new Date(now) });
  await rep.call('session.signIn', { username: 'rep.one', password: PASSWORD });
  await rep.call('sync.now');
});

afterAll(async () => {
  await rep?.dispose();
  await central?.dispose();
});

const auditRows = (action: string) => central.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

describe('searches and profile views in the audit log', () => {
  it('records a name typed letter by letter as one search with its count, and the profile opened from it, never the query', async () => {
    const d = demo(3);
    const typed = d.customer.lastName;
    for (let n = 2; n <= typed.length; n++) {
      await rep.call('customers.search', { query: typed.slice(0, n) });
      now += 300;
    }
    const hits = (await rep.call('customers.search', { query: typed })).hits;
    expect(hits.map((h) => h.id)).toContain(d.customer.id);
    await rep.call('customers.open', { customerId: d.customer.id });
    await rep.call('sync.now');

    const searches = await auditRows('customer.search');
    expect(searches).toHaveLength(1);
    expect(searches[0]).toMatchObject({ user_id: expect.any(String), outcome: 'ok', customer_id: null, detail: expect.stringMatching(new RegExp(`^name or email search at .*: ${hits.length} results?$`)) });
    const [view] = await auditRows('record.view');
    expect(view).toMatchObject({ entity: 'customer', entity_id: d.customer.id, customer_id: d.customer.id, detail: expect.stringContaining(`opened from search ${searches[0]!.entity_id}`) });
    // the query is nowhere in the log: not in a detail, not in an id, not in any column
    const everything = JSON.stringify(await central.store.db.selectFrom('audit_log').selectAll().execute());
    for (let n = 3; n <= typed.length; n++) expect(everything.toLowerCase()).not.toContain(typed.slice(0, n).toLowerCase());
  });

  it('starts a new search after a pause or once a result was opened, and records a phone search by its kind', async () => {
    const before = (await auditRows('customer.search')).length;
    const d = demo(5);
    const digits = d.customer.phones[0]!.number.replace(/\D/g, '').slice(-7);
    await rep.call('customers.search', { query: digits });
    now += 15_000;
    await rep.call('customers.search', { query: digits.slice(0, 5) });
    await rep.call('sync.now');
    const searches = (await auditRows('customer.search')).slice(before);
    expect(searches).toHaveLength(2);
    expect(searches.every((s) => s.detail!.startsWith('phone'))).toBe(true);
    expect(JSON.stringify(searches)).not.toContain(digits.slice(0, 5));
  });

  it('records words typed together as one search of their kinds, the count and the profile opened, never a word', async () => {
    const before = (await auditRows('customer.search')).length;
    const d = demo(7);
    const last4 = d.customer.phones[0]!.number.slice(-4);
    const surname = d.customer.lastName.slice(0, 5).toLowerCase();
    now += 15_000;
    const found = await rep.call('customers.search', { query: `${last4} ${surname}` });
    expect(found.hits[0]?.id).toBe(d.customer.id);
    await rep.call('customers.open', { customerId: d.customer.id });
    await rep.call('sync.now');
    const searches = (await auditRows('customer.search')).slice(before);
    expect(searches).toHaveLength(1);
    expect(searches[0]!.detail).toMatch(new RegExp(`^phone or name search at .*: ${found.hits.length} results?$`));
    const views = (await auditRows('record.view')).filter((v) => v.detail?.includes(searches[0]!.entity_id!));
    expect(views.map((v) => v.entity_id)).toEqual([d.customer.id]);
    const everything = JSON.stringify(await central.store.db.selectFrom('audit_log').selectAll().execute()).toLowerCase();
    expect(everything).not.toContain(`${last4} ${surname}`);
    expect(everything).not.toContain(surname);
  });
});
