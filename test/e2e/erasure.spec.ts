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
  await erasure.getByLabel('Reason for the change').fill('Caller asked us to remove all their personal data');
  await capture(rep.page, 'erasure-request');
  await erasure.getByRole('button', { name: 'Save' }).click();
  await expect(erasure).toContainText('Erasure request filed');
  await expect(erasure).toContainText('Waiting for a decision');

  // compliance records a legal hold (its own view comes with issue 14: here through its desk's console API)
  const hold = await comp.ws.call('records.change', { operation: 'legalHold.place', values: { customerId: c.customer.id, kind: 'ecpa_preservation', reference: 'Preservation letter 2026-771' }, reason: 'letter received' });
  await eventually(async () => ((await comp.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'the hold stored');

  // the supervisor's approvals
  await sup.page.getByRole('button', { name: /Approvals/ }).click();
  const request = sup.page.getByRole('listitem').filter({ hasText: nameOf(c) });
  await expect(request).toContainText('Caller asked us to remove all their personal data', { timeout: 20_000 });
  await request.getByLabel('Reason for the decision').fill('Identity checked on a callback');
  await capture(sup.page, 'erasure-approval');
  await request.getByRole('button', { name: 'Approve and erase' }).click();
  await expect(request).toContainText('a legal hold blocks this erasure: an ECPA preservation request (Preservation letter 2026-771)', { timeout: 20_000 });
  await capture(sup.page, 'erasure-hold');
  expect((await central.store.db.selectFrom('records').select('data').where('id', '=', c.customer.id).executeTakeFirstOrThrow()).data).not.toBeNull();

  // released by compliance: the approval goes through, and the store erases the customer
  await comp.ws.call('records.change', { operation: 'legalHold.release', id: hold.id, values: { status: 'released' }, reason: 'preservation period over' });
  await eventually(async () => ((await comp.ws.call('sync.status')).pending === 0 ? true : null), 20_000, 'the release stored');
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
