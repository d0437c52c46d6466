import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestCentral, type TestCentral } from '../../support/central';
import { FaultProxy } from '../../support/faultProxy';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';
import { CLOCK_STEP_BACK_TOLERANCE_MS } from '../../../electron/core/session/offlineAllowance';

/**
 * The maximum offline age (DESIGN §4, issue 16) on the desk's own clock, injected: an offline unlock
 * within the policy's 72 hours opens the cache, one past it does not, and neither does one with the
 * clock set back before the last unlock or online contact — the rollback that would make an old cache
 * look fresh. An unlock that reaches the central store is vouched for by it, whatever the clock says.
 */
const HOUR = 3_600_000;
let central: TestCentral;
let link: FaultProxy;
let ws: TestWorkstation;
let now = Date.now();
const setClock = (t: number) => void (now = t);

beforeAll(async () => {
  central = await startTestCentral({ customers: 2, users: { 'rep.away': 'care_rep' } });
  link = await FaultProxy.start(central.port);
  ws = await startWorkstation({ serverUrl: link.url(), caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, clock: () => new Date(now) });
  await ws.call('session.signIn', { username: 'rep.away', password: PASSWORD });
  await ws.call('session.lock');
});
afterAll(async () => {
  await ws?.dispose();
  await link?.close();
  await central?.dispose();
});

const unlock = () => ws.call('session.unlock', { password: PASSWORD });
const refusal = (err: unknown) => ({ code: (err as { code: string }).code, rules: (err as { issues: { rule: string }[] }).issues.map((i) => i.rule) });

describe('the maximum offline age and a clock set back', () => {
  const signedInAt = now;

  it('unlocks offline within the allowance', async () => {
    link.cut();
    setClock(signedInAt + 71 * HOUR);
    expect((await unlock()).state).toBe('unlocked');
    await ws.call('session.lock');
  });

  it('refuses an offline unlock past the maximum offline age, naming the rule', async () => {
    setClock(signedInAt + 72 * HOUR + 1);
    const err = await unlock().catch((e: unknown) => e);
    expect(refusal(err)).toEqual({ code: 'offline_too_long', rules: ['session.max_offline_age'] });
    expect((await ws.call('session.status')).state).toBe('locked');
  });

  it('refuses an offline unlock with the clock set back before the last unlock, though the age then looks small', async () => {
    // the last unlock was at +71 h; the clock now says +2 h: within 72 h of the sign-in, but earlier than the desk has been
    setClock(signedInAt + 2 * HOUR);
    const err = await unlock().catch((e: unknown) => e);
    expect(refusal(err)).toEqual({ code: 'offline_too_long', rules: ['clock.rolled_back'] });
    // nor by signing in while offline (the same cache, opened with the password alone)
    const again = await ws.call('session.signIn', { username: 'rep.away', password: PASSWORD }).catch((e: unknown) => e);
    expect(refusal(again)).toEqual({ code: 'offline_too_long', rules: ['clock.rolled_back'] });
  });

  it('lets a small step back pass (an NTP correction)', async () => {
    setClock(signedInAt + 71 * HOUR - CLOCK_STEP_BACK_TOLERANCE_MS + 1_000);
    expect((await unlock()).state).toBe('unlocked');
    await ws.call('session.lock');
  });

  it('opens when the central store is reached, whatever the clock, and the mark follows the vouched time', async () => {
    link.restore();
    setClock(signedInAt + 3 * HOUR);
    expect((await unlock()).state).toBe('unlocked');
    await ws.call('session.lock');
    // offline again: measured from that contact, an hour later opens
    link.cut();
    setClock(signedInAt + 4 * HOUR);
    expect((await unlock()).state).toBe('unlocked');
    await ws.call('session.lock');
  });
});
