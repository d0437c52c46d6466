import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, PASSWORD, type TestCentral } from '../../support/central';
import { startWorkstation, type TestWorkstation } from '../../support/workstation';

/**
 * The idle lock and its countdown (issue 13, PCI DSS 8.2.8): reads (the console's polls, and the
 * refreshes a sync sets off) are not the user's activity and never keep a console open; a key
 * (`session.stillHere`, which the console sends on the user's input) or a change is. The core's clock decides.
 */
let central: TestCentral;
let ws: TestWorkstation;
let now = Date.now();
const advance = (ms: number) => void (now += ms);

beforeAll(async () => {
  central = await startTestCentral({ customers: 2, users: { 'rep.idle': 'care_rep' } });
  ws = await startWorkstation({ serverUrl: central.store.url, caPem: central.store.caPem, enrolmentCode: central.enrolmentCode, enrolmentUrl: central.store.enrolmentUrl, clock: () => new Date(now) });
  await ws.call('session.signIn', { username: 'rep.idle', password: PASSWORD });
});
afterAll(async () => {
  await ws?.dispose();
  await central?.dispose();
});

describe('the idle lock', () => {
  it('counts down through the console’s polls, is put back by a key, and locks when the time is up', async () => {
    await ws.call('session.stillHere');
    expect(await ws.call('session.idle')).toEqual({ lockInMs: 15 * 60_000, idleLockMinutes: 15 });
    advance(14 * 60_000);
    // polls and reads (a refresh after a sync re-reads what is open): not activity
    await ws.call('session.status');
    await ws.call('sync.status');
    await ws.call('customers.search', { query: 'a' });
    await ws.call('changes.list');
    expect((await ws.call('session.idle')).lockInMs).toBe(60_000);
    // a key: fifteen minutes again
    expect((await ws.call('session.stillHere')).lockInMs).toBe(15 * 60_000);
    advance(15 * 60_000 - 1);
    await ws.core.session.checkIdle();
    expect((await ws.call('session.status')).state).toBe('unlocked');
    advance(1);
    await ws.core.session.checkIdle();
    expect((await ws.call('session.status')).state).toBe('locked');
    await expect(ws.call('session.idle')).rejects.toMatchObject({ code: 'locked' });
  });
});
