/**
 * The names of the console API's channels and events, with no schema attached: what the preload
 * needs to refuse any other name, without pulling the schema library into it. The contract
 * (contract.ts) must define exactly these: the compiler checks both directions.
 */
export const CHANNEL_NAMES = [
  'session.status',
  'device.enrol',
  'session.signIn',
  'session.unlock',
  'session.lock',
  'session.signOut',
  'session.idle',
  'session.stillHere',
  'workspace.get',
  'workspace.save',
  'customers.search',
  'customers.open',
  'customer.verifyCaller',
  'customers.verificationAttempts',
  'conflicts.list',
  'conflicts.resolve',
  'changes.list',
  'changes.dismiss',
  'changes.discard',
  'records.change',
  'records.history',
  'records.list',
  'serviceLines.list',
  'erasure.certificate',
  'billing.open',
  'paymentMethod.replaceCard',
  'billingAccount.recordAdjustment',
  'billingAdjustment.decide',
  'billingAdjustment.reverse',
  'lead.convert',
  'inquiry.reply',
  'sharing.export',
  'serviceLine.setE911Address',
  'audit.search',
  // administration (issue 14): the admin operations' own channels, derived from domain/operations.ts
  'admin.users',
  'admin.createUser',
  'admin.disableUser',
  'admin.enableUser',
  'admin.changeRole',
  'admin.assignTeam',
  'admin.resetPassword',
  'admin.saveTeam',
  'admin.devices',
  'admin.revokeDevice',
  'admin.issueEnrolmentCode',
  'admin.setSessionPolicy',
  'serviceLine.setStatus',
  'serviceLine.changePlan',
  'sync.status',
  'sync.now',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const EVENT_NAMES = ['session.changed', 'sync.status', 'records.changed'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
