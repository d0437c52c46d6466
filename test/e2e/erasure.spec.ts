import { eventually } from '../support/workstation';
import { customerNo, nameOf, openCustomer, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * "Remove my personal data" end to end (issue 11): a care rep files the request on a verified call;
 * a legal hold recorded by compliance stops the supervisor's approval and the console says why; once
 * it is released, the approval erases the customer on every desk, and the certificate lists what was
 * erased and kept and each desk's confirmation. Real desks, real central store, Chromium.
 */
test('an erasure is filed on a call, stopped by a legal hold, then approved, and certified', async ({ openDesk, central }) => {
  const rep = await openDesk({ name: 'desk of Casey' });
  const sup = await openDesk({ name: 'desk of Sam' });
  const comp = await openDesk({ name: 'desk of Cora' });
  await signInAndSync(rep.page, 'care.rep');
  await signInAndSync(sup.page, 'sup.sam');
  await signInAndSync(comp.page, 'comp.cora');
  const c = customerNo(31);

  // the rep, on the call
  await openCustomer(rep.page, c);
  const erasure = rep.page.getByRole('region', { name: 'Erasure of personal data' });
  await expect(erasure).toContainText('Verify the caller to file a request');
  await verifyCaller(rep.page, c);
  await erasure.getByRole('button', { name: 'Request erasure' }).click();
  // the lesser erasure is offered first; this caller asks for the whole account
  await expect(erasure.getByRole('radio', { name: /Contact details only/ })).toBeChecked();
  await erasure.getByRole('radio', { name: /The whole account/ }).check();
  await erasure.getByLabel('Reason for the change').fill('Caller asked us to remove all their personal data');
  await capture(rep.page, 'erasure-request');
  await erasure.getByRole('button', { name: 'Save' }).click();
  await expect(erasure).toContainText('Erasure request filed');
  await expect(erasure).toContainText('Waiting for a decision');

  // compliance records a legal hold (through its desk's console API here; the Legal holds view has its own spec, legalHolds.spec.ts)
  const hold = await comp.ws.call('records.change', { operation: 'legalHold.place', values: { customerId: c.customer.id, kind: 'ecpa_preservation', reference: 'Preservation letter 2026-771' }, reason: 'letter received' });
  await eventually(async () => ((await comp.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'the hold stored');

  // the supervisor's approvals
  await sup.page.getByRole('button', { name: /Approvals/ }).click();
  const request = sup.page.getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(request).toContainText('Caller asked us to remove all their personal data', { timeout: 20_000 });
  await expect(request).toContainText('The whole account');
  await request.getByLabel('Reason for the decision').fill('Identity checked on a callback');
  await capture(sup.page, 'erasure-approval');
  await request.getByRole('button', { name: 'Approve and erase' }).click();
  await expect(request).toContainText('a legal hold blocks this erasure: an ECPA preservation request (Preservation letter 2026-771)', { timeout: 20_000 });
  await capture(sup.page, 'erasure-hold');
  expect((await central.store.db.selectFrom('records').select('data').where('id', '=', c.customer.id).executeTakeFirstOrThrow()).data).not.toBeNull();

  // released by compliance: the approval goes through, and the store erases the customer
  await comp.ws.call('records.change', { operation: 'legalHold.release', id: hold.id, values: { status: 'released' }, reason: 'preservation period over' });
  await eventually(async () => ((await comp.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'the release stored');
  await request.getByLabel('Reason for the decision').fill('Hold released; identity checked on a callback');
  await request.getByRole('button', { name: 'Approve and erase' }).click();
  const decided = sup.page.getByRole('region', { name: 'Decided' });
  await expect(decided).toContainText('Erased', { timeout: 20_000 });

  // every desk purges and confirms; the rep's desk no longer finds the customer
  await eventually(async () => {
    const acks = await central.store.db.selectFrom('erasure_acks').select('confirmed_at').execute();
    return acks.length === 3 && acks.every((a) => a.confirmed_at) ? true : null;
  }, 30_000, 'three desks confirmed');
  await ui(rep.page).search.fill(c.customer.accountNumber);
  await expect(rep.page.getByText('No customer matches')).toBeVisible({ timeout: 20_000 });

  await decided.getByRole('button', { name: 'Show certificate' }).click();
  const certificate = sup.page.getByRole('region', { name: 'Erasure certificate' });
  await expect(certificate).toContainText('Desks (all confirmed)');
  await expect(certificate).toContainText('Casey Care');
  await expect(certificate).toContainText('tax and accounting records');
  await expect(certificate).not.toContainText(c.customer.email);
  await capture(sup.page, 'erasure-certificate');
});

/**
 * A caller who keeps the service and asks only for their contact details to go: the account stays
 * on every desk with the name, the service address and one phone; the profile says what happened;
 * the certificate says what was kept for the service, with no end date while the account is open.
 */
test('contact details only: the account stays, the profile and the certificate say what went', async ({ openDesk }) => {
  const rep = await openDesk({ name: 'desk of Casey' });
  const sup = await openDesk({ name: 'desk of Sam' });
  await signInAndSync(rep.page, 'care.rep');
  await signInAndSync(sup.page, 'sup.sam');
  const c = customerNo(32);

  await openCustomer(rep.page, c);
  await verifyCaller(rep.page, c);
  const erasure = rep.page.getByRole('region', { name: 'Erasure of personal data' });
  await erasure.getByRole('button', { name: 'Request erasure' }).click();
  await erasure.getByLabel('Reason for the change').fill('Caller no longer wants to be contacted by email');
  await erasure.getByRole('button', { name: 'Save' }).click();
  await expect(erasure).toContainText('Contact details only');

  await sup.page.getByRole('button', { name: /Approvals/ }).click();
  const request = sup.page.getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(request).toContainText('Contact details only', { timeout: 20_000 });
  await request.getByLabel('Reason for the decision').fill('Identity checked on the call');
  await request.getByRole('button', { name: 'Approve and erase' }).click();
  const decided = sup.page.getByRole('region', { name: 'Decided' });
  await expect(decided.getByRole('listitem').filter({ hasText: nameOf(c) })).toContainText('Erased', { timeout: 20_000 });

  // the rep's open profile: still the customer, without the email, and saying why
  const contact = rep.page.getByRole('region', { name: 'Contact details' });
  await expect(contact).toContainText('Contact details erased at the customer’s request', { timeout: 20_000 });
  await expect(contact).not.toContainText(c.customer.email);
  await expect(rep.page.getByRole('heading', { name: nameOf(c) })).toBeVisible();
  await capture(rep.page, 'erasure-contact-profile');

  await decided.getByRole('listitem').filter({ hasText: nameOf(c) }).getByRole('button', { name: 'Show certificate' }).click();
  const certificate = sup.page.getByRole('region', { name: 'Erasure certificate' });
  await expect(certificate).toContainText('Contact details only');
  await expect(certificate).toContainText('Kept for the service');
  await expect(certificate).toContainText('While the account is open');
  await expect(certificate).not.toContainText(c.customer.email);
  await capture(sup.page, 'erasure-contact-certificate');
});
