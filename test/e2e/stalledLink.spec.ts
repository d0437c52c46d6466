import { customerInCentral } from './support/centralRecords';
import { customerNo, openCustomer, signInAndSync, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * Issue 9: the line to the central store stalls (open, nothing passes). The status bar says the desk
 * is offline and why while it waits, the edit stays pending, and it goes once the line flows again.
 * The desk waits five seconds for an answer instead of fifteen, so the stall shows within the test.
 */
const SYNC = { retry: { baseMs: 200, maxMs: 1_000 }, timeouts: { connectMs: 5_000, headersMs: 5_000, bodyMs: 5_000, pullBodyMs: 5_000 } };

test('a stalled line: the status bar shows the desk offline with the reason and the edit pending, then sends it', async ({ openDesk, central }) => {
  const { page, link } = await openDesk({ sync: SYNC });
  const u = ui(page);
  await signInAndSync(page, 'care.rep');
  const c = customerNo(42);
  await openCustomer(page, c);
  await verifyCaller(page, c);

  link.stall();
  await u.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await page.getByLabel('Email', { exact: true }).fill('stalled.line@example.org');
  await u.reason.fill('Caller asked to correct it');
  await u.save.click();
  await expect(u.status.online).toHaveText('Offline', { timeout: 20_000 });
  await expect(page.getByTestId('status-error')).toContainText('cannot be reached');
  await expect(u.status.pending).toHaveText('1 waiting to send');
  await expect(u.section('Email').getByText('Waiting to send')).toBeVisible();
  await capture(page, 'stalled-line');

  link.unstall();
  await expect(u.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 30_000 });
  await expect(u.status.pending).toHaveText('0 waiting to send');
  await expect(u.status.online).toHaveText('Online');
  expect((await customerInCentral(central, c.customer.id)).email).toBe('stalled.line@example.org');
});
