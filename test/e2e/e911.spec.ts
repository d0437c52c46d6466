import type { Page } from '@playwright/test';
import { formatAddress, type PostalAddress } from '../../domain/validation/address';
import type { TestCentral } from '../support/central';
import { customerNo, formatPhone, openCustomer, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * E911 follows the service address (issue 13): a rep who corrects a service address is offered, on
 * the same verified call, to move the lines' E911 address with it, online; declined or offline, the
 * rep is told, and the central store flags the lines for network operations itself, which the
 * profile's service lines show after the sync. Driven by the keyboard alone once the address is typed.
 */
test.use({ customers: 60 });

const MOVED: PostalAddress = { line1: '400 Pine Avenue', line2: 'Apt 3', city: 'Sparks', state: 'NV', zip: '89431' };

/** active demo customers with exactly `lines` lines, in index order */
function customersWithLines(lines: number, count: number) {
  const found = [];
  for (let i = 0; found.length < count; i++) {
    const c = customerNo(i);
    if (c.serviceLines.length === lines && c.customer.accountStatus === 'active') found.push(c);
  }
  return found;
}

async function lineInCentral(central: TestCentral, id: string): Promise<Record<string, unknown>> {
  const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'serviceLine').where('id', '=', id).executeTakeFirstOrThrow();
  return JSON.parse(row.data!);
}

/** The service address corrected in its editor (Alt+S), saved with Enter. */
async function correctServiceAddress(page: Page, to: PostalAddress, reason = 'Caller moved') {
  await page.keyboard.press('Alt+S');
  await expect(page.getByLabel('Address line 1')).toBeFocused();
  await page.getByLabel('Address line 1').fill(to.line1);
  await page.getByLabel('Address line 2 (optional)').fill(to.line2 ?? '');
  await page.getByLabel('City').fill(to.city);
  await page.getByLabel('State').selectOption(to.state);
  await page.getByLabel('ZIP').fill(to.zip);
  await ui(page).reason.fill(reason);
  await ui(page).reason.press('Enter');
}

const offer = (page: Page) => page.getByRole('dialog', { name: 'Update the E911 address too?' });

test('a verified rep corrects a service address and moves the lines’ E911 address with it, online, in the same call', async ({ openDesk, central }) => {
  const { page } = await openDesk();
  await signInAndSync(page, 'care.rep');
  const [c] = customersWithLines(2, 1);
  await openCustomer(page, c!);
  await verifyCaller(page, c!);
  await correctServiceAddress(page, MOVED);

  const dialog = offer(page);
  await expect(dialog).toBeVisible();
  const update = dialog.getByRole('button', { name: 'Update E911 now' });
  await expect(update).toBeFocused();
  await expect(dialog).toContainText('These lines still send 911 dispatchers to the old address');
  for (const line of c!.serviceLines) {
    const row = dialog.getByRole('row').filter({ hasText: formatPhone(line.number) });
    await expect(row).toContainText(formatAddress(line.e911Address));
    await expect(row).toContainText(formatAddress(MOVED));
  }
  await capture(page, 'e911-follow-address');

  // the window's minimum: the whole step is on screen, nothing sideways
  await page.setViewportSize({ width: 1024, height: 768 });
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(1024);
  expect(box.y + box.height).toBeLessThanOrEqual(768);
  expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await expect(update).toBeInViewport();
  await expect(dialog.getByRole('button', { name: 'Not now' })).toBeInViewport();
  await capture(page, 'e911-follow-address-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.keyboard.press('Enter');
  const summary = dialog.getByRole('status');
  await expect(summary).toContainText('E911 updated: 911 dispatchers are sent to the new service address for these 2 lines.');
  for (const line of c!.serviceLines) await expect(dialog.getByRole('row').filter({ hasText: formatPhone(line.number) })).toContainText('E911 updated');
  const done = dialog.getByRole('button', { name: 'Done' });
  await expect(done).toBeFocused();

  // the central store's lines: the new E911 address, nothing left to review (the flag the correction raised is cleared)
  for (const line of c!.serviceLines) {
    const stored = await lineInCentral(central, line.id);
    expect(stored.e911Address).toEqual(MOVED);
    expect(stored.e911Review).toBeNull();
  }
  const audit = await central.store.db.selectFrom('audit_log').select(['action', 'outcome', 'fields']).where('customer_id', '=', c!.customer.id).where('action', 'like', 'e911.%').orderBy('seq').execute();
  expect(audit.filter((a) => a.action === 'e911.updated').map((a) => [a.outcome, a.fields])).toEqual(c!.serviceLines.map(() => ['ok', JSON.stringify(['e911Address', 'e911Review'])]));

  // closed: focus back on the section the rep corrected; the lines show their new E911 address, unflagged
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Edit service address/ })).toBeFocused();
  const lines = page.getByRole('region', { name: /Service lines/ });
  await expect(lines.getByRole('row').filter({ hasText: formatPhone(c!.serviceLines[0]!.number) })).toContainText(formatAddress(MOVED));
  await expect(lines).not.toContainText('E911 review');
});

