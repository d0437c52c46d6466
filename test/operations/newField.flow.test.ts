import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoCustomer } from '../../domain/demo/generator';
import { startTestCentral, DEMO_SEED, type TestCentral } from '../support/central';
import { signInDesk } from '../support/secondFactor';
import { startWorkstation, eventually, type TestWorkstation } from '../support/workstation';

/**
 * Run only by newField.test.ts (vitest.config.ts leaves it out otherwise), inside a copy of the tree in which three files gained a customer's
 * preferred language (the entity schema, its policy row, an operation declaring it editable).
 * Nothing else was touched: the console, the outbox, the push, the central store, the pull and the
 * audit log must carry it from what they derive. Real store over TLS, two real desks.
 */
const OPERATION = 'customer.editPreferences' as never;
const demo = (i: number) => demoCustomer(i, { seed: DEMO_SEED, historyMonths: 2 });

let central: TestCentral;
let one: TestWorkstation;
let two: TestWorkstation;

async function desk(username: string) {
  const ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, deviceName: `desk of ${username}` });
  // a billing clerk with the second factor (issue 14), a rep with the password alone
  await signInDesk(ws, username);
  await ws.call('sync.now');
  return ws;
}

beforeAll(async () => {
  central = await startTestCentral({ customers: 6, users: { 'rep.new': 'care_rep', 'rep.other': 'care_rep', 'clerk.new': 'billing_clerk' } });
  one = await desk('rep.new');
  two = await desk('rep.other');
});
afterAll(async () => {
  await one?.dispose();
  await two?.dispose();
  await central?.dispose();
});

it('flows end to end: console validation, outbox, push, central store, pull on another desk, audit row', async () => {
  const { customer, secrets } = demo(2);
  await one.call('customer.verifyCaller', { customerId: customer.id, method: 'account_pin', answer: secrets.accountPin });

  // console validation, from the entity schema: a value outside the field's rule is refused naming both
  await expect(one.call('records.change', { operation: OPERATION, id: customer.id, values: { preferredLanguage: 'klingon' }, reason: 'caller prefers it' })).rejects.toMatchObject({
    code: 'validation',
    issues: [expect.objectContaining({ field: 'preferredLanguage' })],
  });
  // the profile offers it to the role the policy row lets write it
  expect((await one.call('customers.open', { customerId: customer.id })).editablePaths).toContain('preferredLanguage');

  const { mutationId } = await one.call('records.change', { operation: OPERATION, id: customer.id, values: { preferredLanguage: 'es' }, reason: 'caller prefers Spanish' });
  expect(one.core.session.unlocked().cache.changesOf('customer', customer.id)).toEqual([expect.objectContaining({ id: mutationId, changes: { preferredLanguage: 'es' } })]);
  await eventually(async () => (await one.call('sync.status')).pending === 0 || null, 20_000, 'pushed and applied');

  const row = await central.store.db.selectFrom('records').select('data').where('entity', '=', 'customer').where('id', '=', customer.id).executeTakeFirstOrThrow();
  expect(JSON.parse(String(row.data)).preferredLanguage).toBe('es');
  const audit = await central.store.db.selectFrom('audit_log').select(['action', 'fields']).where('entity_id', '=', customer.id).where('action', '=', 'record.update').execute();
  expect(audit).toEqual([{ action: 'record.update', fields: JSON.stringify(['preferredLanguage']) }]);

  await eventually(async () => (await two.call('customers.open', { customerId: customer.id })).customer.preferredLanguage === 'es' || null, 20_000, 'on the other desk');

  // the policy row is enforced by the store too: a billing clerk (read only) is refused
  const clerk = await desk('clerk.new');
  try {
    await expect(clerk.call('records.change', { operation: OPERATION, id: customer.id, values: { preferredLanguage: 'fr' }, reason: 'not mine to change' })).rejects.toMatchObject({ code: 'forbidden' });
  } finally {
    await clerk.dispose();
  }
});
