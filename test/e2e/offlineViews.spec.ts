import { customerNo, openCustomer, signInAndSync } from './support/consoleUi';
import { capture, expect, test } from './support/fixtures';
import { dropCachedView, reportViewHeadWhileReadsWait } from '../support/viewChainContact';

/**
 * Offline views that cannot be retracted (issue 16, item 2), on desks against a real central store:
 * a care rep's desk reports the signed head of its chain of offline reads while three profile views
 * still wait in its encrypted cache; a modified desk then drops one of them before sending the rest.
 * The compliance officer's audit view says so at once, naming the missing entry and the rule, and
 * the log's row for it reads as a failure.
 */
test('a view dropped from a desk after its head was reported is flagged in the compliance view', async ({ openDesk, central }) => {
  const rep = await openDesk({ name: 'rep desk' });
  await signInAndSync(rep.page, 'care.rep');
  await openCustomer(rep.page, customerNo(2));
  await rep.ws.call('sync.now');

  for (const i of [3, 4, 5]) await openCustomer(rep.page, customerNo(i));
  await reportViewHeadWhileReadsWait(rep.ws);
  // the middle one of the three views waiting goes, then the desk sends the rest
  const dropped = dropCachedView(rep.ws, customerNo(4).customer.id);
  await rep.ws.call('sync.now');
  await expect
    .poll(async () => (await central.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'offline_views.chain_broken').execute()).length, { timeout: 30_000 })
    .toBe(1);

  const comp = await openDesk({ name: 'compliance desk' });
  await signInAndSync(comp.page, 'comp.cora');
  await comp.page.keyboard.press('Alt+0');
  const audit = comp.page.getByRole('region', { name: 'Audit log' });
  const alarm = audit.getByRole('alert').filter({ hasText: 'Offline views withheld or altered on a desk' });
  await expect(alarm).toContainText('Casey Care (Care rep) on desk ');
  await expect(alarm).toContainText(`entry ${dropped} is missing (covered by the head the desk reported at`);
  await expect(alarm.locator('code.rule')).toHaveText('view_chain.gap');
  // the log's own row for it, narrowed to such faults
  await audit.getByLabel('Action').selectOption({ label: 'Offline views withheld or altered' });
  const row = audit.getByRole('row').filter({ hasText: 'Offline views withheld or altered' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Failed');
  await expect(row).toContainText('Casey Care');
  await capture(comp.page, 'offline-view-gap');
});
