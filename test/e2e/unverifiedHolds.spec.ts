import { customerInCentral } from './support/centralRecords';
import { customerNo, openCustomer, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * Issue 16, the outage call flow: the central store is unreachable, so the caller cannot be verified
 * (no verification secret is ever on a desk). The rep holds the correction instead: it waits in the
 * outbox marked "held, unverified" with its expiry, changes nothing of the record, and the store holds
 * it when the desk is back. The rep then verifies the caller online and releases it, and it is
 * applied, marked as released after re-verification. Real desk, real core, the real store.
 */
test('offline, a correction is held unverified with its expiry; back online the rep re-verifies the caller, releases it, and only then is it applied', async ({ openDesk, central }) => {
  test.setTimeout(180_000);
  const desk = await openDesk({ name: 'desk of Casey' });
  const { page } = desk;
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const c = customerNo(51);
  await openCustomer(page, c);

  desk.link.cut();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await expect(page.getByText('The central store is unreachable, so the caller cannot be verified.')).toBeVisible();

  // the editor opens without a verified caller, and its button says what saving does now
  await u.section('Email').getByRole('button', { name: 'Edit email' }).click();
  const email = page.getByLabel('Email', { exact: true });
  await email.fill('held.offline@example.org');
  // typing in a field never fires a shortcut: the letters land in the field
  await u.reason.fill('Caller asked to correct it');
  await expect(u.reason).toHaveValue('Caller asked to correct it');
  await page.getByRole('button', { name: /^Hold, unverified/ }).click();

  // nothing of it is applied on this desk: the email on file stays, the change says held and when it expires
  await expect(u.section('Email')).toContainText(c.customer.email);
  await expect(u.section('Email')).not.toContainText('held.offline@example.org');
  const changes = page.getByRole('region', { name: 'Changes' });
  await expect(changes.getByTestId('change-unverified')).toContainText(/Held, unverified · expires \w{3} \d+, \d\d:\d\d/);

  // the caller also asks to be called back: recorded as the rep's word, to the number on file
  const callbacks = page.getByRole('region', { name: 'Callbacks' });
  await callbacks.getByRole('button', { name: 'Record a callback' }).click();
  await callbacks.getByLabel('Reason for the change').fill('Caller asked to be called back once the system is back');
  await callbacks.getByRole('button', { name: /^Record callback/ }).click();
  const asked = callbacks.getByRole('list', { name: 'Callbacks asked for' }).getByRole('listitem');
  await expect(asked).toContainText('To call back');
  await expect(asked).toContainText('Waiting for the central store.');

  // the status bar's list of waiting changes shows its state and its expiry
  await page.setViewportSize({ width: 1024, height: 768 });
  await u.status.pending.click();
  const list = page.getByRole('list', { name: 'Changes not yet confirmed' });
  const item = list.getByRole('listitem').filter({ hasText: 'Held, unverified' });
  await expect(item.getByText('Held, unverified', { exact: true })).toBeVisible();
  await expect(item).toContainText(/Not verified: the caller could not be verified/);
  await expect(item).toContainText(/Expires \w{3} \d+, \d\d:\d\d\./);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  await capture(page, 'held-edit');
  await page.keyboard.press('Escape');

  // back online, the store holds it; it has applied nothing
  desk.link.restore();
  await expect(page.getByTestId('status-held')).toHaveText(/1 held for review/, { timeout: 60_000 });
  expect((await customerInCentral(central, c.customer.id)).email).toBe(c.customer.email);
  await expect(changes.getByTestId('change-unverified')).toContainText('Verify the caller online to release it');

  // the callback reached the store as the rep's assertion, with no number of its own
  await expect(asked).not.toContainText('Waiting for the central store.', { timeout: 30_000 });
  await expect(asked).toContainText('Call the number on file');
  const stored = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'callbackRequest').execute();
  expect(stored.map((r) => JSON.parse(r.data ?? 'null') as Record<string, unknown>).filter((r) => r.customerId === c.customer.id)).toEqual([
    expect.objectContaining({ assertion: 'caller asked to be called back', status: 'requested', reason: 'Caller asked to be called back once the system is back' }),
  ]);

  // the rep verifies the caller online, with the customer on the line, and releases it
  await verifyCaller(page, c);
  await changes.getByRole('button', { name: 'Release correction' }).click();
  await expect(u.section('Email')).toContainText('held.offline@example.org', { timeout: 60_000 });
  await expect(page.getByTestId('status-held')).toHaveCount(0, { timeout: 60_000 });
  expect((await customerInCentral(central, c.customer.id)).email).toBe('held.offline@example.org');
  const held = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'heldEdit').execute();
  expect(held.map((r) => JSON.parse(r.data ?? 'null') as Record<string, unknown>).filter((r) => r.customerId === c.customer.id)).toEqual([
    expect.objectContaining({ status: 'applied', appliedAfter: 'reverification', heldFor: 'caller.unverified' }),
  ]);
  const released = await central.store.db.selectFrom('audit_log').select(['outcome', 'detail']).where('action', '=', 'held_edit.released').where('customer_id', '=', c.customer.id).execute();
  expect(released).toEqual([expect.objectContaining({ outcome: 'ok' })]);
});

/**
 * Past its expiry a held correction says so, in the profile and in the waiting changes, before the
 * store does (its `held_edit.expired`, test/central/unverifiedHolds.test.ts): the page's clock is
 * moved a day on (Playwright's clock), the desk's core and the store keep theirs, so the sessions stay.
 */
test('a correction held unverified past its expiry is shown expired, never applied', async ({ openDesk }) => {
  test.setTimeout(120_000);
  const desk = await openDesk({ name: 'desk of Casey' });
  const { page } = desk;
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const c = customerNo(52);
  await openCustomer(page, c);
  desk.link.cut();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await u.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await page.getByLabel('Email', { exact: true }).fill('too.late@example.org');
  await u.reason.fill('Caller asked to correct it');
  await page.getByRole('button', { name: /^Hold, unverified/ }).click();
  const changes = page.getByRole('region', { name: 'Changes' });
  await expect(changes.getByTestId('change-unverified')).toContainText('Held, unverified');

  await page.clock.setFixedTime(Date.now() + 25 * 60 * 60 * 1000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await u.status.pending.click();
  const item = page.getByRole('list', { name: 'Changes not yet confirmed' }).getByRole('listitem').filter({ hasText: 'Caller asked to correct it' });
  await expect(item.getByText('Expired, not applied', { exact: true })).toBeVisible();
  await expect(item).toContainText(/it was never applied\. Call the customer back on the number on file/);
  await capture(page, 'held-edit-expired');
  await page.keyboard.press('Escape');
  await expect(changes.getByTestId('change-unverified')).toContainText(/Expired .*never applied/);
  await expect(u.section('Email')).toContainText(c.customer.email);
});