test('“Not now”, or offline: the rep is told, and the central store flags the lines for network operations, which the profile shows after the sync', async ({ openDesk, central }) => {
  const { page, link } = await openDesk();
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const [declined, offline] = customersWithLines(1, 2);

  // declined with Esc: the dialog says what happens instead, and stays until Done
  await openCustomer(page, declined!);
  await verifyCaller(page, declined!);
  await correctServiceAddress(page, MOVED);
  const dialog = offer(page);
  await expect(dialog.getByRole('button', { name: 'Update E911 now' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Not now' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toContainText('E911 not updated. The central store flags it for network operations once the corrected service address reaches it.');
  await expect(dialog.getByRole('status')).toContainText('tell the caller');
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await capture(page, 'e911-not-now');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);

  const line = declined!.serviceLines[0]!;
  await expect.poll(async () => (await lineInCentral(central, line.id)).e911Review, { timeout: 30_000 }).toEqual(expect.objectContaining({ reason: 'service_address_changed', serviceAddress: MOVED }));
  expect((await lineInCentral(central, line.id)).e911Address).toEqual(line.e911Address);
  const flag = page.getByRole('region', { name: /Service lines/ }).getByRole('row').filter({ hasText: formatPhone(line.number) });
  await expect(flag).toContainText('E911 review: flagged for network operations', { timeout: 30_000 });
  await flag.scrollIntoViewIfNeeded();
  await capture(page, 'e911-review-flagged');

  // offline: verified while the link was up, corrected after it went down; nothing is offered that cannot be done
  await openCustomer(page, offline!);
  await verifyCaller(page, offline!);
  link.cut();
  await expect(u.status.online).toHaveText('Offline', { timeout: 30_000 });
  await correctServiceAddress(page, MOVED);
  await expect(dialog.getByRole('status')).toContainText('This workstation is offline: an E911 address is changed only with the central store, never queued.');
  await expect(dialog.getByRole('button', { name: 'Update E911 now' })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  const offlineLine = offline!.serviceLines[0]!;
  expect((await lineInCentral(central, offlineLine.id)).e911Review ?? null).toBeNull();

  // the link back: the correction reaches the store, which flags the line; the desk shows it after the sync
  link.restore();
  await expect(u.status.pending).toHaveText('0 waiting to send', { timeout: 30_000 });
  await expect.poll(async () => (await lineInCentral(central, offlineLine.id)).e911Review, { timeout: 30_000 }).toEqual(expect.objectContaining({ serviceAddress: MOVED }));
  await expect(page.getByRole('region', { name: /Service lines/ })).toContainText('E911 review: flagged for network operations', { timeout: 30_000 });
  const flagged = await central.store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'e911.review_flagged').execute();
  expect(flagged.map((a) => a.entity_id).sort()).toEqual([...declined!.serviceLines, ...offline!.serviceLines].map((l) => l.id).sort());
});
