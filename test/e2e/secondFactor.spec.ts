import { generateSync } from 'otplib';
import { PASSWORD } from '../support/central';
import { totpFor } from '../support/secondFactor';
import { customerNo, nameOf, openCustomer, signIn, ui } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * Issue 14's second factor in the console, against a real central store: a billing clerk enrols at
 * first sign-in (QR code and secret, first code, recovery codes shown once); when the store's session
 * ends while the console is open, it asks for password and code where the clerk is, and sync resumes
 * with the customer still open; an administrator lifts a sign-in lockout from the Sign-in lockouts view.
 */
test('a billing clerk enrols a second factor at first sign-in, with its recovery codes shown once', async ({ openDesk }) => {
  const { page } = await openDesk({ name: 'desk of Bea' });
  const u = ui(page);
  await u.username.fill('billing.bea');
  await u.password.fill(PASSWORD);
  await u.password.press('Enter');
  await expect(page.getByRole('heading', { name: 'Set up your second factor' })).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code of your sign-in secret/ })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await capture(page, 'totp-enrolment');

  // a wrong code is refused where it was typed; the right one enrols
  const code = page.getByLabel('Authentication code');
  const right = generateSync({ secret });
  await code.fill(right === '000000' ? '111111' : '000000');
  await code.press('Enter');
  await expect(page.getByText('that code is not right')).toBeVisible();
  await code.fill(right);
  await code.press('Enter');
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await expect(codes.first()).toHaveText(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
  await capture(page, 'totp-recovery-codes');
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(u.search).toBeVisible();
});

test('when the store’s session ends, the console asks for password and code inline and sync resumes, the customer still open', async ({ openDesk, central }) => {
  const desk = await openDesk({ name: 'desk of Bea' });
  const { page, ws } = desk;
  await signIn(page, 'billing.bea');
  const c = customerNo(7);
  await openCustomer(page, c);
  const user = await central.store.admin.userNamed('billing.bea');
  await central.store.admin.revokeSessionsOf(user.id);
  const prompt = page.getByRole('region', { name: 'Sign in again to keep syncing' });
  await expect(prompt).toBeVisible();
  // nothing of the workspace is lost: the profile stays open under the prompt
  await expect(ui(page).profileName).toHaveText(nameOf(c));
  // an edit made meanwhile waits on the desk
  await ws.call('records.change', { operation: 'billingAccount.edit', id: c.billingAccount.id, values: { autopay: !c.billingAccount.autopay }, reason: 'Customer asked on the phone' });
  await expect.poll(async () => (await ws.call('sync.status')).pending).toBe(1);
  await prompt.getByLabel('Password').fill(PASSWORD);
  await prompt.getByLabel('Authentication code').fill(await totpFor('billing.bea'));
  await capture(page, 'reauth-inline');
  await prompt.getByRole('button', { name: 'Sign in and sync' }).click();
  await expect(prompt).toHaveCount(0);
  await expect(ui(page).profileName).toHaveText(nameOf(c));
  await expect.poll(async () => (await ws.call('sync.status')).pending, { timeout: 20_000 }).toBe(0);
  const stored = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'billingAccount').where('id', '=', c.billingAccount.id).executeTakeFirstOrThrow();
  expect(JSON.parse(stored.data!).autopay).toBe(!c.billingAccount.autopay);
});

test('an administrator sees a sign-in lockout and lifts it', async ({ openDesk }) => {
  const guesser = await openDesk({ name: 'a guessing desk' });
  for (let i = 0; i < 10; i++) await guesser.ws.call('session.signIn', { username: 'care.rose', password: `guess number ${i}` }).catch(() => undefined);
  await expect(guesser.ws.call('session.signIn', { username: 'care.rose', password: PASSWORD })).rejects.toMatchObject({ code: 'rate_limited' });

  const { page } = await openDesk({ name: 'desk of Ada' });
  const u = ui(page);
  await u.username.fill('admin.ada');
  await u.password.fill(PASSWORD);
  await u.password.press('Enter');
  const code = page.getByLabel('Authentication code');
  await expect(code).toBeVisible();
  await code.fill(generateSync({ secret: (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '') }));
  await code.press('Enter');
  await page.getByRole('button', { name: 'I have saved these codes' }).click();

  // the administrator's own entry in the navigation (Alt+4)
  const views = page.getByRole('navigation', { name: 'Console views' }).getByRole('button');
  await expect(views.filter({ hasText: 'Sign-in lockouts' })).toHaveCount(1);
  await page.keyboard.press('Alt+4');
  const panel = page.getByRole('region', { name: 'Sign-in lockouts' });
  const row = panel.getByRole('listitem').filter({ hasText: 'care.rose' });
  await expect(row).toContainText('10 wrong passwords, 0 wrong codes');
  await capture(page, 'admin-lockouts');
  await row.getByRole('button', { name: 'Lift the lockout of care.rose' }).click();
  await expect(panel).toContainText('care.rose may sign in again.');
  await expect(panel.getByRole('heading', { name: 'Locked now (0)' })).toBeVisible();
  expect((await guesser.ws.call('session.signIn', { username: 'care.rose', password: PASSWORD })).state).toBe('unlocked');
});
