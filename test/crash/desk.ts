/**
 * One workstation core as its own process, for the crash harness (harness.ts): it signs in (or
 * unlocks the cache a killed run left), syncs, makes the planned edits it does not see made yet,
 * and syncs until nothing is pending. It prints a line as it enters each phase, so the harness can
 * kill it there, and `done {...}` at the end. Everything is the real core: encrypted cache, OS
 * keychain (the harness runs under test/with-keyring.sh), TLS to a real central store.
 */
import { readFileSync } from 'node:fs';
import { fromErrorBody } from '../../domain/errors';
import type { Channel, ChannelInput, ChannelOutput } from '../../domain/console/contract';
import { createWorkstationCore } from '../../electron/core';
import { TEST_KDF } from '../support/workstation';

export interface DeskPlan {
  serverUrl: string;
  enrolmentUrl: string;
  caPem: string;
  enrolmentCode: string;
  dataDir: string;
  keychainService: string;
  username: string;
  password: string;
  /** edits to make: the customer's email becomes `email` (verified with the account PIN) */
  edits: { customerId: string; pin: string; email: string }[];
  /** account numbers the cache must find once synced */
  expectAccounts: string[];
  /**
   * Verify every caller online first, then wait for the central store to go away and queue the
   * edits offline, so that they reach it as one push batch when it is back (the scenario that
   * kills the central store mid-batch).
   */
  offlineEdits?: boolean;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as DeskPlan;
const phase = (name: string) => process.stdout.write(`phase ${name}\n`);

const core = await createWorkstationCore({
  dataDir: plan.dataDir,
  serverUrl: plan.serverUrl,
  enrolmentUrl: plan.enrolmentUrl,
  caPem: plan.caPem,
  keychainService: plan.keychainService,
  deviceName: 'crash desk',
  enrolmentCode: plan.enrolmentCode,
  kdf: TEST_KDF,
});
async function call<C extends Channel>(channel: C, input: ChannelInput<C> = {} as ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await core.dispatch(channel, input);
  if (!result.ok) throw fromErrorBody(result.error as never);
  return result.value as ChannelOutput<C>;
}

phase('open');
const state = (await call('session.status')).state;
if (state === 'locked') await call('session.unlock', { password: plan.password });
else if (state !== 'unlocked') await call('session.signIn', { username: plan.username, password: plan.password });

phase('pull');
await call('sync.now');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verify = async (edit: DeskPlan['edits'][number]) => {
  const verified = await call('customer.verifyCaller', { customerId: edit.customerId, method: 'account_pin', answer: edit.pin });
  if (!verified.verified) throw new Error(`verification refused for ${edit.customerId}`);
};
if (plan.offlineEdits) {
  // verification is online only: wait for the store (a restart a moment ago may still be coming up)
  for (let i = 0; i < 300 && !(await call('sync.status')).online; i++) await sleep(100);
  for (const edit of plan.edits) await verify(edit);
  phase('verified');
  // the harness takes the central store away now; bounded wait
  for (let i = 0; i < 300 && (await call('sync.status')).online; i++) await sleep(100);
}

phase('edit');
let queued = 0;
for (const edit of plan.edits) {
  const profile = await call('customers.open', { customerId: edit.customerId });
  if (profile.customer.email === edit.email) continue; // made by a run that was killed after queuing it
  if (!plan.offlineEdits) await verify(edit);
  await call('records.change', { operation: 'customer.editContact', id: edit.customerId, values: { email: edit.email }, reason: 'crash harness: caller asked' });
  queued++;
}

phase('push');
let status = await call('sync.now');
// bounded: 60 s, enough for the central store to be killed and started again
for (let attempt = 0; status.pending > 0 && attempt < 300; attempt++) {
  await sleep(200);
  status = await call('sync.now');
}
let found = 0;
for (const account of plan.expectAccounts) {
  const { hits } = await call('customers.search', { query: account });
  if (hits.length > 0) found++;
}
process.stdout.write(`done ${JSON.stringify({ queued, pending: status.pending, rejected: status.rejected, conflicts: status.conflicts, found })}\n`);
await core.close();
process.exit(0);
