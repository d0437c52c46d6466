import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Download, Page } from '@playwright/test';
import { BillingAccount, Customer, SHARING_CONSENT, SHARING_PURPOSES, SubjectAccessReport } from '../../domain';
import type { TestCentral } from '../support/central';
import { customerNo, nameOf, signInAndSync, signInByKeys, ui } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';
import { tabTo } from './support/keyboard';

/**
 * The compliance officer's registers (issue 14), on two compliance desks against a real central
 * store: a disclosure recorded by one officer with only the items its legal basis offers and
 * released by the other (never by its preparer); a partner export made by the central store, handed
 * over as a file (parsed back here: exactly the purpose's columns, no opted-out customer, no lead, a
 * spreadsheet formula neutralised, its SHA-256 the register's); and a subject access report that
 * leaves out a disclosure under a non-disclosure order. Then the same work with the keyboard alone.
 */
test.use({ customers: 80 });

const HYPERLINK = '=HYPERLINK("http://evil.example","Pay here")';
const views = (page: Page) => page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
const fileOf = async (download: Download) => readFileSync((await download.path())!, 'utf8');

/** Sets stored records directly: the state the test starts from (accounts in collections, consents, a name from before validation). */
async function collectionsState(central: TestCentral): Promise<void> {
  const set = async (entity: string, id: string, patch: (d: Record<string, unknown>) => void) => {
    const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', entity).where('id', '=', id).executeTakeFirstOrThrow();
    const data = JSON.parse(row.data!) as Record<string, unknown>;
    patch(data);
    await central.store.db.updateTable('records').set({ data: JSON.stringify(data) }).where('entity', '=', entity).where('id', '=', id).execute();
  };
  for (const i of [30, 31, 32, 33]) {
    const c = customerNo(i);
    await set('billingAccount', c.billingAccount.id, (a) => (a.status = 'collections'));
    await set('customer', c.customer.id, (d) => ((d.consents as Record<string, boolean>)[SHARING_CONSENT] = i !== 33));
  }
  await set('customer', customerNo(32).customer.id, (d) => (d.lastName = HYPERLINK));
}

/** Who the collections file must hold and leave out, read from the central store (the system of record). */
async function expectedCollections(central: TestCentral) {
  const rows = await central.store.db
    .selectFrom('records as c')
    .innerJoin('records as b', (j) => j.onRef('b.customer_id', '=', 'c.id').on('b.entity', '=', 'billingAccount'))
    .select(['c.data as customer', 'b.data as account'])
    .where('c.entity', '=', 'customer')
    .where('c.data', 'is not', null)
    .execute();
  const covered = rows.map((r) => ({ customer: Customer.parse(JSON.parse(r.customer!)), account: BillingAccount.parse(JSON.parse(r.account!)) })).filter((r) => SHARING_PURPOSES.collections.includes(r.customer, r.account));
  return { shared: covered.filter((r) => r.customer.consents[SHARING_CONSENT]).map((r) => r.customer), optedOut: covered.filter((r) => !r.customer.consents[SHARING_CONSENT]).map((r) => r.customer) };
}

