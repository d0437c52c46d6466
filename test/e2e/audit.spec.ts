import type { Page } from '@playwright/test';
import { customerNo, nameOf, openCustomer, signInAndSync, ui } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';

/**
 * The audit view (issue 14) on desks against a real central store: a care rep finds and opens a
 * customer, and those reads reach the log as a search (its kind and count, never what was typed) and
 * a profile view; the compliance officer sees them with the customer named and narrows the log by
 * action and person, and is told whether the trail holds against its signed checkpoints — and that it
 * does not once rows are cut from its end (issue 16); a billing clerk's log holds only their own
 * actions, reached by keyboard alone.
 */
const auditOf = (page: Page) => page.getByRole('region', { name: 'Audit log' });

test('compliance reads every action, the rep’s search and view among them, never the query; a clerk reads only their own', async ({ openDesk, central }) => {
  const rep = await openDesk({ name: 'rep desk' });
  await signInAndSync(rep.page, 'care.rep');
  const c = customerNo(4);
  await openCustomer(rep.page, c);
  // the reads reach the store with the desk's next push
  await rep.ws.call('sync.now');
  await expect
    .poll(async () => (await central.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'record.view').execute()).length, { timeout: 30_000 })
    .toBeGreaterThan(0);

  const comp = await openDesk({ name: 'compliance desk' });
  await signInAndSync(comp.page, 'comp.cora');
  await comp.page.keyboard.press('Alt+0');
  const audit = auditOf(comp.page);
  await expect(audit.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(audit).toContainText('Every action recorded.');
  const search = audit.getByRole('row').filter({ hasText: 'Customer search' }).filter({ hasText: 'Casey Care' });
  await expect(search.first()).toContainText(/account search at .*: 1 result/);
  await expect(audit).not.toContainText(c.customer.accountNumber);
  const viewed = audit.getByRole('row').filter({ hasText: 'Profile viewed' }).filter({ hasText: 'Casey Care' });
  await expect(viewed.first()).toContainText(nameOf(c));
  await expect(viewed.first()).toContainText('opened from search');

  // narrowed to the rep and to profile views
  await viewed.first().getByRole('button', { name: 'Casey Care' }).click();
  await expect(audit.getByRole('list', { name: 'Also filtered by' })).toContainText('Person: Casey Care');
  await audit.getByLabel('Action').selectOption({ label: 'Profile viewed' });
  await expect(audit.getByRole('row')).toHaveCount(2);
  await capture(comp.page, 'compliance-audit');
  await audit.getByRole('button', { name: 'Remove the filter Person: Casey Care' }).click();
  await expect(audit.getByRole('list', { name: 'Also filtered by' })).toHaveCount(0);

  // the trail held against its signed checkpoints (issue 16); then rows cut from its end, as someone with the database alone would
  await expect(audit.getByText(/^The trail holds: [\d,]+ rows, checked .* against \d+ signed checkpoints?/)).toBeVisible();
  const signed = await central.store.admin.checkpointAudit();
  await central.store.db.deleteFrom('audit_log').where('seq', '>', signed.seq - 3).execute();
  await audit.getByRole('button', { name: 'Check again' }).click();
  const alarm = audit.getByRole('alert').filter({ hasText: 'The audit trail does not hold' });
  await expect(alarm).toContainText(`but row ${signed.seq} was signed at`);
  await expect(alarm).toContainText('checkpoint.truncated');
  await capture(comp.page, 'audit-checkpoint-alert');

  // a billing clerk, by keyboard alone: their own actions, no one else's
  const clerk = await openDesk({ name: 'clerk desk' });
  await signInAndSync(clerk.page, 'billing.bea');
  await expect(ui(clerk.page).search).toBeVisible();
  await clerk.page.keyboard.press('Alt+0');
  const own = auditOf(clerk.page);
  await expect(own).toContainText('Your own actions.');
  await expect(own.getByRole('row').filter({ hasText: 'Signed in' }).first()).toContainText('Bea Billing');
  await expect(own).not.toContainText('Casey Care');
  await expect(own).not.toContainText('Cora Compliance');
  await own.getByLabel('Action').focus();
  await clerk.page.keyboard.press('ArrowDown');
  await expect(own.getByLabel('Action')).not.toHaveValue('');
  await capture(clerk.page, 'billing-audit-own');
});

test('a supervisor’s Team activity holds the actions of the team they lead, and no one else’s', async ({ openDesk, central }) => {
  const db = central.store.db;
  const idOf = async (username: string) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const team = await central.store.admin.saveTeam({ name: 'Care team North', leads: [await idOf('sup.sam')] });
  await central.store.admin.assignTeam(await idOf('care.rep'), team.id);

  // two reps search and open customers: only one of them is in Sam's team
  for (const [username, index] of [['care.rep', 2], ['care.rose', 3]] as const) {
    const desk = await openDesk({ name: `${username} desk` });
    await signInAndSync(desk.page, username);
    await openCustomer(desk.page, customerNo(index));
    await desk.ws.call('sync.now');
  }
  await expect
    .poll(async () => (await db.selectFrom('audit_log').select('seq').where('action', '=', 'record.view').execute()).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);

  const sup = await openDesk({ name: 'supervisor desk' });
  await signInAndSync(sup.page, 'sup.sam');
  await expect(sup.page.getByRole('navigation', { name: 'Console views' }).getByRole('button', { name: /Team activity/ })).toBeVisible();
  await sup.page.keyboard.press('Alt+0');
  const activity = sup.page.getByRole('region', { name: 'Team activity' });
  await expect(activity).toContainText('Your actions and those of the teams you lead.');
  await expect(activity.getByRole('row').filter({ hasText: 'Profile viewed' }).first()).toContainText('Casey Care');
  await expect(activity.getByRole('row').filter({ hasText: 'Profile viewed' }).first()).toContainText(nameOf(customerNo(2)));
  await expect(activity).not.toContainText('Rose Ortega');
  await expect(activity).not.toContainText(nameOf(customerNo(3)));
  await capture(sup.page, 'supervisor-team-activity');
});
