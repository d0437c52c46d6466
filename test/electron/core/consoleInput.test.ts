import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../../domain/console/channels';
import type { WorkstationCore } from '../../../electron/core';
import { removeTempDirs, signedOutCore } from './helpers';

/**
 * Every console channel parses its input with the contract's schema before anything else: a bad
 * value is refused naming the field and the rule, whatever the session state. One bad input per
 * channel; a channel added to the contract without one here fails the first test.
 */
const BAD_INPUT: Record<ChannelName, [input: unknown, field: string]> = {
  'session.status': [{ extra: 1 }, '(input)'],
  'device.enrol': [{ code: 'short', deviceName: 'desk' }, 'code'],
  'session.signIn': [{ username: 'A b', password: 'x' }, 'username'],
  'session.unlock': [{ password: '' }, 'password'],
  'session.lock': [{ extra: 1 }, '(input)'],
  'session.signOut': [{ extra: 1 }, '(input)'],
  'session.idle': [{ extra: 1 }, '(input)'],
  'session.stillHere': [{ extra: 1 }, '(input)'],
  'workspace.get': [{ extra: 1 }, '(input)'],
  'workspace.save': [{ view: 'customers', customer: null, tab: 'settings', editing: null, drafts: {} }, 'tab'],
  'customers.search': [{ query: '' }, 'query'],
  'customers.count': [{ query: 'smi', kind: 'nickname' }, 'kind'],
  'customers.open': [{ customerId: 'not-a-uuid' }, 'customerId'],
  'customer.verifyCaller': [{ customerId: '00000000-0000-4000-8000-000000000000', method: 'dob', answer: '1234' }, 'method'],
  'customers.verificationAttempts': [{ customerId: 'not-a-uuid' }, 'customerId'],
  'records.change': [{ operation: 'customer.editContact', id: '00000000-0000-4000-8000-000000000000', values: {}, reason: 'x' }, 'reason'],
  'records.history': [{ entity: 'users', id: '00000000-0000-4000-8000-000000000000' }, 'entity'],
  'records.list': [{ entity: 'customer' }, 'entity'],
  'serviceLines.list': [{ by: 'status', status: 'disconnected' }, 'status'],
  'erasure.certificate': [{ requestId: 'not-an-id' }, 'requestId'],
  'conflicts.list': [{ extra: 1 }, '(input)'],
  'conflicts.resolve': [{ mutationId: '00000000-0000-4000-8000-000000000000', field: 'email', keep: 'both' }, 'keep'],
  'conflicts.escalate': [{ mutationId: '00000000-0000-4000-8000-000000000000', field: 'email', note: '' }, 'note'],
  'changes.list': [{ extra: 1 }, '(input)'],
  'changes.dismiss': [{ mutationId: 42 }, 'mutationId'],
  'changes.discard': [{ mutationId: 'x' }, 'mutationId'],
  'sync.status': [{ extra: 1 }, '(input)'],
  'sync.now': [{ extra: 1 }, '(input)'],
  'billing.open': [{ customerId: 'nope' }, 'customerId'],
  'paymentMethod.replaceCard': [{ customerId: '00000000-0000-4000-8000-000000000000', paymentMethodId: 'nope', card: {} }, 'paymentMethodId'],
  'billingAccount.recordAdjustment': [{ customerId: '00000000-0000-4000-8000-000000000000', kind: 'credit', amountCents: -100, reason: 'goodwill', requestedBy: 'customer' }, 'requestedBy'],
  'billingAdjustment.decide': [{ adjustmentId: '00000000-0000-4000-8000-000000000000', decision: 'applied', reason: 'checked the ticket' }, 'decision'],
  'billingAdjustment.reverse': [{ id: '00000000-0000-4000-8000-000000000000', billingAccountId: '00000000-0000-4000-8000-000000000000', adjustmentId: 'nope', reason: 'wrong account' }, 'adjustmentId'],
  'lead.convert': [{ leadId: '00000000-0000-4000-8000-000000000000', serviceAddress: { line1: '1 Main St', city: 'Reno', state: 'NV', zip: '89501' }, plans: [] }, 'plans'],
  'inquiry.reply': [{ inquiryId: '00000000-0000-4000-8000-000000000000', body: 'Hello', disclosesAccountData: 'yes' }, 'disclosesAccountData'],
  'heldEdit.decide': [{ heldEditId: '00000000-0000-4000-8000-000000000000', decision: 'maybe', reason: 'Checked with the caller' }, 'decision'],
  'heldEdit.release': [{ heldEditId: '00000000-0000-4000-8000-000000000000', verificationId: 'not-an-id' }, 'verificationId'],
  'sharing.export': [{ partner: 'Acme Print', purpose: 'leads' }, 'purpose'],
  'serviceLine.setE911Address': [
    { lineId: '00000000-0000-4000-8000-000000000000', expected: { line1: '1 Main St', city: 'Reno', state: 'NV', zip: '89501' }, address: { line1: '2 Main St', city: 'Reno', state: 'NV', zip: '8950' }, reason: 'Caller moved' },
    'address.zip',
  ],
  'session.secondFactor': [{ code: '12345' }, 'code'],
  'session.recoveryCodesSaved': [{ extra: 1 }, '(input)'],
  'session.reauthenticate': [{ password: 'a long enough password', code: 'abcdef' }, 'code'],
  'lockout.list': [{ extra: 1 }, '(input)'],
  'lockout.lift': [{ username: 'A b' }, 'username'],
  'secondFactor.reset': [{ userId: 'not-a-uuid' }, 'userId'],
  // privacy-policy versions (issue 14)
  'policyVersion.publish': [{ changes: 'short' }, 'changes'],
  'policyVersion.status': [{ userId: '00000000-0000-4000-8000-000000000000' }, '(input)'],
  'policyVersion.acknowledge': [{ version: 0 }, 'version'],
  'policyVersion.list': [{ extra: 1 }, '(input)'],
  // issue 14, compliance
  'disclosure.prepare': [{ id: '00000000-0000-4000-8000-000000000000', customerId: '00000000-0000-4000-8000-000000000000', requester: 'Detective Ruiz', legalBasis: 'ecpa_subpoena', fieldsDisclosed: ['name', 'ssn'], documentReference: 'SUB-1', nonDisclosureOrder: false }, 'fieldsDisclosed.1'],
  'disclosure.approve': [{ disclosureId: 'nope' }, 'disclosureId'],
  'subjectAccess.report': [{ customerId: '00000000-0000-4000-8000-000000000000', format: 'pdf' }, '(input)'],
  'audit.search': [{ from: '2026-12-02T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }, 'to'],
  'audit.integrity': [{ extra: 1 }, '(input)'],
  // administration (issue 14)
  'admin.users': [{ all: true }, '(input)'],
  'admin.createUser': [{ username: 'Ada Admin', displayName: 'Ada', role: 'admin' }, 'username'],
  'admin.disableUser': [{ userId: 'me' }, 'userId'],
  'admin.enableUser': [{ userId: 7 }, 'userId'],
  'admin.changeRole': [{ userId: '00000000-0000-4000-8000-000000000000', role: 'root' }, 'role'],
  'admin.assignTeam': [{ userId: '00000000-0000-4000-8000-000000000000', teamId: 'blue' }, 'teamId'],
  'admin.resetPassword': [{ userId: '00000000-0000-4000-8000-000000000000', password: 'chosen-by-the-admin' }, '(input)'],
  'admin.saveTeam': [{ name: '', leads: [] }, 'name'],
  'admin.devices': [{ all: true }, '(input)'],
  'admin.revokeDevice': [{ deviceId: '../../etc' }, 'deviceId'],
  'admin.issueEnrolmentCode': [{ hours: 24 * 30 }, 'hours'],
  'admin.setSessionPolicy': [{ idleLockMinutes: 60, maxOfflineHours: 72 }, 'idleLockMinutes'],
  'serviceLine.setStatus': [{ lineId: '00000000-0000-4000-8000-000000000000', expected: 'active', status: 'disconnected', reason: 'Porting request' }, 'status'],
  'serviceLine.changePlan': [{ lineId: '00000000-0000-4000-8000-000000000000', expected: 'Business Line', plan: 'Gold', reason: 'Upgrade' }, 'plan'],
};

let core: WorkstationCore;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ core, dispose } = await signedOutCore('input-test'));
});
afterAll(async () => {
  await dispose();
  removeTempDirs();
});

describe('console input', () => {
  it('has a bad input on record for every channel of the contract', () => {
    expect(Object.keys(BAD_INPUT).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it.each(CHANNEL_NAMES)('refuses a bad input on %s, naming the field and the rule', async (channel) => {
    const [input, field] = BAD_INPUT[channel];
    const result = await core.dispatch(channel, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule: expect.any(String) })]));
  });

  it('refuses a channel the contract does not name', async () => {
    expect(await core.dispatch('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