test('compliance records a disclosure another officer releases, exports a partner file, and makes a subject access report', async ({ openDesk, central }) => {
  // three desks and four captures, each axe-checked twice
  test.setTimeout(360_000);
  await collectionsState(central);
  const cora = await openDesk({ name: 'desk of Cora' });
  const cole = await openDesk({ name: 'desk of Cole' });
  const rep = await openDesk({ name: 'desk of Casey' });
  await signInAndSync(cora.page, 'comp.cora');
  await signInAndSync(cole.page, 'comp.cole');
  await signInAndSync(rep.page, 'care.rep');
  const page = cora.page;
  const c = customerNo(20);

  // the views go to whoever performs their operations (compliance), with their shortcuts, and to no one else
  await expect(views(page)).toHaveText([/Customers/, /Approvals/, /Legal holds/, /Disclosures/, /Partner sharing/, /Subject access/, /Audit log/]);
  await expect(views(rep.page).filter({ hasText: /Disclosures|Partner sharing|Subject access/ })).toHaveCount(0);

  // --- a disclosure: the legal basis decides the items offered ---
  await page.keyboard.press('Alt+7');
  const register = page.getByRole('region', { name: 'Disclosure register' });
  await register.getByRole('button', { name: 'Record a disclosure' }).click();
  const form = register.getByRole('form', { name: 'Record a disclosure' });
  await form.getByRole('button', { name: 'Record for approval' }).click();
  await expect(form).toContainText('Not recorded: 5 fields need correcting.');
  await expect(form.locator('.field-error').filter({ hasText: 'Pick the customer the disclosure is about' })).toBeVisible();
  await expect(form).toContainText('Choose the legal basis first');
  const customer = form.getByRole('combobox', { name: 'Customer', exact: true });
  await customer.fill(c.customer.accountNumber);
  await expect(form.getByRole('option').first()).toContainText(nameOf(c));
  await customer.press('Enter');
  await form.getByLabel('Requester').fill('Det. A. Ruiz, Reno Police Department');
  await form.getByLabel('Document reference').fill('Grand jury subpoena 2026-GJ-0412');
  const basis = form.getByLabel('Legal basis');
  await basis.selectOption({ label: 'Court order (ECPA)' });
  await form.getByRole('checkbox', { name: /^Invoices/ }).check();
  // a subpoena reaches basic subscriber information only: invoices are no longer offered, and the tick goes
  await basis.selectOption({ label: 'Subpoena (ECPA)' });
  await expect(form.getByRole('checkbox', { name: /^Invoices/ })).toHaveCount(0);
  await expect(form).toContainText('18 U.S.C. §2703(c)(2): basic subscriber information');
  await form.getByRole('checkbox', { name: /^Name/ }).check();
  await form.getByRole('checkbox', { name: /^Telephone numbers/ }).check();
  await form.getByRole('checkbox', { name: /^Service address/ }).check();
  await form.getByRole('checkbox', { name: /non-disclosure order applies/ }).check();
  await expect(form).not.toContainText('Not recorded');
  await capture(page, 'compliance-disclosure-new');
  await form.getByRole('button', { name: 'Record for approval' }).click();
  await expect(register).toContainText(`Disclosure about ${nameOf(c)} recorded. Nothing leaves until another compliance officer approves it.`);
  const mine = register.getByRole('list', { name: 'Disclosures awaiting approval' }).getByRole('listitem').filter({ hasText: 'Grand jury subpoena 2026-GJ-0412' });
  await expect(mine).toContainText('You prepared it: another compliance officer approves it.');
  await expect(mine).toContainText('Non-disclosure order');
  await expect(mine.getByRole('button', { name: /Approve/ })).toHaveCount(0);

  // and one the customer may be told of, made through Cora's desk's console API, released by Cole's
  const told = crypto.randomUUID();
  await cora.ws.call('disclosure.prepare', { id: told, customerId: c.customer.id, requester: 'Upstream Carrier Abuse Desk', legalBasis: 'aup_violation', fieldsDisclosed: ['name', 'accountNumber'], documentReference: 'AUP case 77', nonDisclosureOrder: false });
  await cole.ws.call('disclosure.approve', { disclosureId: told });

  // Cole, the other officer, approves the subpoena: the items are released to him, and he saves them
  await cole.page.keyboard.press('Alt+7');
  const coles = cole.page.getByRole('region', { name: 'Disclosure register' });
  const waiting = coles.getByRole('list', { name: 'Disclosures awaiting approval' }).getByRole('listitem').filter({ hasText: 'Grand jury subpoena 2026-GJ-0412' });
  await waiting.getByRole('button', { name: `Approve and release the disclosure about ${nameOf(c)}` }).click({ timeout: 30_000 });
  const released = coles.getByRole('region', { name: `Released items: ${nameOf(c)}` });
  await expect(released).toContainText(nameOf(c));
  await expect(released).toContainText(c.customer.serviceAddress.line1);
  const saving = cole.page.waitForEvent('download');
  await released.getByRole('button', { name: 'Save the disclosure' }).click();
  const disclosureFile = await fileOf(await saving);
  expect(disclosureFile).toContain(`Name: ${nameOf(c)}`);
  expect(disclosureFile).not.toContain(c.customer.email!);
  const approvedItem = coles.getByRole('list', { name: 'Approved disclosures' }).getByRole('listitem').filter({ hasText: 'Grand jury subpoena 2026-GJ-0412' });
  await expect(approvedItem).toContainText('Approved and released');
  await expect(approvedItem).toContainText('by you');
  await capture(cole.page, 'compliance-disclosure-register');

  // --- a partner export: the file parsed back ---
  await page.keyboard.press('Alt+8');
  const sharing = page.getByRole('region', { name: 'Partner sharing' });
  await sharing.getByRole('textbox', { name: 'Partner' }).fill('Northwind Collections LLC');
  await sharing.getByLabel('Purpose').selectOption({ label: SHARING_PURPOSES.collections.label });
  const headers = SHARING_PURPOSES.collections.columns.map((col) => col.header);
  await expect(sharing.getByLabel('What the file holds')).toContainText(headers.join(', '));
  const exporting = page.waitForEvent('download');
  await sharing.getByRole('button', { name: 'Make the export' }).click();
  const download = await exporting;
  expect(download.suggestedFilename()).toMatch(/^collections-northwind-collections-llc-\d{8}-\d{4}\.csv$/);
  const csv = await fileOf(download);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  expect(Object.keys(rows[0]!)).toEqual(headers);
  const { shared, optedOut } = await expectedCollections(central);
  expect(rows.map((r) => r.account_number).sort()).toEqual(shared.map((s) => s.accountNumber).sort());
  expect(optedOut.map((o) => o.accountNumber)).toContain(customerNo(33).customer.accountNumber);
  for (const o of optedOut) expect(csv).not.toContain(o.accountNumber);
  // the formula does not run, and an E.164 phone stays as it is
  const hyper = rows.find((r) => r.account_number === customerNo(32).customer.accountNumber)!;
  expect(hyper.last_name).toBe(`'${HYPERLINK}`);
  expect(rows.find((r) => r.account_number === customerNo(30).customer.accountNumber)!.phone).toBe(customerNo(30).customer.phones[0]!.number);
  // no lead: no lead's email, phone or name is in the file
  const leads = (await central.store.db.selectFrom('records').select('data').where('entity', '=', 'lead').where('data', 'is not', null).execute()).map((l) => JSON.parse(l.data!) as { email: string; lastName: string; phone: string });
  expect(leads.length).toBeGreaterThan(0);
  for (const lead of leads) for (const value of [lead.email, lead.phone]) expect(csv).not.toContain(value);
  // the register holds the file's SHA-256, as the view shows it
  const sha256 = createHash('sha256').update(csv, 'utf8').digest('hex');
  await expect(sharing).toContainText(`${shared.length} customers; ${optedOut.length} left out because they opted out`);
  const entry = sharing.getByRole('row').filter({ hasText: 'Northwind Collections LLC' });
  await expect(entry).toContainText(sha256, { timeout: 20_000 });
  const stored = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'sharingRecord').execute();
  expect(stored.map((s) => JSON.parse(s.data!).sha256)).toEqual([sha256]);
  await capture(page, 'compliance-sharing-export');

  // --- a subject access report: the disclosure under a non-disclosure order leaves no trace ---
  // a care rep verified the caller: a recipient by role
  await rep.ws.call('customer.verifyCaller', { customerId: c.customer.id, method: 'ssn_last4', answer: c.secrets.ssnLast4 });
  await page.keyboard.press('Alt+9');
  const access = page.getByRole('region', { name: 'Subject access' });
  const who = access.getByRole('combobox', { name: 'Customer', exact: true });
  await who.fill(c.customer.accountNumber);
  await expect(access.getByRole('option').first()).toContainText(nameOf(c));
  await who.press('Enter');
  await access.getByRole('button', { name: 'Make the report' }).click();
  const report = access.getByRole('region', { name: `Report for ${nameOf(c)}` });
  await expect(report.getByRole('heading', { name: 'Disclosed to third parties (1)' })).toBeVisible();
  await expect(report).toContainText('Upstream Carrier Abuse Desk');
  await expect(report).not.toContainText('Ruiz');
  await expect(report.getByRole('table', { name: 'Recipients by role' }).getByRole('row').filter({ hasText: 'Care rep' })).toHaveText(/Care rep\s*1\s*0/);
  await expect(report.getByRole('table', { name: /^Accesses and changes/ })).toContainText('Caller verification');
  const reporting = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Save the report' }).click();
  const sar = await fileOf(await reporting);
  const parsed = SubjectAccessReport.parse(JSON.parse(sar));
  expect(parsed.customerId).toBe(c.customer.id);
  expect(parsed.disclosures.map((d) => d.requester)).toEqual(['Upstream Carrier Abuse Desk']);
  for (const trace of ['Ruiz', '2026-GJ-0412', 'nonDisclosureOrder', 'non-disclosure']) expect(sar, trace).not.toContain(trace);
  // the report is an audited export: its hash in the audit log
  const audit = await central.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'subject_access.exported').where('customer_id', '=', c.customer.id).execute();
  expect(audit.map((a) => a.detail)).toEqual([expect.stringContaining(createHash('sha256').update(sar, 'utf8').digest('hex'))]);
  await capture(page, 'compliance-subject-access');
  await expect(ui(page).status.pending).toContainText('0 waiting to send');
});

