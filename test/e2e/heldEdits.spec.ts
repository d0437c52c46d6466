import { customerInCentral } from './support/centralRecords';
import { customerNo, nameOf, openCustomer, signInAndSync, signInByKeys, ui, verifyCaller } from './support/consoleUi';
import { capture, expect, test, type Desk } from './support/fixtures';
import { tabTo } from './support/keyboard';

/**
 * Issue 14, the supervisor's approvals: edits the central store held for review. A rep who meets a
 * conflict asks a supervisor rather than choose; another rep's edit reaches the store after the
 * caller's verification ran out (by the store's clock). Both wait in the supervisor's approvals with
 * whose record, what would change, who asked and why; the supervisor applies one and declines the
 * other, and each rep's desk hears the decision at its next sync. Real desks, the real store.
 */
const VERIFICATION_WINDOW_MS = 30 * 60_000;

/** Casey and Rose, care reps, and Sam, their supervisor, each signed in on a desk of their own and synced. */
async function twoRepsAndTheirSupervisor(openDesk: (options: { name: string }) => Promise<Desk>) {
  const desks = { casey: await openDesk({ name: 'desk of Casey' }), rose: await openDesk({ name: 'desk of Rose' }), sam: await openDesk({ name: 'desk of Sam' }) };
  await signInAndSync(desks.casey.page, 'care.rep');
  await signInAndSync(desks.rose.page, 'care.rose');
  await signInAndSync(desks.sam.page, 'sup.sam');
  return desks;
}

/** An email corrected from the customer's profile, with the reason for the change. */
async function editEmail(desk: Desk, email: string, reason: string) {
  const u = ui(desk.page);
  await u.section('Email').getByRole('button', { name: 'Edit email' }).click();
  await desk.page.getByLabel('Email', { exact: true }).fill(email);
  await u.reason.fill(reason);
  await u.save.click();
}

/** Two reps change one customer's email; the one whose link was cut meets a conflict when it is back. */
async function conflictOnEmail(a: Desk, b: Desk, customer: ReturnType<typeof customerNo>) {
  for (const desk of [a, b]) {
    await openCustomer(desk.page, customer);
    await verifyCaller(desk.page, customer);
  }
  const ua = ui(a.page);
  const ub = ui(b.page);
  b.link.cut();
  await expect(ub.status.online).toHaveText('Offline', { timeout: 30_000 });
  await editEmail(b, 'rose.heard@example.com', 'Caller spelled out her new address');
  await editEmail(a, 'casey.heard@example.com', 'Caller gave the family address');
  await expect(ua.section('Email').getByText('Confirmed')).toBeVisible({ timeout: 20_000 });
  b.link.restore();
  await expect(ub.status.conflicts).toHaveText('1 conflict', { timeout: 60_000 });
}

