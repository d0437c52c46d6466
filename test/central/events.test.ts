import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../domain';
import { POKE_INTERVAL_MS } from '../../central/http/routes/events';
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
        const m = h.mutation(clerk, h.nextSeq(clerk), { entity: 'billingAccount', id: billingAccount.id }, { autopay: billingAccount.autopay }, { autopay: !billingAccount.autopay });
        pushedHead = (await h.push(clerk, [m])).json.head;
      },
    );
    expect(events[0]).toMatchObject({ type: 'poke' });
    expect((events[0] as { head: number }).head).toBeLessThan(pushedHead);
    expect(events.at(-1)).toEqual({ type: 'poke', head: pushedHead });
  });

  it('tells a desk of a burst of changes in pokes at most one per interval, the last with the latest head, each head higher than the one before', async () => {
    const watcher = await h.session('care_rep');
    const { billingAccount } = h.customer(1);
    let finalHead = -1;
    let started = 0;
    const pushes = 20;
    const events = await readEvents(
      h,
      watcher,
      (seen) => seen.some((e) => e.type === 'poke' && e.head === finalHead),
      async () => {
        started = performance.now();
        // twenty changes as fast as the store takes them, with no pause between them
        let autopay = billingAccount.autopay;
        for (let i = 0; i < pushes; i++) {
          const m = h.mutation(clerk, h.nextSeq(clerk), { entity: 'billingAccount', id: billingAccount.id }, { autopay }, { autopay: !autopay });
          autopay = !autopay;
          finalHead = (await h.push(clerk, [m])).json.head;
        }
      },
    );
    const elapsed = performance.now() - started;
    const heads = events.map((e) => (e as { head: number }).head);
    expect(finalHead - heads[0]!).toBeGreaterThanOrEqual(pushes);
    expect(heads.at(-1)).toBe(finalHead);
    // each poke tells more than the last one did: none repeats or goes back
    for (let i = 1; i < heads.length; i++) expect(heads[i]).toBeGreaterThan(heads[i - 1]!);
    // one poke at once, then at most one per interval until the last: never one per change (twenty, here, when the pushes took under a second)
    expect(heads.length - 1).toBeLessThanOrEqual(2 + Math.floor(elapsed / POKE_INTERVAL_MS));
    expect(heads.length - 1).toBeLessThanOrEqual(pushes);
  });

  it('tells the stream its session was revoked, and ends it', async () => {
    const rep = await h.session('care_rep');
    const events = await readEvents(h, rep, (seen) => seen.some((e) => e.type === 'revoked'), async () => {
      await h.call(rep.device.agent, 'DELETE', API.session, { token: rep.token });
    });
    expect(events.at(-1)).toEqual({ type: 'revoked', scope: 'session', reason: 'signed out' });
  });
});