test('the keyboard alone is enough for a compliance officer’s registers and reports', async ({ openDesk }) => {
  test.setTimeout(240_000);
  const cora = await openDesk({ name: 'desk of Cora' });
  const cole = await openDesk({ name: 'desk of Cole' });
  const { page } = cora;
  const keys = page.keyboard;
  const u = ui(page);
  const c = customerNo(24);
  await signInAndSync(cole.page, 'comp.cole');

  // the password and the second factor by keyboard too (issue 14)
  await signInByKeys(page, 'comp.cora');
  await expect(u.status.lastSync).not.toContainText('not yet', { timeout: 30_000 });

  // a disclosure: Alt+7, the button, the customer (Enter picks), the fields, the basis (arrows), the items (Space), Enter
  await keys.press('Alt+7');
  await tabTo(page, page.getByRole('button', { name: 'Record a disclosure' }));
  await keys.press('Enter');
  const form = page.getByRole('form', { name: 'Record a disclosure' });
  await expect(form.getByRole('combobox', { name: 'Customer', exact: true })).toBeFocused();
  await keys.type(c.customer.accountNumber);
  await expect(form.getByRole('option').first()).toContainText(nameOf(c));
  await keys.press('Enter');
  await keys.press('Tab');
  await expect(form.getByLabel('Requester')).toBeFocused();
  await keys.type('Network abuse desk, upstream carrier');
  await keys.press('Tab');
  await keys.type('AUP ticket 5521');
  await keys.press('Tab');
  await expect(form.getByLabel('Legal basis')).toBeFocused();
  for (let i = 0; i < 4; i++) await keys.press('ArrowDown');
  await expect(form.getByLabel('Legal basis')).toHaveValue('aup_violation');
  await tabTo(page, form.getByRole('checkbox', { name: /^Name/ }));
  await keys.press('Space');
  await tabTo(page, form.getByRole('checkbox', { name: /^Email address/ }));
  await keys.press('Space');
  await tabTo(page, form.getByRole('button', { name: 'Record for approval' }));
  await keys.press('Enter');
  await expect(page.getByText(`Disclosure about ${nameOf(c)} recorded.`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record a disclosure' })).toBeFocused();

  // the other officer approves from the keyboard: Alt+7, Tab to the approval, Enter
  await cole.page.keyboard.press('Alt+7');
  const approve = cole.page.getByRole('button', { name: `Approve and release the disclosure about ${nameOf(c)}` });
  await expect(approve).toBeVisible({ timeout: 30_000 });
  await tabTo(cole.page, approve);
  await cole.page.keyboard.press('Enter');
  await expect(cole.page.getByRole('region', { name: `Released items: ${nameOf(c)}` })).toContainText(c.customer.email!);

  // a partner export: Alt+8, the partner, the purpose (arrows), Enter on the button
  await keys.press('Alt+8');
  await tabTo(page, page.getByRole('textbox', { name: 'Partner' }));
  await keys.type('Acme Print & Mail');
  await keys.press('Tab');
  await keys.press('ArrowDown');
  await expect(page.getByLabel('Purpose')).toHaveValue('paper_statements');
  await tabTo(page, page.getByRole('button', { name: 'Make the export' }));
  const exporting = page.waitForEvent('download');
  await keys.press('Enter');
  expect((await exporting).suggestedFilename()).toMatch(/^paper_statements-acme-print-mail-/);
  await expect(page.getByText('Exported for Acme Print & Mail')).toBeVisible();

  // a subject access report: Alt+9, the customer (Enter picks, Enter again makes it), Tab to save
  await keys.press('Alt+9');
  const access = page.getByRole('region', { name: 'Subject access' });
  await tabTo(page, access.getByRole('combobox', { name: 'Customer', exact: true }));
  await keys.type(c.customer.accountNumber);
  await expect(access.getByRole('option').first()).toContainText(nameOf(c));
  await keys.press('Enter');
  await keys.press('Enter');
  const report = page.getByRole('region', { name: `Report for ${nameOf(c)}` });
  await expect(report).toContainText('Network abuse desk, upstream carrier');
  await tabTo(page, report.getByRole('button', { name: 'Save the report' }));
  const saving = page.waitForEvent('download');
  await keys.press('Enter');
  expect(SubjectAccessReport.parse(JSON.parse(await fileOf(await saving))).disclosures).toHaveLength(1);
});