test('a conflict a rep escalated and an edit sent after its verification ran out wait in Approvals; the supervisor applies one and declines the other; each rep hears it', async ({ openDesk, central, storeClock }) => {
  test.setTimeout(240_000);
  const { casey, rose, sam } = await twoRepsAndTheirSupervisor(openDesk);
  const disputed = customerNo(41);
  const late = customerNo(42);

  // Rose meets a conflict and asks a supervisor, with a note; an empty note is refused, naming it
  await conflictOnEmail(casey, rose, disputed);
  const ur = ui(rose.page);
  await rose.page.getByRole('button', { name: /^Conflicts/ }).click();
  const card = rose.page.getByRole('list', { name: 'Unresolved conflicts' }).getByRole('listitem').filter({ hasText: nameOf(disputed) });
  await card.getByRole('button', { name: /^Ask a supervisor/ }).click();
  await expect(card.getByLabel('Note for the supervisor')).toBeFocused();
  await card.getByRole('button', { name: 'Send to a supervisor' }).click();
  await expect(card.getByLabel('Note for the supervisor')).toHaveAttribute('aria-invalid', 'true');
  await expect(card.getByText('reason.required')).toBeVisible();
  await expect(ui(rose.page).status.conflicts).toHaveText('1 conflict');
  await card.getByLabel('Note for the supervisor').fill('She read it out twice; the family address is her husband’s');
  await capture(rose.page, 'conflict-escalate');
  await card.getByRole('button', { name: 'Send to a supervisor' }).click();
  await expect(rose.page.getByText(/sent to a supervisor, who decides which value stays/)).toBeVisible();
  await expect(ur.status.conflicts).toHaveText('0 conflicts', { timeout: 20_000 });
  await expect(rose.page.getByTestId('status-held')).toHaveText(/1 held for review/, { timeout: 20_000 });
  // the record keeps Casey's value until the supervisor decides
  expect((await customerInCentral(central, disputed.customer.id)).email).toBe('casey.heard@example.com');

  // Casey verifies a caller, edits offline, and the edit reaches the store 31 minutes later by its clock: held
  const uc = ui(casey.page);
  await openCustomer(casey.page, late);
  await verifyCaller(casey.page, late);
  casey.link.cut();
  await expect(uc.status.online).toHaveText('Offline', { timeout: 30_000 });
  await editEmail(casey, 'late.edit@example.com', 'Caller moved mail to a new provider');
  storeClock.advance(VERIFICATION_WINDOW_MS + 60_000);
  casey.link.restore();
  await expect(casey.page.getByTestId('status-held')).toHaveText(/1 held for review/, { timeout: 60_000 });
  await uc.status.pending.click();
  const caseyList = casey.page.getByRole('dialog', { name: 'Changes on this workstation' });
  await expect(caseyList.getByRole('listitem').filter({ hasText: nameOf(late) })).toContainText('Held for review');
  await expect(caseyList.getByRole('listitem').filter({ hasText: nameOf(late) })).toContainText(/minutes after the caller was verified/);
  await casey.page.keyboard.press('Escape');

  // the supervisor's approvals: both, with whose record, the values, who asked, when and why
  await sam.page.keyboard.press('Alt+3');
  const waiting = sam.page.getByRole('region', { name: /Waiting for a decision/ });
  const escalated = waiting.getByRole('listitem').filter({ hasText: nameOf(disputed) });
  const held = waiting.getByRole('listitem').filter({ hasText: nameOf(late) });
  await expect(escalated).toContainText('Escalated conflict', { timeout: 30_000 });
  await expect(escalated).toContainText('the family address is her husband’s');
  await expect(escalated).toContainText('current casey.heard@example.com → proposed rose.heard@example.com');
  await expect(escalated).toContainText('Rose Ortega');
  await expect(escalated).toContainText('“Caller spelled out her new address (conflict escalated to a supervisor)”');
  await expect(held).toContainText('Held edit', { timeout: 30_000 });
  await expect(held).toContainText('Sent after the caller’s verification ran out');
  await expect(held).toContainText(`proposed late.edit@example.com`);
  await expect(held).toContainText('Casey Care');
  await escalated.getByLabel('Reason for the decision').fill('Confirmed with the customer on a callback');
  await capture(sam.page, 'supervisor-approvals');
  await escalated.getByRole('button', { name: 'Apply the change' }).click();
  await held.getByLabel('Reason for the decision').fill('No new verification: the caller must call again');
  await held.getByRole('button', { name: 'Decline' }).click();
  const decided = sam.page.getByRole('region', { name: 'Decided' });
  await expect(decided.getByRole('listitem').filter({ hasText: nameOf(disputed) })).toContainText('Applied by Sam Supervisor', { timeout: 20_000 });
  await expect(decided.getByRole('listitem').filter({ hasText: nameOf(late) })).toContainText('Declined by Sam Supervisor', { timeout: 20_000 });

  // the store: Rose's value applied, Casey's late edit not
  expect((await customerInCentral(central, disputed.customer.id)).email).toBe('rose.heard@example.com');
  expect((await customerInCentral(central, late.customer.id)).email).toBe(late.customer.email);

  // each rep's desk hears it: Rose's held change leaves (applied), Casey's is refused with the supervisor's reason
  await expect(rose.page.getByTestId('status-held')).toHaveCount(0, { timeout: 30_000 });
  await expect(casey.page.getByTestId('status-held')).toHaveCount(0, { timeout: 30_000 });
  await uc.status.pending.click();
  const refused = caseyList.getByRole('listitem').filter({ hasText: nameOf(late) });
  await expect(refused).toContainText('Refused');
  await expect(refused).toContainText('declined by Sam Supervisor: No new verification: the caller must call again');
});

