import { createHash, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../central/inquiries/ingest';
import { neutralise } from '../../central/sharing/partnerExport';
import { API, PushResponse, ROLES, SHARING_PURPOSES, SHARING_PURPOSE_NAMES, SharingExportResult, SharingRecord, shareableColumns, type SharingColumn } from '../../domain';
import { eml, ingestContext } from '../support/mail';
import { Harness, type TestSession } from './harness';

/**
 * Partner sharing (DESIGN §1 "Sharing"; issue 14) and purpose binding (issue 12), at the central
 * store: a file holds exactly its purpose's declared columns for the customers the purpose covers,
 * leaves out and counts those who opted out, neutralises spreadsheet formulas while E.164 phones
 * stay parseable, and is recorded in the sharing register with its SHA-256. No export path can
 * include a lead or an inquiry's return address: not through a purpose's declaration, not through a
 * forged request. The partner export is today's one export path; every later one joins these tests.
 */
describe('partner sharing', () => {
  let h: Harness;
  let compliance: TestSession;
  let rep: TestSession;
  const exportFor = (s: TestSession, body: unknown) => h.call(s.device.agent, 'POST', API.operation('sharing.export'), { token: s.token, body });

  /** Sets a stored record's fields directly: the state a test starts from, not a path under test. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test sets whatever field it starts from
  async function setStored(entity: string, id: string, patch: (data: Record<string, any>) => void) {
    const { data } = await h.record(entity, id);
    patch(data);
    await h.store.db.updateTable('records').set({ data: JSON.stringify(data) }).where('entity', '=', entity).where('id', '=', id).execute();
  }
  const accountOf = (i: number) => h.customer(i).billingAccount;

  beforeAll(async () => {
    h = await Harness.start({ customers: 8 });
    compliance = await h.session('compliance');
    rep = await h.session('care_rep');
    // every account current and on autopay, every customer sharing-consenting: then the cases below
    for (let i = 0; i < 8; i++) {
      await setStored('billingAccount', accountOf(i).id, (a) => Object.assign(a, { status: 'current', autopay: true }));
      await setStored('customer', h.customer(i).customer.id, (c) => (c.consents.partnerSharing = true));
    }
    for (const i of [0, 1, 2, 3]) await setStored('billingAccount', accountOf(i).id, (a) => (a.status = 'collections'));
    await setStored('customer', h.customer(3).customer.id, (c) => (c.consents.partnerSharing = false));
    // data from before validation: a mailing address line a spreadsheet would run
    await setStored('customer', h.customer(1).customer.id, (c) => (c.mailingAddress.line1 = '=HYPERLINK("http://evil.example","Pay here")'));
    for (const i of [4, 5]) await setStored('billingAccount', accountOf(i).id, (a) => (a.autopay = false));
  });
  afterAll(() => h.dispose());

  it('writes exactly the purpose’s columns for the customers it covers, leaves out and counts those who opted out, and registers the file’s SHA-256', async () => {
    const res = await exportFor(compliance, { partner: 'Northwind Collections LLC', purpose: 'collections' });
    expect(res.status, res.text).toBe(200);
    const { record, csv, saveAs } = SharingExportResult.parse(res.json);
    expect(saveAs).toMatch(/^collections-northwind-collections-llc-\d{8}-\d{4}\.csv$/);

    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    const headers = SHARING_PURPOSES.collections.columns.map((c) => c.header);
    expect(Object.keys(rows[0]!)).toEqual(headers);
    expect(rows.map((r) => r.account_number).sort()).toEqual([0, 1, 2].map((i) => h.customer(i).customer.accountNumber).sort());
    expect(record).toMatchObject({ partner: 'Northwind Collections LLC', purpose: 'collections', fields: headers, customerCount: 3, optedOutCount: 1, exportedBy: compliance.user.id });
    expect(record.sha256).toBe(createHash('sha256').update(csv, 'utf8').digest('hex'));

    const c0 = h.customer(0).customer;
    const row0 = rows.find((r) => r.account_number === c0.accountNumber)!;
    expect(row0).toMatchObject({ first_name: c0.firstName, last_name: c0.lastName, phone: c0.phones[0]!.number, address_1: c0.mailingAddress.line1, zip: c0.mailingAddress.zip, currency: 'USD' });
    // E.164 stays as it is, a formula does not run
    expect(row0.phone).toMatch(/^\+1\d{10}$/);
    expect(rows.find((r) => r.account_number === h.customer(1).customer.accountNumber)!.address_1).toBe('\'=HYPERLINK("http://evil.example","Pay here")');
    // nothing the purpose does not need: no email, no ids
    expect(csv).not.toContain(c0.email!);
    expect(csv).not.toContain(c0.id);

    // the register holds the record, stored as made; its audit row names columns and counts, never a row
    expect(SharingRecord.parse((await h.record('sharingRecord', record.id)).data)).toEqual(record);
    const audit = await h.store.db.selectFrom('audit_log').select(['user_id', 'outcome', 'fields', 'detail']).where('action', '=', 'sharing.exported').where('entity_id', '=', record.id).execute();
    expect(audit).toEqual([{ user_id: compliance.user.id, outcome: 'ok', fields: JSON.stringify(headers), detail: expect.stringContaining(record.sha256) }]);
    expect(JSON.stringify(audit)).not.toContain(c0.lastName);

    // compliance's desk receives the register entry, never the file; a care rep receives neither
    const pulled = (await h.pull(compliance)).lines.flatMap((l) => (l.t === 'put' && l.entity === 'sharingRecord' ? [l] : []));
    expect(pulled.map((l) => l.id)).toContain(record.id);
    expect(JSON.stringify(pulled)).not.toContain(c0.lastName);
    expect((await h.pull(rep)).lines.some((l) => l.t === 'put' && l.entity === 'sharingRecord')).toBe(false);
  });

  it('covers for paper statements the open accounts without autopay, with the billing address', async () => {
    const res = await exportFor(compliance, { partner: 'Acme Print & Mail', purpose: 'paper_statements' });
    const { csv, record } = SharingExportResult.parse(res.json);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.account_number).sort()).toEqual([4, 5].map((i) => h.customer(i).customer.accountNumber).sort());
    expect(rows.find((r) => r.account_number === h.customer(4).customer.accountNumber)!.address_1).toBe(accountOf(4).billingAddress.line1);
    expect(record.customerCount).toBe(2);
  });

  it('can include no lead and no inquiry return address: not by any declared purpose, not by a forged request', async () => {
    // a lead and an inquiry whose addresses appear nowhere else, the inquiry linked to a customer in collections
    const leadId = randomUUID();
    const lead = { firstName: 'Marisol', lastName: 'Quetzal', email: 'lead.only.marker@example.org', phone: '+14155550177', mailingAddress: { line1: '9 Lead Lane', city: 'Reno', state: 'NV', zip: '89501' }, location: 'Reno, NV', requestedServices: ['home phone'] };
    const created = await h.push(rep, [{ ...h.mutation(rep, h.nextSeq(rep), { entity: 'lead', id: leadId }, {}, lead, { reason: 'quote call' }), op: 'create' }]);
    expect(PushResponse.parse(created.json).results[0]!.status).toBe('applied');
    const ingested = await ingestMessage(ingestContext(h), eml({ From: 'inquiry.only.marker@example.net', To: 'care@voip.example', Subject: 'My bill', 'Message-ID': `<${randomUUID()}@example.net>` }, 'Why is my bill so high?'));
    if (ingested.outcome !== 'ingested') throw new Error('not ingested');
    const link = h.mutation(rep, h.nextSeq(rep), { entity: 'inquiry', id: ingested.inquiryId }, { customerId: null }, { customerId: h.customer(0).customer.id }, { reason: 'caller said she wrote' });
    expect(PushResponse.parse((await h.push(rep, [link])).json).results[0]!.status).toBe('applied');

    for (const purpose of SHARING_PURPOSE_NAMES) {
      const { csv } = SharingExportResult.parse((await exportFor(compliance, { partner: 'Any Partner', purpose })).json);
      for (const marker of ['lead.only.marker', 'inquiry.only.marker', 'Quetzal', '9 Lead Lane', '+14155550177']) expect(csv, `${purpose} holds ${marker}`).not.toContain(marker);
    }

    // a request names a declared purpose and nothing else: no purpose of its own, no extra columns
    const before = (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'sharingRecord').execute()).length;
    const leads = await exportFor(compliance, { partner: 'Any Partner', purpose: 'leads' });
    expect([leads.status, leads.json.error.issues[0].field]).toEqual([400, 'purpose']);
    for (const extra of [{ fields: ['lead.email'] }, { columns: [{ header: 'email', from: 'inquiry', path: 'returnAddress' }] }, { entity: 'inquiry' }]) {
      const forged = await exportFor(compliance, { partner: 'Any Partner', purpose: 'collections', ...extra });
      expect([forged.status, forged.json.error.issues[0].rule], JSON.stringify(extra)).toEqual([400, 'unknown_field']);
    }
    // nor the register's own fields: a client cannot forge the row count, the counts, the hash, who or when (issue 14)
    for (const forged of [{ customerCount: 0 }, { optedOutCount: 0 }, { sha256: 'a'.repeat(64) }, { exportedBy: rep.user.id }, { at: '2020-01-01T00:00:00.000Z' }, { fields: ['account_number'] }]) {
      const res = await exportFor(compliance, { partner: 'Any Partner', purpose: 'collections', ...forged });
      expect([res.status, res.json.error.issues[0].rule], JSON.stringify(forged)).toEqual([400, 'unknown_field']);
    }
    expect((await h.store.db.selectFrom('records').select('id').where('entity', '=', 'sharingRecord').execute()).length).toBe(before);

    // a purpose's declaration cannot draw on them either: every declared purpose passes, these do not
    for (const purpose of SHARING_PURPOSE_NAMES) expect(shareableColumns(SHARING_PURPOSES[purpose])).toBe(SHARING_PURPOSES[purpose].columns);
    const declare = (column: object) => () => shareableColumns({ columns: [column as SharingColumn] });
    expect(declare({ header: 'email', from: 'lead', path: 'email' })).toThrow(/lead data is purpose-bound/);
    expect(declare({ header: 'reply_to', from: 'inquiry', path: 'returnAddress' })).toThrow(/inquiry data is purpose-bound/);
    expect(declare({ header: 'reason', from: 'erasureRequest', path: 'reason' })).toThrow(/draws only on customer and billingAccount/);
  });

  it('is compliance’s alone: every other role is refused with a reason and nothing is registered', async () => {
    const before = (await h.store.db.selectFrom('records').select('id').where('entity', '=', 'sharingRecord').execute()).length;
    for (const role of ROLES.filter((r) => r !== 'compliance')) {
      const s = await h.session(role);
      const res = await exportFor(s, { partner: 'Northwind Collections LLC', purpose: 'collections' });
      expect([role, res.status, res.json.error.message]).toEqual([role, 403, `the ${role} role may not export a file for a partner`]);
    }
    expect((await h.store.db.selectFrom('records').select('id').where('entity', '=', 'sharingRecord').execute()).length).toBe(before);
  });
});

describe('formula neutralising', () => {
  it('prefixes what a spreadsheet would run, and leaves E.164 phones in a phone column as they are', () => {
    const text = {};
    const phone = { kind: 'phone' as const };
    expect(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx'].map((v) => neutralise(v, text))).toEqual(["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", "'\rx"]);
    expect(['Smith', '12 Main St', ''].map((v) => neutralise(v, text))).toEqual(['Smith', '12 Main St', '']);
    expect(neutralise('+14155550142', phone)).toBe('+14155550142');
    expect(neutralise('+14155550142', text)).toBe("'+14155550142");
    expect(neutralise('+1415|cmd', phone)).toBe("'+1415|cmd");
    expect(neutralise('=1+1', phone)).toBe("'=1+1");
  });
});
