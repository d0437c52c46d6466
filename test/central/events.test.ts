import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../domain';
import { Harness, readEvents, type TestSession } from './harness';

describe('live pokes', () => {
  let h: Harness;
  let clerk: TestSession;
  beforeAll(async () => {
    h = await Harness.start({ customers: 2 });
    clerk = await h.session('billing_clerk');
  });
  afterAll(() => h.dispose());

  it('sends the head on connect, then a poke with the new head after a push', async () => {
    const watcher = await h.session('care_rep');
    const { billingAccount } = h.customer(0);
    let pushedHead = -1;
    const events = await readEvents(
      h,
      watcher,
      (seen) => seen.some((e) => e.type === 'poke' && e.head === pushedHead),
      async () => {
        const m = h.mutation(clerk, 1, { entity: 'billingAccount', id: billingAccount.id }, { autopay: billingAccount.autopay }, { autopay: !billingAccount.autopay });
        pushedHead = (await h.push(clerk, [m])).json.head;
      },
    );
    expect(events[0]).toMatchObject({ type: 'poke' });
    expect((events[0] as { head: number }).head).toBeLessThan(pushedHead);
    expect(events.at(-1)).toEqual({ type: 'poke', head: pushedHead });
  });

  it('tells the stream its session was revoked, and ends it', async () => {
    const rep = await h.session('care_rep');
    const events = await readEvents(h, rep, (seen) => seen.some((e) => e.type === 'revoked'), async () => {
      await h.call(rep.device.agent, 'DELETE', API.session, { token: rep.token });
    });
    expect(events.at(-1)).toEqual({ type: 'revoked', scope: 'session', reason: 'signed out' });
  });
});