test('a supervisor works the approvals queue and the team’s activity by the keyboard alone', async ({ openDesk, central }) => {
  test.setTimeout(240_000);
  const casey = await openDesk({ name: 'desk of Casey' });
  const rose = await openDesk({ name: 'desk of Rose' });
  const sam = await openDesk({ name: 'desk of Sam' });
  await signInAndSync(casey.page, 'care.rep');
  await signInAndSync(rose.page, 'care.rose');
  // the supervisor signs in by keys too: the password, the second factor's code, the recovery codes' button
  await signInByKeys(sam.page, 'sup.sam');
  await expect(ui(sam.page).status.lastSync).not.toContainText('not yet', { timeout: 30_000 });
  const disputed = customerNo(43);
  await conflictOnEmail(casey, rose, disputed);
  await rose.page.getByRole('button', { name: /^Conflicts/ }).click();
  const card = rose.page.getByRole('list', { name: 'Unresolved conflicts' }).getByRole('listitem').filter({ hasText: nameOf(disputed) });
  await card.getByRole('button', { name: /^Ask a supervisor/ }).click();
  await card.getByLabel('Note for the supervisor').fill('Two addresses given on one call');
  await card.getByRole('button', { name: 'Send to a supervisor' }).click();
  await expect(rose.page.getByTestId('status-held')).toHaveText(/1 held for review/, { timeout: 20_000 });

  const { page } = sam;
  const keys = page.keyboard;
  // Approvals by its shortcut; the reason and the decision by Tab and Enter
  await keys.press('Alt+3');
  await expect(page.getByRole('heading', { name: 'Approvals', level: 1 })).toBeVisible();
  const item = page.getByRole('region', { name: /Waiting for a decision/ }).getByRole('listitem').filter({ hasText: nameOf(disputed) });
  await expect(item).toContainText('Escalated conflict', { timeout: 30_000 });
  await tabTo(page, item.getByLabel('Reason for the decision'));
  await keys.type('Kept what the customer confirmed last');
  await keys.press('Tab');
  await expect(item.getByRole('button', { name: 'Apply the change' })).toBeFocused();
  await keys.press('Tab');
  await expect(item.getByRole('button', { name: 'Decline' })).toBeFocused();
  await keys.press('Enter');
  await expect(page.getByRole('region', { name: 'Decided' }).getByRole('listitem').filter({ hasText: nameOf(disputed) })).toContainText('Declined by Sam Supervisor', { timeout: 20_000 });
  expect((await customerInCentral(central, disputed.customer.id)).email).toBe('casey.heard@example.com');

  // the team's activity by its shortcut: the decision is there, by the supervisor
  await keys.press('Alt+0');
  const activity = page.getByRole('region', { name: 'Team activity' });
  await expect(activity.getByRole('heading', { name: 'Team activity', level: 1 })).toBeVisible();
  await expect(activity.getByRole('row').filter({ hasText: 'Held edit decided' }).first()).toContainText('Sam Supervisor', { timeout: 20_000 });

  // Rose's desk hears the decline
  await expect(rose.page.getByTestId('status-held')).toHaveCount(0, { timeout: 30_000 });
});
